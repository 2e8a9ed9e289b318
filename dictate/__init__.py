"""dictate: offline speech-to-text journaling for care staff.

The package is split into a headless core (audio decoding, model resolution,
interpreter, note, renderers) and edges that pull in heavy libraries lazily
(`dictate.speech.whisper` for faster-whisper) and views on top (`dictate.cli`).
"""

__version__ = "0.1.0"
