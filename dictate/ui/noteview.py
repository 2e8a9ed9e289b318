"""The note as styled text: headings, the current section, fields and words to review."""

from __future__ import annotations

from rich.text import Text

from dictate.notes.note import FieldSlot, Note, Token
from dictate.notes.review import review_reason

STYLES = {
    "heading": "bold",
    "current": "bold reverse",
    "field_empty": "black on yellow",
    "field_active": "bold black on bright_cyan",
    "field_filled": "underline",
    "negation": "bold red",
    "number": "bold magenta",
    "uncertain": "italic dark_orange",
}


def styled_note(note: Note, empty_message: str) -> Text:
    """The note for the screen: Rich text with its headings, fields and review marks styled."""
    out = Text()
    active = note.active[1] if note.active is not None else None
    sections = [s for s in note.sections.values() if s.has_content or s.key == note.current]
    if not any(s.has_content for s in sections):
        out.append(empty_message, style="dim")
        if note.current != "general":
            out = Text()
        else:
            return out
    for index, section in enumerate(sections):
        if index:
            out.append("\n\n")
        current = section.key == note.current and not note.finished
        out.append(("▶ " if current else "") + section.heading, style=STYLES["current" if current else "heading"])
        out.append("\n")
        _append_tokens(out, section.tokens, note.language, active)
    return out


def _append_tokens(out: Text, tokens: list[Token], language: str, active: FieldSlot | None) -> None:
    previous: Token | None = None
    for token in tokens:
        if token.kind != "mark" and previous is not None and not previous.is_break:
            out.append(" ")
        if token.slot is not None:
            _append_field(out, token.slot, language, active)
        elif token.kind == "word":
            reason = review_reason(token.text, token.word.probability if token.word else None, language)
            out.append(token.text, style=STYLES.get(reason or "", ""))
        else:
            out.append(token.text)
        previous = token


def _append_field(out: Text, slot: FieldSlot, language: str, active: FieldSlot | None) -> None:
    if slot is active:
        out.append(slot.text or f"[{slot.label}]", style=STYLES["field_active"])
    elif not slot.filled:
        out.append(f"[{slot.label}]", style=STYLES["field_empty"])
    elif slot.how == "dictated" and slot.value is None:
        start = len(out)
        _append_tokens(out, slot.tokens, language, active)
        out.stylize(STYLES["field_filled"], start, len(out))
    else:
        out.append(slot.text, style=STYLES["field_filled"])
