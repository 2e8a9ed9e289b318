"""Speech to words: finding and checking models, the faster-whisper edge, the live streamer."""
