"""`--keep-audio`: the dictated audio as a WAV file beside the drafts.

Audio is health data too, so it is never stored unless asked for. When it is,
it goes into the drafts folder's `audio/` (0700) as 16 kHz mono 16-bit WAV
with mode 0600, and the draft retention purges it like a draft. The header is
rewritten after every block, so a crash leaves a file that plays up to the
last block written.
"""

from __future__ import annotations

import logging
import os
import wave
from datetime import datetime
from pathlib import Path

import numpy as np

from dictate.audio import SAMPLE_RATE
from dictate.errors import DictateError
from dictate.exit_codes import ExitCode

log = logging.getLogger(__name__)


def audio_folder(drafts: Path) -> Path:
    return drafts / "audio"


class AudioRecorder:
    """Appends float32 mono 16 kHz blocks to a new WAV file (never overwrites one)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(path.parent, 0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise DictateError(f"{path}: cannot keep the audio: {exc.strerror}", exit_code=ExitCode.IOERR) from None
        self._file = os.fdopen(fd, "wb")
        self._wav = wave.open(self._file, "wb")
        self._wav.setnchannels(1)
        self._wav.setsampwidth(2)
        self._wav.setframerate(SAMPLE_RATE)
        self.seconds = 0.0

    @classmethod
    def for_session(cls, drafts: Path, name: str | None = None) -> AudioRecorder:
        """A new file named after the note (listen) or the session's start (the app)."""
        stem = name or datetime.now().astimezone().strftime("session-%Y%m%d-%H%M%S-%f")
        return cls(audio_folder(drafts) / f"{stem}.wav")

    def write(self, frames: np.ndarray) -> None:
        """Never raises: when the disk fills up, a warning, and the dictation goes on."""
        if self._wav is None or not len(frames):
            return
        pcm = (np.clip(frames, -1.0, 1.0) * 32767.0).astype("<i2")
        try:
            self._wav.writeframes(pcm.tobytes())  # also patches the header's lengths
            self._file.flush()
        except OSError as exc:
            # A full disk must not end the dictation: the note and its draft matter more.
            log.warning("%s: cannot keep more audio (%s); dictation goes on, the file has the first "
                        "%.1f s", self.path, exc.strerror, self.seconds)
            self.close()
            return
        self.seconds += len(frames) / SAMPLE_RATE

    def close(self) -> None:
        if self._wav is not None:
            wav, self._wav = self._wav, None
            try:
                wav.close()
                self._file.close()
            except OSError as exc:
                log.warning("%s: the kept audio may be incomplete (%s)", self.path, exc.strerror)
