"""The one engine loop: audio source -> (recorder) -> streamer -> messages.

`dictate listen` runs it on the main thread, the app in a worker thread, the soak
and the benchmarks in their own way; all of them through `Engine.run`. It owns no
note: what happens is reported through `post` (the app wires that to
`call_from_thread`; listen to its note builder and event writer). Pausing feeds a
short silence so the current utterance is committed, then stops feeding: a file
source waits, microphone audio is dropped.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from dictate.audio import SAMPLE_RATE
from dictate.audio.recorder import AudioRecorder
from dictate.audio.sources import AudioSource, SourceStatus
from dictate.errors import DictateError
from dictate.exit_codes import ExitCode
from dictate.speech.streamer import Streamer, StreamEvent

#: Said once, when the streamer gives up live updates on a machine too slow for them.
TOO_SLOW = SourceStatus("too_slow", "the computer is too slow for live display; the words come at pauses")


@dataclass(frozen=True)
class Events:
    events: list[StreamEvent]
    #: how far the streamer was behind the speaker on the wall clock when they were posted
    #: (`Streamer.lag`); an event's stream-time latency plus this is what the nurse waits
    lag: float = 0.0


@dataclass(frozen=True)
class Level:
    """The input level of the block just fed (RMS); also says that audio is arriving."""

    rms: float


@dataclass(frozen=True)
class Status:
    status: SourceStatus


@dataclass(frozen=True)
class Failed:
    """The engine cannot run: the model, PortAudio or the device. Never transcript text."""

    message: str
    #: "error", "model", "device" or "portaudio" (DictateError.kind)
    kind: str = "error"
    exit_code: int = ExitCode.FAILURE


@dataclass(frozen=True)
class Ended:
    #: "end_of_stream" (the source ran out), "stopped" (asked to stop) or "source_error"
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
        """Feed the source to the streamer until it ends or `stop` is set; then flush the streamer."""
        if getattr(self.source, "on_status", False) is None:
            self.source.on_status = lambda status: post(Status(status))  # type: ignore[attr-defined]
        try:
            self._run(post)
        finally:
            if self.recorder is not None:
                self.recorder.close()

    def finish(self, post: Callable[[EngineMessage], None]) -> None:
        """The streamer's last words: what was said but not yet committed."""
        post(Events(self.streamer.finish()))

    def _run(self, post: Callable[[EngineMessage], None]) -> None:
        flushed = True
        said_too_slow = False
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
                if flushed:
                    # After a pause (or at the start) the audio's clock starts afresh.
                    self.streamer.resync()
                flushed = False
                if self.recorder is not None:
                    self.recorder.write(frames)
                post(Level(float(np.sqrt(np.mean(np.square(frames)))) if len(frames) else 0.0))
                events = self.streamer.feed(frames)
                if events:
                    post(Events(events, lag=self.streamer.lag))
                if self.streamer.too_slow and not said_too_slow:
                    said_too_slow = True
                    post(Status(TOO_SLOW))
            self.finish(post)
            post(Ended("stopped" if self.stop.is_set() else "end_of_stream"))
        except DictateError as exc:
            post(Failed(exc.message, kind=exc.kind, exit_code=int(exc.exit_code)))
            self.finish(post)
            post(Ended("source_error"))
