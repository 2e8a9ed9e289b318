"""A live dictation on one thread, without a screen: `dictate listen` and the soak.

The engine loop feeds the streamer; each commit goes to the note builder (and,
through the draft, to disk) before anything is reported, so a report never
shows what a crash could lose. What happens is handed to `report` as it
happens: stream events (partials, commits), interpreter notices and source
statuses. "afslut notat" / "end note" stops the engine.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from dictate.audio.sources import SourceStatus
from dictate.exit_codes import ExitCode
from dictate.interpret.interpreter import Notice
from dictate.notes.drafts import DraftStore
from dictate.notes.note import Note
from dictate.runtime.engine import Engine, EngineMessage, Events, Failed, Level, Status
from dictate.runtime.journal import drafted_builder
from dictate.runtime.session import Dictation, audio_recorder
from dictate.speech.streamer import StreamEvent

log = logging.getLogger("dictate")

Report = StreamEvent | Notice | SourceStatus


@dataclass(frozen=True)
class Outcome:
    #: "end_of_stream", "end_note", "interrupted", "source_error" or "device_lost"
    reason: str
    exit_code: int


class HeadlessSession:
    """One note dictated live: engine -> note builder (journalled) -> reports."""

    def __init__(self, dictation: Dictation, engine: Engine, store: DraftStore | None, *,
                 keep_audio: bool = False) -> None:
        self.engine = engine
        description = engine.source.description
        self._reports: list[Report] = []  # said once the session runs
        self.draft_failed = False
        self.builder, self.draft = drafted_builder(dictation.settings, store,
                                                   source=description.get("path") or description.get("device"),
                                                   on_error=self._draft_failed)
        self.note: Note = self.builder.note
        if keep_audio and store is not None:
            engine.recorder = audio_recorder(True, store, self.note.id)  # the WAV is named after the note
        self._began: float | None = None

    def _draft_failed(self, error: OSError) -> None:
        """The drafts folder cannot be written: say so once and go on dictating; the note
        still reaches stdout, and the exit code says the safety net was off."""
        if self.draft_failed:
            return
        self.draft_failed = True
        where = error.filename or (self.draft.store.directory if self.draft.store else "")
        message = (f"cannot save the draft in {where} ({error.strerror or error}): dictation goes on, "
                   "but a crash now would lose the note")
        log.warning("%s", message)
        self._reports.append(SourceStatus("drafts_off", message))

    @property
    def stream_time(self) -> float:
        """Seconds of audio taken in so far."""
        return self.engine.streamer.stream_time

    @property
    def wall_time(self) -> float:
        """Seconds on the wall clock since the session began listening; `wall_time - stream_time`
        is how far it is behind the speaker."""
        return 0.0 if self._began is None else time.monotonic() - self._began

    def run(self, report: Callable[[Report], None], listening: Callable[[], None] | None = None) -> Outcome:
        """Dictate until the source ends, "end note" is said, Ctrl-C (or SIGTERM) or a source error.

        `listening` is called once, when the first audio arrives (the device is open).
        """
        failed: list[Failed] = []
        heard: list[bool] = []

        def post(message: EngineMessage) -> None:
            if isinstance(message, Events):
                self.builder.handle(message.events)  # journalled before it is reported
                while self._reports:
                    report(self._reports.pop(0))
                for event in message.events:
                    report(event)
                for notice in self.builder.new_notices():
                    log.warning("%s at %.1f s", notice.message, notice.at)
                    report(notice)
                if self.builder.ended:
                    self.engine.stop.set()
            elif isinstance(message, Status):
                report(message.status)
            elif isinstance(message, Failed):
                log.error("%s", message.message)
                failed.append(message)
                report(SourceStatus("source_error", message.message, fatal=True))
            elif isinstance(message, Level) and not heard:
                heard.append(True)
                if listening is not None:
                    listening()

        self._began = time.monotonic()
        try:
            self.engine.run(post)
        except KeyboardInterrupt:
            self.engine.finish(post)
            self.builder.flush()
            return Outcome("interrupted", ExitCode.INTERRUPTED)
        self.builder.flush()
        while self._reports:
            report(self._reports.pop(0))
        if failed:
            return Outcome("source_error", failed[0].exit_code)
        ok = ExitCode.NODRAFT if self.draft_failed else ExitCode.OK
        if self.builder.ended:
            return Outcome("end_note", ok)
        if self.engine.source.description.get("kind") == "microphone":
            return Outcome("device_lost", ExitCode.DEVICE)  # a microphone does not run out by itself
        return Outcome("end_of_stream", ok)

    def delivered(self) -> None:
        """The note is out: its draft has done its job."""
        self.draft.retire()
