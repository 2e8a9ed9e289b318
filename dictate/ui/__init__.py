"""The terminal app (Textual): a view on top of the headless core. Imported only by the CLI."""
