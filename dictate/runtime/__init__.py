"""Options to a running session: settings, the recogniser, the source, drafts, the engine loop."""
