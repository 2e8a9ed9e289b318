"""Property-based tests: no input makes the loader or the interpreter crash."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dictate.catalog.autotexts import parse_autotext
from dictate.catalog.commands import parse_commands
from dictate.catalog.layouts import parse_layout
from dictate.catalog.loader import load_catalog
from dictate.catalog.vocabulary import parse_vocabulary
from dictate.errors import TemplateError
from dictate.notes.pipeline import NoteSettings
from dictate.words import Utterance, Word

CATALOG = load_catalog()
SETTINGS = NoteSettings(layout=CATALOG.layouts["fsiii"], commands=CATALOG.commands["da"], language="da",
                    autotexts=CATALOG.autotexts_for("da"), terms=CATALOG.terms("da"))

# Pieces of real template files, so that generated documents are often nearly valid.
YAML_BITS = ["id: x\n", "version: '1'\n", "title: T\n", "triggers: [a b]\n", "heading: I4\n", "text: 'A {f}.'\n",
             "fields:\n  f:\n    label: F\n", "  default: 12:30\n", "language: da\n", "terms: [Panodil]\n",
             "sections:\n  - key: A\n    heading: B\n", "name: n\n", "marks: {period: [punktum]}\n", "- ",
             ": ", "{", "}", "[", "]", "&a ", "*a ", "!!python/object:os.system ", "\t", "'", '"', "\n", "#",
             "{@x}", "{{", "ø", "\x00", "%YAML 1.1\n", "---\n"]

PARSERS = (parse_autotext, parse_layout, parse_commands, parse_vocabulary)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(YAML_BITS), st.text(max_size=20)), max_size=25))
def test_the_loaders_raise_only_template_errors(bits):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.yaml"
        path.write_text("".join(bits), encoding="utf-8", errors="surrogatepass")
        for parse in PARSERS:
            try:
                parse(path)
            except TemplateError as exc:
                assert exc.path == str(path) and exc.detail


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["layouts", "commands", "autotexts", "vocabulary"]),
                       st.lists(st.one_of(st.sampled_from(YAML_BITS), st.text(max_size=10)), max_size=15),
                       max_size=4))
def test_the_catalog_never_raises(files):
    with tempfile.TemporaryDirectory() as folder:
        for sub, bits in files.items():
            (Path(folder) / sub).mkdir()
            (Path(folder) / sub / "f.yaml").write_text("".join(bits), encoding="utf-8", errors="surrogatepass")
        catalog = load_catalog(Path(folder))
        assert all(str(p) for p in catalog.problems)


SPOKEN = ["punktum", "komma", "ny", "linje", "nyt", "afsnit", "overskrift", "ernæring", "autotekst", "sårpleje",
          "næste", "felt", "forrige", "slet", "det", "fortryd", "afslut", "notat", "et", "en", "hundrede", "og",
          "fyrre", "over", "halvfems", "klokken", "halv", "otte", "komma", "fem", "grader", "milligram",
          "Panodyl", "tryk", "sår", "Borgeren", "sover.", "Ja,", "-", ".", "?", "38,5", "140/90", "kl.", ""]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.one_of(st.sampled_from(SPOKEN), st.text(max_size=8)), max_size=14), max_size=8))
def test_the_interpreter_and_note_take_any_words(utterances):
    interpreter = SETTINGS.interpreter()
    note = SETTINGS.new_note()
    t = 0.0
    for texts in utterances:
        words = []
        for text in texts:
            words.append(Word(text, t, t + 0.2, 0.8))
            t += 0.3
        note.apply(interpreter.feed(Utterance(tuple(words))))
    for section in note.sections.values():
        assert isinstance(section.text, str)
    # Undo as many times as there were utterances brings back an empty note.
    from dictate.interpret.edits import Undo

    for _ in range(len(note.history) + 1):
        note.apply([Undo()])
    assert note.is_empty or note.finished


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(SPOKEN), min_size=1, max_size=8), max_size=8), st.data())
def test_draft_replay_gives_the_same_note_and_survives_any_tear(utterances, data):
    """Whatever was dictated, the journal replays to the same note; cut anywhere, it still replays."""
    from dictate.notes.builder import NoteBuilder
    from dictate.notes.drafts import DraftStore, read_journal, restore_note
    from dictate.output.render import to_dict
    from dictate.speech.streamer import Commit

    with tempfile.TemporaryDirectory() as folder:
        store = DraftStore(Path(folder) / "drafts")
        journals = []

        def journal(edits):  # noqa: ANN001, ANN202
            if not journals:
                journals.append(store.start(builder.note))
            journals[0].edits(edits)

        builder = NoteBuilder(SETTINGS.interpreter(), SETTINGS.new_note(), on_apply=journal)
        t = 0.0
        for texts in utterances:
            words = []
            for text in texts:
                words.append(Word(text, t, t + 0.2, 0.8))
                t += 0.3
            builder.handle([Commit(tuple(words), end_of_utterance=True, emitted_at=t)])
        if not journals:
            return
        path = journals[0].path
        again = restore_note(path, CATALOG.layouts, CATALOG.autotexts)
        assert to_dict(again) == to_dict(builder.note)
        raw = path.read_bytes()
        cut = data.draw(st.integers(min_value=0, max_value=len(raw)))
        path.write_bytes(raw[:cut])
        try:
            header, groups = read_journal(path)
        except ValueError:
            assert raw[:cut].count(b"\n") == 0  # only a header torn in half is refused
            return
        assert len(groups) == raw[:cut].count(b"\n") - 1
        restore_note(path, CATALOG.layouts, CATALOG.autotexts)
