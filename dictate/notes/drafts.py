"""Crash-safe drafts: every applied group of edits is appended to a journal.

One journal per note, a JSON line per utterance's edits, written with
O_APPEND and fsync'd before the next word is taken, in a folder only the
user can read (files 0600). Replaying the journal through the same templates
gives the same note, because a note is exactly its edits. A journal torn by a
crash mid-line gives back everything before the tear. A finished note's
journal is removed only after its output was written.

A journal belongs to the session writing it: the session holds an exclusive
`flock` on it for as long as it runs (the kernel drops it when the process
ends, SIGKILL included). Recovery and the app's start-up offer leave a held
journal alone, so a second window can never take a live session's draft.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from dictate.audio.recorder import audio_folder
from dictate.catalog.autotexts import AutoText
from dictate.interpret.edits import (
    AddMark,
    AddWord,
    Edit,
    EndNote,
    GoToSection,
    InsertAutoText,
    NextField,
    PreviousField,
    ReplaceText,
    Undo,
    UnknownHeading,
)
from dictate.interpret.interpreter import Interpreter
from dictate.notes.note import Note
from dictate.notes.pipeline import apply_utterance
from dictate.words import Utterance, Word

JOURNAL_VERSION = 1
DEFAULT_RETENTION_DAYS = 14.0


def retention_days() -> float:
    """How long an unfinished draft is kept: DICTATE_DRAFT_RETENTION_DAYS, else 14 days."""
    raw = os.environ.get("DICTATE_DRAFT_RETENTION_DAYS", "")
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_RETENTION_DAYS
    return value if value > 0 else DEFAULT_RETENTION_DAYS
_SIMPLE = {"next_field": NextField, "previous_field": PreviousField, "undo": Undo, "end_note": EndNote}


def edit_to_dict(edit: Edit) -> dict[str, Any]:
    if isinstance(edit, AddWord):
        w = edit.word
        data: dict[str, Any] = {"t": "word", "text": edit.text, "word": [w.text, w.start, w.end, w.probability]}
        if edit.corrected_from is not None:
            data["from"], data["score"] = edit.corrected_from, edit.score
        return data
    if isinstance(edit, AddMark):
        return {"t": "mark", "mark": edit.mark}
    if isinstance(edit, GoToSection):
        return {"t": "section", "key": edit.key}
    if isinstance(edit, InsertAutoText):
        return {"t": "autotext", "id": edit.autotext.id, "version": edit.autotext.version, "section": edit.section}
    if isinstance(edit, ReplaceText):
        return {"t": "replace", "section": edit.section, "text": edit.text}
    if isinstance(edit, UnknownHeading):
        return {"t": "heading_unknown", "heard": edit.heard, "candidates": list(edit.candidates), "at": edit.at}
    for name, kind in _SIMPLE.items():
        if isinstance(edit, kind):
            return {"t": name}
    raise TypeError(f"unknown edit {edit!r}")


def edit_from_dict(data: Mapping[str, Any], autotexts: Mapping[str, AutoText]) -> Edit:
    kind = data["t"]
    if kind == "word":
        text, start, end, probability = data["word"]
        return AddWord(Word(text, float(start), float(end), float(probability)), data["text"],
                       corrected_from=data.get("from"), score=data.get("score"))
    if kind == "mark":
        return AddMark(data["mark"])
    if kind == "section":
        return GoToSection(data["key"])
    if kind == "autotext":
        autotext = autotexts.get(data["id"])
        if autotext is None:
            raise KeyError(f"auto-text '{data['id']}' is no longer in the templates")
        return InsertAutoText(autotext, data["section"])
    if kind == "replace":
        return ReplaceText(data["section"], data["text"])
    if kind == "heading_unknown":
        return UnknownHeading(data["heard"], tuple(data["candidates"]), float(data["at"]))
    return _SIMPLE[kind]()


class DraftInUse(OSError):
    """The journal is held by a running session (in another window or process)."""


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


def in_use(path: Path) -> bool:
    """Whether a running session holds `path` (a draft being dictated right now)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        return not _try_lock(fd)
    finally:
        os.close(fd)  # also drops the probe's own lock


