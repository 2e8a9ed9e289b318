"""Auto-texts, fields, undo, vocabulary correction and the note's metadata, on
utterances shaped like Whisper's Danish output."""

from __future__ import annotations

import json

import pytest
from support import utt

from dictate.catalog.loader import load_catalog
from dictate.notes.pipeline import NoteSettings, build_note
from dictate.output.render import to_dict, to_text

CATALOG = load_catalog()


def settings(language: str = "da", layout: str = "fsiii", vocabulary: bool = True) -> NoteSettings:
    vocabularies = [v for v in CATALOG.vocabularies.values() if v.language == language] if vocabulary else []
    return NoteSettings(layout=CATALOG.layouts[layout], commands=CATALOG.commands[language], language=language,
                    autotexts=CATALOG.autotexts_for(language),
                    terms=CATALOG.terms(language) if vocabulary else (),
                    vocabularies=tuple((v.id, len(v.terms)) for v in vocabularies))


def dictate(*texts: str, **kwargs):  # noqa: ANN003
    return build_note([utt(t, start=10.0 * i) for i, t in enumerate(texts)], settings(**kwargs))


def sections(note) -> list[tuple[str, str]]:  # noqa: ANN001
    return [(s.key, s.text) for s in note.filled_sections()]


def test_an_auto_text_goes_under_its_heading_with_placeholders_for_its_fields():
    note, notices = dictate("Borgeren var glad.", "Autotekst sårpleje.")
    assert notices == []
    [general, skin] = note.filled_sections()
    assert skin.key == "I4" and skin.heading == "Hud og slimhinder"
    assert skin.text.startswith("Sår på [sted], ca. [størrelse] cm, er renset med [rensning].")
    assert [slot.name for slot in skin.slots][:2] == ["sted", "stoerrelse"]
    assert note.active is not None and note.active[1].name == "sted"


def test_dictating_fills_the_field_and_next_field_moves_on_applying_defaults_and_choices():
    note, _ = dictate("Auto tekst sår pleje.", "venstre underben", "Næste felt.", "tre gange fire",
                      "næste felt", "Næste felt.", "gul belagt", "Næste felt.", "intakte", "næste fælt.",
                      "Mepilex Border", "Næste felt.", "Næste felt.", "Såret ser pænt ud.")
    skin = note.sections["I4"]
    assert skin.text == ("Sår på venstre underben, ca. 3 gange 4 cm, er renset med NaCl 0,9 %. Sårbunden er "
                         "gul og belagt, og sårkanterne er intakte. Ny forbinding: Mepilex Border. "
                         "Næste skift: efter plan.\nSåret ser pænt ud.")
    hows = {slot.name: slot.how for slot in skin.slots}
    assert hows == {"sted": "dictated", "stoerrelse": "dictated", "rensning": "default",
                    "saarbund": "choice", "saarkanter": "choice", "forbinding": "dictated",
                    "naeste_skift": "default"}
    assert note.unfilled_fields() == [] and note.active is None


def test_previous_field_goes_back_and_new_dictation_replaces_the_value():
    note, _ = dictate("Autotekst sårpleje.", "højre hæl", "Næste felt.", "Forrige felt.", "venstre hæl",
                      "Afslut notat.")
    skin = note.sections["I4"]
    assert skin.text.startswith("Sår på venstre hæl, ca. [størrelse] cm")
    unfilled = [slot.name for _, slot in note.unfilled_fields()]
    assert unfilled[:2] == ["stoerrelse", "rensning"] and "sted" not in unfilled


def test_undo_takes_back_the_last_utterance_as_a_stack():
    note, _ = dictate("Borgeren sov godt.", "Hun spiste lidt.", "Slet det.", "Hun spiste det hele.")
    assert sections(note) == [("general", "Borgeren sov godt. Hun spiste det hele.")]
    note, _ = dictate("Alfa.", "Beta gamma.", "Fortryd.", "Fortryd.", "Delta.")
    assert sections(note) == [("general", "Delta.")]
    note, _ = dictate("Fortryd.")  # nothing to undo: nothing happens
    assert note.is_empty


def test_undo_takes_back_an_auto_text_and_a_field_fill():
    note, _ = dictate("Autotekst faldhændelse.", "Slet det.")
    assert note.is_empty and note.active is None and note.autotexts_used() == []
    note, _ = dictate("Autotekst sårpleje.", "venstre hæl", "slet det")
    assert note.sections["I4"].text.startswith("Sår på [sted],")
    assert note.active is not None and note.active[1].name == "sted"


@pytest.mark.parametrize("spoken", [
    "Hun har fortrudt at hun sagde nej.",
    "Datteren vil slette det gamle nummer.",
    "Næste gang skal vi tjekke feltet.",
    "Sårpleje.",                              # a trigger without the command word
    "Sårplejen gik fint i dag.",
    "Han satte et punktum for diskussionen.",
])
def test_ordinary_sentences_never_fire_commands(spoken):
    note, notices = dictate("Borgeren var glad.", spoken)
    assert note.sections["general"].text == f"Borgeren var glad. {spoken}"
    assert notices == [] and note.active is None and note.autotexts_used() == []


