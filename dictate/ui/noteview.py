"""The note as styled text: headings, the current section, fields and words to review."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text

from dictate.notes.note import INLINE_PUNCTUATION, FieldSlot, Note, Token
from dictate.notes.review import DEFAULT_CONFIDENCE_THRESHOLD, note_threshold, review_reason

STYLES = {
    "heading": "bold",
    "current": "bold reverse",
    "field_empty": "black on yellow",
    "field_active": "bold black on bright_cyan",
    "field_filled": "underline",
    "negation": "bold red",
    "number": "bold magenta",
    "uncertain": "italic dark_orange",
    # committed words whose utterance is not over: final text, not yet interpreted
    "pending": "dim italic",
    # what an active field will hold when it is left empty
    "field_default": "italic black on bright_cyan",
}


def styled_note(note: Note, empty_message: str, pending: str = "") -> Text:
    """The note for the screen: Rich text with its headings, fields and review marks styled.

    `pending` is what was committed but not yet interpreted (the utterance is not over):
    it shows at once where it will most likely go, in the active field or at the end of
    the current section, and is replaced by its interpretation when the utterance ends.
    """
    out = Text()
    active = note.active[1] if note.active is not None else None
    sections = [s for s in note.sections.values() if s.has_content or s.key == note.current]
    if not any(s.has_content for s in sections) and not pending:
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
        # Breaks at the end of a section are not written out; the next words start there.
        shown = list(section.tokens)
        while shown and shown[-1].is_break:
            shown.pop()
        _append_tokens(out, shown, note.language, active, pending, note_threshold(note))
        if current and pending and (active is None or active not in section.slots):
            lead = "\n" if len(shown) < len(section.tokens) else " " if shown else ""
            out.append(lead + pending, style=STYLES["pending"])
    return out


def _append_tokens(out: Text, tokens: list[Token], language: str, active: FieldSlot | None,
                   pending: str = "", threshold: float = DEFAULT_CONFIDENCE_THRESHOLD) -> None:
    previous: Token | None = None
    for token in tokens:
        if token.kind != "mark" and previous is not None and not previous.is_break:
            out.append(" ")
        if token.slot is not None:
            _append_field(out, token.slot, language, active, pending, threshold)
        elif token.kind == "word":
            reason = review_reason(token.text, token.word.probability if token.word else None, language, threshold)
            out.append(token.text, style=STYLES.get(reason or "", ""))
        else:
            out.append(token.text)
        previous = token


def _append_field(out: Text, slot: FieldSlot, language: str, active: FieldSlot | None, pending: str,
                  threshold: float) -> None:
    if slot is active:
        if slot.filled:
            _append_dictated(out, slot, language, STYLES["field_active"], threshold)
            if pending:
                out.append(" " + pending, style=STYLES["pending"])
        elif pending:
            out.append(pending, style=STYLES["pending"])
        else:
            default = slot.definition.default(language)
            out.append(default if default is not None else f"[{slot.label}]",
                       style=STYLES["field_default" if default is not None else "field_active"])
    elif not slot.filled:
        out.append(f"[{slot.label}]", style=STYLES["field_empty"])
    else:
        _append_dictated(out, slot, language, STYLES["field_filled"], threshold)


def _append_dictated(out: Text, slot: FieldSlot, language: str, style: str, threshold: float) -> None:
    """A field's value as the output writes it (a choice, a default, or the words without the
    trailing punctuation the auto-text's own text follows with), its words review-styled."""
    start = len(out)
    if slot.value is None:
        tokens = list(slot.tokens)
        while tokens and tokens[-1].kind == "mark" and tokens[-1].text in INLINE_PUNCTUATION:
            tokens.pop()
        if tokens and tokens[-1].kind == "word":
            trimmed = tokens[-1].text.rstrip(INLINE_PUNCTUATION)
            tokens[-1] = replace(tokens[-1], text=trimmed or tokens[-1].text)
        _append_tokens(out, tokens, language, None, threshold=threshold)
    else:
        out.append(slot.text)
    out.stylize(style, start, len(out))