class Journal:
    """One note's journal, open for appending and held by this session."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # O_APPEND: each line lands whole at the end even if two writers race;
        # 0600: health data, readable by this user only (the umask can only take away).
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        if not _try_lock(self._fd):
            os.close(self._fd)
            self._fd = -1
            raise DraftInUse(errno.EWOULDBLOCK, "the note is being dictated in another window", str(path))
        self.saved_at: datetime | None = None

    def write(self, record: dict[str, Any]) -> None:
        line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        view = memoryview(line)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        os.fsync(self._fd)
        self.saved_at = datetime.now().astimezone()

    def edits(self, edits: list[Edit]) -> None:
        self.write({"type": "edits", "edits": [edit_to_dict(e) for e in edits]})

    def settle(self) -> None:
        """The note goes on after a crash: the words it cut off were interpreted as they were
        restored, as one utterance, and dictation goes on at the end of the note, not inside
        a field. Replay does the same here, so later edits cannot drop those words."""
        self.write({"type": "settle"})

    def commit(self, words: tuple[Word, ...]) -> None:
        """Committed words, saved before they are shown: the utterance they belong to may
        not be over yet, and a crash now must not lose them."""
        self.write({"type": "commit", "words": [[w.text, w.start, w.end, w.probability] for w in words]})

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


@dataclass
class DraftStore:
    directory: Path

    @classmethod
    def default(cls) -> DraftStore:
        override = os.environ.get("DICTATE_DRAFTS_DIR")
        if override:
            return cls(Path(override))
        from platformdirs import user_state_dir

        return cls(Path(user_state_dir("dictate", appauthor=False)) / "drafts")

    def _ensure(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.directory, 0o700)

    def start(self, note: Note) -> Journal:
        """A new journal for `note`, with a header that says what to replay it with."""
        self._ensure()
        journal = Journal(self.path_of(note))
        header = {"type": "note", "journal_version": JOURNAL_VERSION, "id": note.id,
                  "created": note.created.isoformat(), "language": note.language,
                  "layout": note.layout.id, "layout_version": note.layout.version, "source": note.source}
        if note.layout.source is not None:
            # The layout itself: a custom one (`--layout PATH`) is in no catalog, and a
            # shipped one may have changed by the time the draft is recovered.
            header["layout_yaml"] = note.layout.source
            header["layout_path"] = str(note.layout.path) if note.layout.path else None
        journal.write(header)
        return journal

    def reopen(self, note: Note) -> Journal:
        self._ensure()
        return Journal(self.path_of(note))

    def path_of(self, note: Note) -> Path:
        """Where `note`'s journal is (or will be)."""
        return self.directory / f"{note.id}.jsonl"

    def unfinished(self) -> list[Path]:
        """Journals of notes not yet finished and written, newest first (live ones included)."""
        if not self.directory.is_dir():
            return []
        return sorted(self.directory.glob("*.jsonl"), key=lambda p: p.stat().st_mtime, reverse=True)

    def abandoned(self) -> tuple[list[Path], int]:
        """Unfinished journals that no running session holds (newest first), and how many
        are being dictated right now."""
        paths = self.unfinished()
        free = [path for path in paths if not in_use(path)]
        return free, len(paths) - len(free)

    def purge(self, older_than_days: float | None = None) -> int:
        """Remove drafts (and `--keep-audio` recordings) not touched for the retention period; returns how many.

        Unfinished notes are health data too: they must not pile up forever on a
        shared device. The period is DICTATE_DRAFT_RETENTION_DAYS (default 14).
        """
        days = older_than_days if older_than_days is not None else retention_days()
        limit = time.time() - days * 86_400
        removed = 0
        kept_audio = sorted(audio_folder(self.directory).glob("*.wav")) if self.directory.is_dir() else []
        for path in [*self.abandoned()[0], *kept_audio]:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def retire(self, path: Path) -> bool:
        """The note was written out: its draft is no longer needed. A draft that a running
        session has taken up again meanwhile is left to it (False)."""
        if in_use(path):
            return False
        path.unlink(missing_ok=True)
        return True