def test_a_near_tie_is_offered_as_a_choice_never_inserted(tmp_path):
    import shutil

    shutil.copytree(CATALOG.directory, tmp_path / "t")
    for ident, trigger in (("a_bad", "bad om formiddagen"), ("b_bad", "bad om eftermiddagen")):
        (tmp_path / "t" / "autotexts" / f"{ident}.yaml").write_text(
            f"id: {ident}\nversion: '1'\ntitle: {ident}\ntriggers: [{trigger}]\nheading: I1\ntext: Bad.\n")
    catalog = load_catalog(tmp_path / "t")
    assert catalog.problems == []
    s = NoteSettings(layout=catalog.layouts["fsiii"], commands=catalog.commands["da"], language="da",
                 autotexts=catalog.autotexts_for("da"))
    note, notices = build_note([utt("Autotekst bad om fermiddagen.")], s)
    assert note.is_empty
    [notice] = notices
    assert set(notice.choices) == {"a_bad", "b_bad"} and "choose" in notice.message
    note, notices = build_note([utt("Autotekst bad om eftermiddagen.")], s)
    assert note.autotexts_used() == [("b_bad", "1")] and notices == []


def test_an_unknown_trigger_is_a_notice_not_text():
    note, notices = dictate("Autotekst rumfart.")
    assert note.is_empty
    assert [n.message for n in notices] == ["an auto-text command that matches no auto-text"]


def test_marks_after_an_article_are_nouns():
    note, _ = dictate("han satte et punktum for diskussionen punktum")
    assert note.sections["general"].text == "Han satte et punktum for diskussionen."


def test_numbers_and_units_in_dictated_text():
    note, _ = dictate("Blodtryk hundrede og fyrre over halvfems punktum temperatur otte og tredive komma fem "
                      "grader punktum fik fem hundrede milligram Panodil klokken otte punktum")
    assert note.sections["general"].text == "Blodtryk 140/90. Temperatur 38,5 °C. Fik 500 mg Panodil kl. 8."


def test_vocabulary_correction_is_recorded_in_the_metadata():
    note, _ = dictate("Borgeren fik Panodyl og Furixx.", "Hun har tryk sår på hælen.")
    assert note.sections["general"].text == "Borgeren fik Panodil og Furix. Hun har tryksår på hælen."
    corrections = [(c.heard, c.written) for c in note.corrections()]
    assert corrections == [("Panodyl", "Panodil"), ("Furixx", "Furix."), ("tryk sår", "tryksår")]
    plain, _ = dictate("Borgeren fik Panodyl.", vocabulary=False)
    assert plain.sections["general"].text == "Borgeren fik Panodyl."


def test_the_json_carries_templates_unfilled_fields_and_corrections():
    note, _ = dictate("Autotekst blodtryk og puls.", "Liggende.", "Næste felt.",
                      "Overskrift ernæring.", "Hun drikker proteindrik.")
    data = json.loads(json.dumps(to_dict(note)))
    meta = data["metadata"]
    assert meta["templates"]["layout"] == {"id": "fsiii", "version": "20240530"}
    assert meta["templates"]["autotexts"] == [{"id": "blodtryk_puls", "version": "1"}]
    assert {v["id"] for v in meta["templates"]["vocabularies"]} == {"laegemidler", "plejetermer"}
    circulation = next(s for s in data["sections"] if s["key"] == "I7")
    first = circulation["fields"][0]
    assert first["value"] == "liggende" and first["filled"] and first["how"] == "choice"
    unfilled = [f["name"] for f in meta["unfilled_fields"]]
    assert unfilled and unfilled == [f["name"] for f in circulation["fields"] if not f["filled"]]
    assert "[" in to_text(note)


def test_retyping_the_text_around_fields_keeps_them_fields_and_keeps_the_review_marks():
    """F4: the nurse corrects a word before an auto-text; its fields stay fields (reachable,
    counted as empty, with their defaults), and the words she did not touch keep their marks."""
    from dictate.interpret.edits import NextField, ReplaceText
    from dictate.notes.review import review_items

    note, _ = dictate("Borgeren har ikke sovet godt i nat.", "Autotekst sårpleje.", "venstre hæl")
    section = note.current
    before = note.sections[section].text
    unfilled = {slot.name for _, slot in note.unfilled_fields()}
    kept = [(i.kind, i.text) for i in review_items(note) if i.kind != "unfilled_field"]
    assert "sovet" in note.sections["general"].text and before.startswith("Sår på venstre hæl")

    note.apply([ReplaceText("general", note.sections["general"].text.replace("sovet", "sovet rigtig"))])
    assert note.sections["general"].text == "Borgeren har ikke sovet rigtig godt i nat."
    assert ("negation", "ikke") in [(i.kind, i.text) for i in review_items(note)]  # untouched word, still marked
    note.apply([ReplaceText(section, "Kort: " + before)])  # typed in front of the auto-text
    skin = note.sections[section]
    assert skin.text == "Kort: " + before
    assert {slot.name for _, slot in note.unfilled_fields()} == unfilled  # still fields, still empty
    assert [(i.kind, i.text) for i in review_items(note) if i.kind != "unfilled_field"] == kept
    note.apply([NextField()])  # ... and still reachable
    assert note.active is not None and note.active[1].name == "stoerrelse"


def test_retyping_a_field_placeholder_turns_it_into_typed_text():
    from dictate.interpret.edits import ReplaceText

    note, _ = dictate("Autotekst sårpleje.", "venstre hæl")
    section = note.current
    text = note.sections[section].text.replace("[størrelse]", "3 x 4")
    note.apply([ReplaceText(section, text)])
    assert note.sections[section].text == text
    assert "stoerrelse" not in {slot.name for slot in note.sections[section].slots}
