"""Audio in: decoding files, the file and microphone sources, the recorder for --keep-audio."""

#: Every sample in dictate is mono float32 at this rate: what Whisper and the Silero VAD take.
SAMPLE_RATE = 16_000