def read_journal(path: Path) -> tuple[dict[str, Any], list[list[dict[str, Any]]]]:
    """The header and the edit groups; a torn or garbled line ends the journal there."""
    header, groups, _ = read_journal_with_pending(path)
    return header, groups


def _records(path: Path) -> Iterator[dict[str, Any]]:
    """The journal's records in order; a torn or garbled line ends the journal there."""
    with path.open("rb") as handle:
        for raw in handle:
            if not raw.endswith(b"\n"):
                return  # torn by a crash mid-write: everything before it counts
            try:
                record = json.loads(raw)
            except (ValueError, UnicodeDecodeError):
                return
            yield record if isinstance(record, dict) else {}


def _words(record: dict[str, Any]) -> list[Word]:
    return [Word(t, float(a), float(b), float(p)) for t, a, b, p in record["words"]]


def read_journal_with_pending(path: Path) -> tuple[dict[str, Any], list[list[dict[str, Any]]], list[Word]]:
    """Also the committed words after the last edit group: an utterance cut off by the crash."""
    header: dict[str, Any] | None = None
    groups: list[list[dict[str, Any]]] = []
    pending: list[Word] = []
    for record in _records(path):
        if header is None:
            if record.get("type") != "note":
                raise ValueError(f"{path}: not a dictate draft journal")
            header = record
        elif record.get("type") == "edits":
            groups.append(record["edits"])
            pending = []  # interpreted: these words are in the edits now
        elif record.get("type") == "commit":
            pending += _words(record)
    if header is None:
        raise ValueError(f"{path}: empty draft journal")
    return header, groups, pending


def committed_words(path: Path) -> list[Word]:
    """Every committed word in the journal, in order (for checks after a crash)."""
    return [w for record in _records(path) if record.get("type") == "commit" for w in _words(record)]


def replay(path: Path, note: Note, autotexts: Mapping[str, AutoText], interpreter: Interpreter | None = None) -> Note:
    """Apply the journal to `note` (new, with the header's id and layout), record by record.

    Committed words wait for the edit group that interpreted them. Words a crash cut
    off before that are interpreted as one utterance where the journal says the note
    was continued (a `settle` record) or, at the end, as the last utterance.
    """
    pending: list[Word] = []
    intact = True

    def settle() -> None:
        if not pending or not intact:
            return
        if interpreter is not None:
            apply_utterance(interpreter, note, Utterance(tuple(pending)))
        else:
            note.apply([AddWord(w, w.text) for w in pending])  # no templates at hand: the words as heard
        pending.clear()

    records = _records(path)
    next(records, None)  # the header
    for record in records:
        kind = record.get("type")
        if kind == "commit":
            pending.extend(_words(record))
        elif kind == "edits":
            pending.clear()  # these words are in the edits now
            if intact:
                try:
                    note.apply([edit_from_dict(data, autotexts) for data in record["edits"]])
                except (KeyError, ValueError, TypeError):
                    intact = False  # a template changed under the draft: keep what replays cleanly
        elif kind == "settle":
            settle()
            note.resume_at_end()
    settle()
    return note


def restore_note(path: Path, layout_lookup: Mapping[str, Any], autotexts: Mapping[str, AutoText],
                 model: Any = None, vocabularies: tuple[tuple[str, int], ...] = (),
                 interpreter: Interpreter | None = None) -> Note:
    """A note rebuilt from its journal, with its original id and time."""
    header, _ = read_journal(path)
    if header.get("layout_yaml"):
        from dictate.catalog.layouts import parse_layout  # the layout the note was dictated in

        layout = parse_layout(Path(header.get("layout_path") or f"{header['layout']}.yaml"), header["layout_yaml"])
    else:
        layout = layout_lookup[header["layout"]]
    note = Note(layout=layout, language=header["language"], model=model, source=header.get("source"),
                vocabularies=vocabularies, id=header["id"], created=datetime.fromisoformat(header["created"]))
    return replay(path, note, autotexts, interpreter)
