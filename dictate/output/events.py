"""The JSON Lines event stream of `dictate listen` (the schema is in docs/formats.md)."""

from __future__ import annotations

import json
from typing import Any

from dictate.audio.sources import SourceStatus
from dictate.interpret.interpreter import Notice
from dictate.notes.note import Note
from dictate.notes.review import SCHEMA_VERSION
from dictate.output.render import to_dict
from dictate.speech.streamer import Commit, Partial, StreamEvent
from dictate.words import Word


def _words(words: tuple[Word, ...]) -> list[dict[str, Any]]:
    return [{"text": w.text, "start": round(w.start, 3), "end": round(w.end, 3),
             "probability": round(w.probability, 4)} for w in words]


def _line(data: dict[str, Any], wall: float | None = None) -> str:
    if wall is not None:
        # Next to `t` (audio time): `wall - t` is how far the session is behind the speaker.
        data = {**data, "wall": round(wall, 3)}
    return json.dumps({"schema_version": SCHEMA_VERSION, **data}, ensure_ascii=False) + "\n"


def session_start(note: Note, source: dict[str, Any]) -> str:
    head = to_dict(note)
    return _line({"type": "session_start", "session": note.id, "created": head["created"],
                  "language": note.language, "model": head["model"], "layout": head["layout"],
                  "source": source})


def stream_event(event: StreamEvent, wall: float | None = None) -> str:
    """`wall`: seconds on the wall clock since the session began listening (live only)."""
    if isinstance(event, Partial):
        return _line({"type": "partial", "t": round(event.emitted_at, 3), "text": event.text,
                      "words": _words(event.words)}, wall)
    assert isinstance(event, Commit)
    return _line({"type": "commit", "t": round(event.emitted_at, 3), "text": event.text,
                  "end_of_utterance": event.end_of_utterance, "words": _words(event.words)}, wall)


def status(item: SourceStatus, t: float, wall: float | None = None) -> str:
    return _line({"type": "error" if item.fatal or item.code == "device_lost" else "status",
                  "t": round(t, 3), "code": item.code, "message": item.message}, wall)


def notice(item: Notice, t: float | None = None, wall: float | None = None) -> str:
    """A spoken command that could not be carried out: its `code` and `message` (no transcript text),
    `choices` (auto-text ids, when a trigger was a near tie between them), and for `heading_unknown`
    the words `heard` (transcript text) and the closest headings as `candidates` (`key`, `heading`).

    `t` is the stream time of the event (default: when the command was said).
    """
    data: dict[str, Any] = {"type": "notice", "t": round(item.at if t is None else t, 3), "code": item.code,
                            "message": item.message}
    if item.choices:
        data["choices"] = list(item.choices)
    if item.code == "heading_unknown":
        data["heard"] = item.heard
        data["candidates"] = [{"key": key, "heading": heading} for key, heading in item.candidates]
    return _line(data, wall)


def final_note(note: Note) -> str:
    return _line({"type": "note", "note": to_dict(note)})


def session_end(reason: str, exit_code: int) -> str:
    return _line({"type": "session_end", "reason": reason, "exit_code": exit_code})
