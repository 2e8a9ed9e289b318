"""Audio sources: anything that yields float32 mono 16 kHz frames.

The streamer does not care where audio comes from. A recorded file and the
microphone (`dictate.audio.microphone`) look the same to it; tests and benchmarks
feed files, with or without real-time pacing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Protocol

import numpy as np

from dictate.audio import SAMPLE_RATE
from dictate.audio.decode import load_audio


class AudioSource(Protocol):
    #: Shown in the session_start event: {"kind": "file", ...} or {"kind": "microphone", ...}.
    description: dict

    def frames(self) -> Iterator[np.ndarray]:
        """Blocks of float32 mono samples at 16 kHz, until the source ends."""
        ...


@dataclass(frozen=True)
class SourceStatus:
    """Something about the source the person must know (never transcript text)."""

    code: str       # "device_lost", "device_back", "overflow", "status"
    message: str
    fatal: bool = False


StatusCallback = Callable[[SourceStatus], None]


@dataclass
class FileSource:
    """A recorded file, as fast as possible or paced as if it were being spoken."""

    path: Path
    realtime: bool = False
    block_seconds: float = 0.1
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    description: dict = field(init=False)

    def __post_init__(self) -> None:
        self.description = {"kind": "file", "path": str(self.path), "realtime": self.realtime}

    def frames(self) -> Iterator[np.ndarray]:
        audio = load_audio(self.path).samples
        step = max(1, int(self.block_seconds * SAMPLE_RATE))
        started = self.clock()
        for i in range(0, len(audio), step):
            if self.realtime:
                # Each block is "available" once it has been spoken; if the
                # consumer fell behind, catch up without waiting.
                due = started + (i + step) / SAMPLE_RATE
                wait = due - self.clock()
                if wait > 0:
                    self.sleep(wait)
            yield audio[i:i + step]
