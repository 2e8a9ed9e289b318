"""dictate: offline speech-to-text journaling for care staff.

A headless core (audio, catalog, speech, interpret, notes, output, runtime),
layered bottom up; heavy libraries are imported lazily at the edges
(`dictate.speech.fasterwhisper`, `dictate.audio.microphone`), and the views sit
on top (`dictate.cli`, `dictate.ui`).
"""

__version__ = "0.1.0"
