"""The part of the app that runs off the UI thread: audio source -> streamer.

It owns no note. It reports what happens as messages through `post`, which
the app wires to `call_from_thread`; the app applies commits to the note on
the UI thread. Pausing feeds a short silence so the current utterance is
committed, then stops feeding: a file source waits, microphone audio is dropped.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from dictate.errors import DictateError
from dictate.audio.recorder import AudioRecorder
from dictate.audio.sources import AudioSource, SourceStatus
from dictate.audio import SAMPLE_RATE
from dictate.speech.streamer import Streamer, StreamEvent


@dataclass(frozen=True)
class Events:
    events: list[StreamEvent]


@dataclass(frozen=True)
class Level:
    rms: float


@dataclass(frozen=True)
class Status:
    status: SourceStatus


@dataclass(frozen=True)
class Failed:
    """The engine cannot run: the model, PortAudio or the device. Never transcript text."""

    message: str
    kind: str = "error"  # "portaudio", "device", "model", "error"


@dataclass(frozen=True)
class Ended:
    reason: str


EngineMessage = Events | Level | Status | Failed | Ended


@dataclass
class Engine:
    source: AudioSource
    streamer: Streamer
    #: drop audio while paused (a microphone) instead of waiting (a file)
    live_source: bool = True
    paused: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)
    #: `--keep-audio`: what is fed to the streamer is also written here (paused audio is not)
    recorder: AudioRecorder | None = None

    def run(self, post: Callable[[EngineMessage], None]) -> None:
        try:
            self._run(post)
        finally:
            if self.recorder is not None:
                self.recorder.close()

    def _run(self, post: Callable[[EngineMessage], None]) -> None:
        flushed = True
        try:
            for frames in self.source.frames():
                if self.stop.is_set():
                    break
                if self.paused.is_set():
                    if not flushed:
                        # A pause ends the utterance: what was said is committed now.
                        silence = np.zeros(int((self.streamer.config.end_silence + 0.2) * SAMPLE_RATE),
                                           dtype=np.float32)
                        post(Events(self.streamer.feed(silence)))
                        flushed = True
                    if self.live_source:
                        post(Level(0.0))
                        continue
                    while self.paused.is_set() and not self.stop.is_set():
                        time.sleep(0.05)
                    if self.stop.is_set():
                        break
                flushed = False
                if self.recorder is not None:
                    self.recorder.write(frames)
                post(Level(float(np.sqrt(np.mean(np.square(frames)))) if len(frames) else 0.0))
                events = self.streamer.feed(frames)
                if events:
                    post(Events(events))
            post(Events(self.streamer.finish()))
            post(Ended("stopped" if self.stop.is_set() else "end_of_stream"))
        except DictateError as exc:
            post(Failed(exc.message, kind="device"))
            post(Events(self.streamer.finish()))
            post(Ended("source_error"))
