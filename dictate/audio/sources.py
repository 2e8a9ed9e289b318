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
from dictate.audio.decode import stream_audio


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
        step = max(1, int(self.block_seconds * SAMPLE_RATE))
        started = self.clock()
        at = 0  # samples yielded so far
        for block in _reblocked(stream_audio(self.path), step):
            if self.realtime:
                # Each block is "available" once it has been spoken; if the
                # consumer fell behind, catch up without waiting.
                due = started + (at + step) / SAMPLE_RATE
                wait = due - self.clock()
                if wait > 0:
                    self.sleep(wait)
            at += len(block)
            yield block


def _reblocked(blocks: Iterator[np.ndarray], step: int) -> Iterator[np.ndarray]:
    """The same samples in blocks of `step` (the last shorter): a file read as a stream
    gives the streamer exactly the blocks the whole file would have."""
    rest = np.zeros(0, dtype=np.float32)
    for block in blocks:
        rest = np.concatenate([rest, block]) if len(rest) else block
        whole = len(rest) // step * step
        for i in range(0, whole, step):
            yield rest[i:i + step]
        rest = rest[whole:]
    if len(rest):
        yield rest
