"""What the screen shows of the note: the same text as the output, words the moment they
are committed, and an active field's default."""

from __future__ import annotations

from support import utt

from dictate.catalog.loader import load_catalog
from dictate.notes.pipeline import NoteSettings, build_note
from dictate.output.render import to_text
from dictate.ui.noteview import styled_note

CATALOG = load_catalog()


def settings(language: str = "da") -> NoteSettings:
    return NoteSettings(layout=CATALOG.layouts["fsiii"], commands=CATALOG.commands[language], language=language,
                        autotexts=CATALOG.autotexts_for(language), terms=CATALOG.terms(language))


def screen(note, pending: str = "") -> str:  # noqa: ANN001
    return styled_note(note, "(tom)", pending).plain.replace("▶ ", "")


DICTATIONS = {
    "da": ["Borgeren sov godt, men har ikke spist.", "Overskrift ernæring.", "Hun drak to glas vand.",
           "Autotekst sårpleje.", "venstre underben.", "Næste felt.", "tre gange fire.", "Næste felt.",
           "Næste felt.", "gul belagt.", "Næste felt.", "intakte.", "Næste felt.", "Mepilex.", "Næste felt.",
           "Næste felt.", "Overskrift smerter.", "Ingen smerter i dag."],
    "en": ["The resident slept well.", "Auto text wound care.", "left lower leg.", "Next field.", "five by six.",
           "Next field.", "Next field.", "black and necrotic.", "Next field.", "Heading pain.", "No pain."],
}


def test_the_screen_shows_each_section_as_the_output_writes_it():
    """Field values are shown without the period the dictation ended with, as in the output."""
    for language, texts in DICTATIONS.items():
        note, _ = build_note([utt(t, 10.0 * i) for i, t in enumerate(texts)], settings(language))
        assert note.active is None or language == "en"
        assert screen(note) == to_text(note, trailer=False).rstrip("\n"), language
        assert "underben," in screen(note) or language == "en"


def test_committed_words_show_in_the_current_section_before_they_are_interpreted():
    note, _ = build_note([utt("Overskrift ernæring."), utt("Hun spiste godt.", 5.0)], settings())
    shown = screen(note, "Hun drak også")
    assert shown.endswith("Hun spiste godt. Hun drak også")
    empty, _ = build_note([], settings())
    assert screen(empty, "Borgeren er") == "Generelt\nBorgeren er"


def test_the_active_field_shows_its_default_and_what_is_being_said_into_it():
    note, _ = build_note([utt(t, 5.0 * i) for i, t in enumerate(
        ["Autotekst sårpleje.", "venstre hæl", "Næste felt.", "Næste felt."])], settings())
    assert note.active is not None and note.active[1].name == "rensning"
    assert "renset med NaCl 0,9 %." in screen(note)  # what the field takes if it is left empty
    assert "renset med skyllet med vand." in screen(note, "skyllet med vand")
