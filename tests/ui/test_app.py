"""The Textual app driven through `App.run_test()` with the deterministic fake engine.

The fake engine is the real streamer and engine thread fed by a fake recogniser
(dictate/speech/fake.py): audio blocks whose loudness names the word. The
note is built by the real interpreter from the shipped Danish templates.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import numpy as np
import pytest
from support import ROOT

from dictate.catalog.loader import load_catalog
from dictate.errors import AudioError
from dictate.notes.pipeline import NoteSettings
from dictate.notes.review import review_items
from dictate.output.render import RENDERERS
from dictate.runtime.engine import Engine
from dictate.speech.fake import FakeWhisper, fake_vad, speak
from dictate.speech.streamer import Commit, Streamer
from dictate.ui.app import AppSettings, DictateApp, make_app

pytestmark = pytest.mark.timing

CATALOG = load_catalog()
SETTINGS = NoteSettings(layout=CATALOG.layouts["fsiii"], commands=CATALOG.commands["da"], language="da",
                    autotexts=CATALOG.autotexts_for("da"), terms=CATALOG.terms("da"))

SCRIPT = [["Borgeren", "sov", "godt."], ["Overskrift", "ernæring."], ["Hun", "spiste", "lidt."],
          ["Autotekst", "sårpleje."], ["venstre", "hæl"], ["Næste", "felt."], ["tre", "gange", "fire"],
          ["Slet", "det."]]
VOCABULARY = sorted({w for u in SCRIPT for w in u} | {"ikke", "Hun", "har", "smerter."})


@dataclass
class FakeSource:
    audio: np.ndarray
    block: int = 1600
    delay: float = 0.0
    position: int = 0
    description: dict = field(default_factory=lambda: {"kind": "file", "path": "fake.wav"})

    def frames(self) -> Iterator[np.ndarray]:
        for self.position in range(0, len(self.audio), self.block):
            if self.delay:
                time.sleep(self.delay)
            yield self.audio[self.position:self.position + self.block]


def fake_engine(script=SCRIPT, delay: float = 0.0, live: bool = False) -> tuple[Engine, FakeSource]:  # noqa: ANN001
    vocabulary = sorted(set(VOCABULARY) | {w for u in script for w in u})
    audio, _ = speak(script, vocabulary)
    source = FakeSource(audio, delay=delay)
    return Engine(source, Streamer(transcribe=FakeWhisper(vocabulary), vad=fake_vad), live_source=live), source


def options(factory, language: str = "da", output: str = "text") -> AppSettings:  # noqa: ANN001
    return AppSettings(settings=SETTINGS, engine_factory=factory, source_label="fake.wav", render=RENDERERS[output],
                      ui_language=language, model_label="fake")


async def wait_for(pilot, condition, timeout: float = 20.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)


def run(coroutine) -> object:  # noqa: ANN001
    return asyncio.run(coroutine)


def toasts_until_stopped(app, before_quit=lambda: None) -> list[str]:  # noqa: ANN001
    """Run the app until its engine has stopped, then Ctrl+Q (which starts a new note): the
    toasts it showed. `before_quit` looks at the app before that."""
    seen: list[str] = []

    async def scenario():
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.state == "stopped")
            seen.extend(n.message for n in app._notifications)
            before_quit()
            await pilot.press("ctrl+q")

    run(scenario())
    return seen


def test_dictate_heading_autotext_field_undo_finish_and_the_output():
    engine, _ = fake_engine()
    app = make_app(options(lambda: engine))

    async def scenario():
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.state == "stopped")
            note = app.note
            assert note.sections["general"].text == "Borgeren sov godt."
            assert note.sections["I3"].text == "Hun spiste lidt."
            skin = note.sections["I4"].text
            assert skin.startswith("Sår på venstre hæl, ca. [størrelse] cm")  # "Slet det" took back the size
            assert note.active[1].name == "stoerrelse"
            await pilot.press("ctrl+z")  # undo by key: back in the first field
            assert app.note.active[1].name == "sted"
            await pilot.press("tab", "tab", "tab")  # through an empty field with a default: it applies
            assert app.note.active[1].name == "saarbund"
            await pilot.press("shift+tab")
            assert app.note.active[1].name == "rensning"
            await pilot.press("f10")  # unfilled fields: asks first
            assert app.screen.__class__.__name__ == "Question"
            await pilot.click("#yes")
            assert app.note.is_empty and len(app.finished_notes) == 1
            await pilot.press("ctrl+q")
        return app.return_value

    notes = run(scenario())
    assert len(notes) == 1
    text = notes[0]
    assert text.startswith("Generelt\nBorgeren sov godt.\n\nErnæring\nHun spiste lidt.\n\nHud og slimhinder\n")
    assert "Sår på venstre hæl, ca. [størrelse] cm, er renset med NaCl 0,9 %." in text


def test_pause_stops_feeding_and_resume_goes_on():
    engine, source = fake_engine(script=SCRIPT[:3], delay=0.03)
    app = make_app(options(lambda: engine))

    async def scenario():
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.state == "listening" and source.position > 0)
            await pilot.press("space")
            assert app.state == "paused" and engine.paused.is_set()
            await pilot.press("space")
            assert app.state == "listening" and not engine.paused.is_set()
            await pilot.press("f9")
            assert app.state == "paused" and engine.paused.is_set()
            await pilot.pause(0.3)
            held = source.position
            await pilot.pause(0.5)
            assert source.position <= held + source.block  # nothing more was read while paused
            assert "Pause" in str(app.query_one("#status").render())
            await pilot.press("media_play_pause")  # a headset's button
            assert app.state == "listening"
            await wait_for(pilot, lambda: app.state == "stopped")
            assert "Borgeren sov godt." in app.note.sections["general"].text
            await pilot.press("ctrl+q")
        return app.return_value

    assert run(scenario())


def test_the_pickers_insert_an_auto_text_and_move_to_a_heading():
    engine, _ = fake_engine(script=[["Hun", "har", "smerter."]])
    app = make_app(options(lambda: engine))

    async def scenario():
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.state == "stopped")
            await pilot.press("f3")
            assert app.screen.__class__.__name__ == "Picker"
            await pilot.press(*"tryksår")
            preview = str(app.screen.query_one("#preview").render())
            assert "[" in preview  # the auto-text's text, with its fields
            await pilot.press("enter")
            assert app.note.autotexts_used() == [("tryksaarsforebyggelse", "1")]
            assert app.note.current == "I4"
            await pilot.press("f2")
            await pilot.press(*"ernering")  # fuzzy: a typo still finds it
            await pilot.press("enter")
            assert app.note.current == "I3"
            await pilot.press("f2", "escape")
            assert app.note.current == "I3" and len(app.screen_stack) == 1
            await pilot.press("ctrl+q")

    run(scenario())


def test_a_missing_microphone_is_said_in_the_nurses_words_and_the_app_stays_open(tmp_path, monkeypatch):
    def no_portaudio() -> Engine:
        from dictate.errors import PortAudioError

        raise PortAudioError("the PortAudio library is not installed; microphone input needs it")

    app = make_app(options(no_portaudio))

    async def scenario():
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.state == "no_device")
            problem = str(app.query_one("#problem").render())
            # What she can do, in Danish; the technical fix is for IT, in the log and --help.
            assert "Mikrofonen kan ikke bruges" in problem and "F4" in problem
            assert "PortAudio" not in problem and "apt" not in problem
            assert "Ingen mikrofon" in str(app.query_one("#status").render())
            await pilot.press("f3", *"sår", "enter")  # the note can still be written
            assert app.note.autotexts_used() == [("saarpleje", "1")]
            await pilot.press("ctrl+q")
        return app.return_value

    notes = run(scenario())
    assert len(notes) == 1 and "Sår på [sted]" in notes[0]


def test_a_source_that_fails_midway_keeps_the_note():
    class Breaking(FakeSource):
        def frames(self) -> Iterator[np.ndarray]:
            for i, block in enumerate(super().frames()):
                if i == len(self.audio) // self.block // 2:
                    raise AudioError("the device went away")
                yield block

    audio, _ = speak(SCRIPT[:3], VOCABULARY)
    engine = Engine(Breaking(audio), Streamer(transcribe=FakeWhisper(VOCABULARY), vad=fake_vad), live_source=False)
    app = make_app(options(lambda: engine))

    async def scenario():
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.problem is not None)
            assert app.problem.startswith("Optagelsen stoppede") and "F4" in app.problem
            assert app.note.sections["general"].text.startswith("Borgeren sov godt.")
            await pilot.press("ctrl+q")
        return app.return_value

    assert "Borgeren sov godt." in run(scenario())[0]


def test_discard_asks_first_and_english_labels():
    engine, _ = fake_engine(script=[["Hun", "har", "smerter."]])
    app = make_app(options(lambda: engine, language="en"))

    async def scenario():
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.state == "stopped")
            footer = " ".join(str(b.binding.description) for b in app.active_bindings.values() if b.binding.show)
            assert "Record" in footer and "Finish" in footer and "Help" in footer and "Discard" in footer
            await pilot.press("f8")
            await pilot.click("#no")
            assert not app.note.is_empty
            await pilot.press("f8")
            await pilot.click("#yes")
            assert app.note.is_empty
            await pilot.press("f1")
            help_text = str(app.screen.query_one("Static").render())
            assert "What can I say?" in help_text and '"autotekst"' in help_text and "Sårpleje" in help_text
            await pilot.press("escape", "ctrl+q")
        return app.return_value

    assert run(scenario()) == []


@pytest.mark.model
def test_the_real_model_replaying_a_live_dictation(transcriber):
    """The real Whisper model and VAD behind the app: spoken headings, and "End note"
    finishing the note, which then waits for the app to exit."""
    from support import DATA

    from dictate.audio.sources import FileSource
    from dictate.speech.live import make_streamer
    from dictate.speech.whisper import StreamingVad

    english = NoteSettings(layout=CATALOG.layouts["fsiii"], commands=CATALOG.commands["en"], language="en",
                       autotexts=CATALOG.autotexts_for("en"))

    def engine() -> Engine:
        streamer = make_streamer(transcriber, "en", vad=StreamingVad())
        return Engine(FileSource(DATA / "en_live.wav"), streamer, live_source=False)

    app = make_app(AppSettings(settings=english, engine_factory=engine, source_label="en_live.wav",
                              render=RENDERERS["markdown"], ui_language="en", model_label="base"))

    async def scenario():
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.finished_notes, timeout=240)
            assert app.state == "paused"  # "End note" finished it and paused recording
            assert app.note.is_empty
            await pilot.press("f9")  # resume: what follows starts the next note
            await wait_for(pilot, lambda: app.state == "stopped", timeout=240)
            assert "after the end" in app.note.sections["general"].text
            await pilot.press("f8")
            await pilot.click("#yes")
            await pilot.press("ctrl+q")
        return app.return_value

    [note] = run(scenario())
    # YAML front matter first (schema_version, review list), then the note's body.
    assert note.startswith("---\nschema_version: 1\n") and "\n---\n\n## General\n\nThe resident is asleep in" in note
    assert "## Nutrition" in note
    assert "## Pain and sensory impressions\n\nShe has no pain today." in note
    assert "after the end" not in note


def test_auto_texts_are_in_the_command_palette():
    engine, _ = fake_engine(script=[["Hun", "har", "smerter."]])
    app = make_app(options(lambda: engine))

    async def scenario():
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.state == "stopped")
            await pilot.press("ctrl+p")
            await pilot.press(*"Blodtryk")
            await pilot.pause(0.5)
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.note.autotexts_used(), timeout=5)
            assert app.note.autotexts_used() == [("blodtryk_puls", "1")] and app.note.current == "I7"
            await pilot.press("ctrl+q")

    run(scenario())


def test_every_ui_word_exists_in_both_languages_and_notices_are_translated():
    import re

    from dictate.ui.strings import STRINGS

    assert set(STRINGS["da"]) == set(STRINGS["en"])
    source = (ROOT / "dictate" / "interpret" / "interpreter.py").read_text(encoding="utf-8")
    codes = set(re.findall(r'self\._notice\([^,]+, "(\w+)"', source))
    assert len(codes) == 6 and all(f"notice_{code}" in STRINGS["da"] for code in codes)


def test_editing_a_section_by_keyboard_keeps_the_structure_and_can_be_undone():
    engine, _ = fake_engine(script=SCRIPT[:3])
    app = make_app(options(lambda: engine))

    async def scenario():
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.state == "stopped")
            assert app.note.current == "I3"
            await pilot.press("f4")
            assert app.screen.__class__.__name__ == "Editor"
            editor = app.screen.query_one("TextArea")
            assert editor.text == "Hun spiste lidt."
            editor.text = "Hun spiste en halv portion.\nDrak 2 glas vand."
            await pilot.press("ctrl+s")
            assert app.note.sections["I3"].text == "Hun spiste en halv portion.\nDrak 2 glas vand."
            assert app.note.sections["general"].text == "Borgeren sov godt."  # other sections untouched
            await pilot.press("f4", "escape")  # Esc drops the change
            assert app.note.sections["I3"].text.startswith("Hun spiste en halv portion.")
            await pilot.press("ctrl+z")
            assert app.note.sections["I3"].text == "Hun spiste lidt."
            await pilot.press("f4")
            app.screen.query_one("TextArea").text = "Rettet."
            await pilot.press("ctrl+s", "ctrl+q")
        return app.return_value

    [note] = run(scenario())
    body, trailer = note.split("\n-- \n")
    assert body == "Generelt\nBorgeren sov godt.\n\nErnæring\nRettet.\n"
    assert trailer == "schema_version: 1\nneeds_review: false\n"  # typed text is the nurse's own: no flags


def restarted_on(store) -> DictateApp:  # noqa: ANN001 - a DraftStore
    """The app started again after a crash: it offers the first draft left in `store`, then hears
    "Hun har smerter."."""
    from dictate.notes.drafts import restore_note

    def recover():  # noqa: ANN202
        paths = store.unfinished()
        return restore_note(paths[0], CATALOG.layouts, dict(CATALOG.autotexts),
                            interpreter=SETTINGS.interpreter()) if paths else None

    engine, _ = fake_engine(script=[["Hun", "har", "smerter."]])
    return make_app(replace(options(lambda: engine), drafts=store, recover=recover))


@pytest.mark.parametrize("choice", ["continue", "finish", "discard"])
def test_an_unfinished_draft_is_offered_with_a_preview_and_never_offered_again(tmp_path, choice):
    from support import utt

    from dictate.notes.drafts import DraftStore
    from dictate.runtime.journal import drafted_builder

    store = DraftStore(tmp_path / "drafts")
    builder, draft = drafted_builder(SETTINGS, store, source="visit.wav")
    for i, text in enumerate(["Borgeren var træt.", "Overskrift søvn.", "Hun sov uroligt.", "Autotekst sårpleje."]):
        builder.handle([Commit(utt(text, 10.0 * i).words, end_of_utterance=True, emitted_at=10.0 * i + 5)])
    assert builder.note.active is not None  # cut off inside a field
    draft.close()

    app = restarted_on(store)
    shown: dict[str, str] = {}

    async def scenario():
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.screen.__class__.__name__ == "Recovery")
            shown["about"] = str(app.screen.query_one("#about").render())
            shown["preview"] = str(app.screen.query_one("#preview").render())
            await pilot.click(f"#{choice}")
            await wait_for(pilot, lambda: app.state == "stopped")
            if choice == "continue":
                assert app.note.sections["I4"].text.startswith("Sår på [sted]")
                assert app.note.sections["I4"].text.rstrip().endswith("Hun har smerter.")  # after, not in a field
            await pilot.press("ctrl+q")
        return app.return_value

    notes = run(scenario())
    assert "blev ikke afsluttet (FSIII helbredstilstande, dansk)" in shown["about"]
    assert shown["preview"].startswith("Generelt\nBorgeren var træt.")
    expected = {"continue": 1, "finish": 2, "discard": 1}[choice]
    assert len(notes) == expected
    if choice == "finish":
        assert notes[0].startswith("Generelt\nBorgeren var træt.") and "Hun har smerter." in notes[1]
    else:
        assert ("Borgeren var træt." in notes[0]) == (choice == "continue")
    # Never offered again: the CLI retires the drafts of the notes it writes out (a continued
    # or sent note is among them), and a discarded draft is gone at once.
    written = [p for p in app.finished_drafts if p is not None]
    if choice == "discard":
        assert draft.path not in store.unfinished()
    else:
        assert draft.path in written
    assert set(store.unfinished()) <= set(written)


def test_every_commit_is_saved_as_a_draft_and_the_status_bar_says_so(tmp_path):
    from dataclasses import replace

    from dictate.notes.drafts import DraftStore, restore_note
    from dictate.output.render import to_text

    store = DraftStore(tmp_path / "drafts")
    engine, _ = fake_engine(script=SCRIPT[:3])
    app = make_app(replace(options(lambda: engine), drafts=store))

    async def scenario():
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.state == "stopped")
            assert "Kladde gemt" in str(app.query_one("#bar").render())
            [path] = store.unfinished()
            assert to_text(restore_note(path, CATALOG.layouts, CATALOG.autotexts)) == to_text(app.note)
            await pilot.press("f10")
            assert app.finished_drafts == [path] and path.exists()  # kept until the note is written out
            await pilot.press("f3", *"sår", "enter")  # a second note, then discarded
            [second] = [p for p in store.unfinished() if p != path]
            await pilot.press("f8")
            await pilot.click("#yes")
            assert not second.exists() and path.exists()
            await pilot.press("ctrl+q")
        return app.return_value

    assert len(run(scenario())) == 1


def test_committed_words_are_on_screen_and_in_the_draft_before_the_utterance_ends(tmp_path):
    """A long sentence: its first words are committed, shown and journalled while it goes on."""
    from dictate.notes.drafts import DraftStore, committed_words

    script = [["Borgeren", "har", "sovet", "godt", "i", "nat", "og", "har", "spist", "hele", "sin", "morgenmad",
               "i", "dag", "og", "drukket", "to", "glas", "vand."]]
    engine, _ = fake_engine(script=script, delay=0.015)
    store = DraftStore(tmp_path / "drafts")
    app = make_app(replace(options(lambda: engine), drafts=store))
    seen: dict[str, object] = {}

    async def scenario():
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: len(app.builder.pending) >= 3)
            pending = " ".join(w.text for w in app.builder.pending)
            seen["screen"] = str(app.query_one("#note").render())
            seen["pending"] = pending
            seen["interpreted"] = app.note.is_empty
            (journal,) = store.unfinished()
            seen["journalled"] = " ".join(w.text for w in committed_words(journal))
            await wait_for(pilot, lambda: app.state == "stopped")
            await pilot.press("ctrl+q")
        return app.return_value

    notes = run(scenario())
    assert seen["interpreted"] is True  # the utterance is not over: nothing interpreted yet
    assert seen["pending"] in seen["screen"]  # ... but the words are on screen
    assert seen["journalled"].startswith(seen["pending"])  # ... and on disk before they were shown
    assert notes[0].startswith("Generelt\nBorgeren har sovet godt i nat")


def test_saying_end_note_with_empty_fields_asks_by_voice_and_ends_when_said_again():
    script = [["Autotekst", "sårpleje."], ["venstre", "hæl"], ["Afslut", "notat."], ["Afslut", "notat."]]
    engine, _ = fake_engine(script=script)
    app = make_app(options(lambda: engine))
    seen: list[str] = []

    async def scenario():
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.finished_notes)
            seen.extend(n.message for n in app._notifications)
            assert app.state == "paused"  # "afslut notat" finished the note and paused recording
            await pilot.press("ctrl+q")
        return app.return_value

    notes = run(scenario())
    assert any("felt(er) er tomme. Sig \"afslut notat\" igen for at afslutte" in m for m in seen), seen
    assert len(notes) == 1 and "Sår på venstre hæl" in notes[0]


def test_f4_around_an_auto_text_keeps_its_fields_reachable_and_f10_still_warns():
    engine, _ = fake_engine(script=[["Autotekst", "sårpleje."], ["venstre", "hæl"]])
    app = make_app(options(lambda: engine))

    async def scenario():
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.state == "stopped")
            section = app.note.current
            empty = len(app.note.unfilled_fields())
            await pilot.press("f4")
            editor = app.screen.query_one("TextArea")
            assert "[størrelse]" in editor.text
            editor.text = "Set i dag. " + editor.text
            await pilot.press("ctrl+s")
            assert app.note.sections[section].text.startswith("Set i dag. Sår på venstre hæl")
            assert len(app.note.unfilled_fields()) == empty
            await pilot.press("tab")  # the size field is still a field
            assert app.note.active is not None and app.note.active[1].name == "stoerrelse"
            await pilot.press("f10")
            assert app.screen.__class__.__name__ == "Question"  # empty fields: asks first
            await pilot.press("escape")
            await pilot.press("ctrl+q")
        return app.return_value

    run(scenario())


def test_a_draft_in_another_language_and_layout_is_sent_as_it_is_not_continued(tmp_path):
    """An English SOAP draft offered in a Danish FSIII session keeps its language and layout."""
    from support import utt

    from dictate.notes.drafts import DraftStore, restore_note
    from dictate.runtime.journal import drafted_builder

    english = NoteSettings(layout=CATALOG.layouts["soap"], commands=CATALOG.commands["en"], language="en",
                           autotexts=CATALOG.autotexts_for("en"))
    store = DraftStore(tmp_path / "drafts")
    builder, draft = drafted_builder(english, store, source="visit.wav")
    for i, text in enumerate(["Heading objective.", "Blood pressure measured sitting."]):
        builder.handle([Commit(utt(text, 10.0 * i).words, end_of_utterance=True, emitted_at=10.0 * i + 5)])
    draft.close()

    def recover():  # noqa: ANN202
        paths = store.unfinished()
        return restore_note(paths[0], CATALOG.layouts, dict(CATALOG.autotexts)) if paths else None

    engine, _ = fake_engine(script=[["Hun", "har", "smerter."]])
    app = make_app(replace(options(lambda: engine), drafts=store, recover=recover))
    shown: dict[str, object] = {}

    async def scenario():
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.screen.__class__.__name__ == "Recovery")
            shown["about"] = str(app.screen.query_one("#about").render())
            shown["continue"] = len(app.screen.query("#continue"))
            await pilot.press("escape")  # cannot be continued here: sent as it is
            await wait_for(pilot, lambda: app.state == "stopped")
            await pilot.press("ctrl+q")
        return app.return_value

    notes = run(scenario())
    assert shown["continue"] == 0 and "dictate -l en --layout soap" in str(shown["about"])
    assert notes[0].startswith("Objective\nBlood pressure measured sitting.")  # its own layout and language
    assert notes[1].startswith("Generelt\nHun har smerter.")


def test_the_timer_counts_only_recording_time_and_a_file_is_said_to_be_replayed():
    engine, source = fake_engine(delay=0.03)
    now = [100.0]
    app = make_app(replace(options(lambda: engine), clock=lambda: now[0]))

    async def scenario():
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.state == "listening" and source.position > 0)
            assert "Afspiller fil" in str(app.query_one("#status").render())  # not "Optager"
            now[0] += 65  # a minute of replaying
            await pilot.press("space")
            assert app.state == "paused"
            now[0] += 600  # ten minutes with the resident, paused
            app._refresh_status()
            assert "01:05" in str(app.query_one("#status").render())
            await pilot.press("space")
            now[0] += 5
            app._refresh_status()
            assert "01:10" in str(app.query_one("#status").render())
            await pilot.press("ctrl+q")

    run(scenario())


def test_a_spoken_heading_is_shown_briefly_and_an_unknown_one_is_said():
    script = [["Borgeren", "sov", "godt."], ["Overskrift", "ernæring."], ["Hun", "spiste."],
              ["Overskrift", "kaffemaskine."], ["Hun", "drak", "te."]]
    engine, _ = fake_engine(script=script)
    app = make_app(options(lambda: engine))
    seen = toasts_until_stopped(app)
    assert "→ Ernæring" in seen
    assert "Ingen overskrift passer til »kaffemaskine« – tryk F2 for at vælge" in seen


@pytest.mark.parametrize("language, said", [
    ("da", "Ingen overskrift passer til »væskning«. Mente du: Ernæring, Respiration og cirkulation? (F2)"),
    ("en", "No heading matches “væskning”. Did you mean: Ernæring, Respiration og cirkulation? (F2)"),
])
def test_an_unknown_heading_is_said_with_the_words_heard_and_the_closest_headings(language, said):
    """The headings offered are the note's (Danish FSIII here), in the UI's own words around them."""
    script = [["Borgeren", "sov", "godt."], ["Overskrift", "væskning."], ["Hun", "drak", "te."]]
    engine, _ = fake_engine(script=script)
    app = make_app(options(lambda: engine, language=language))
    seen: list[str] = []
    review: list = []

    async def scenario():
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.state == "stopped")
            seen.extend(n.message for n in app._notifications)
            # The words stay where they were said, and the note's review list has the place.
            assert app.note.sections["general"].text == "Borgeren sov godt. Overskrift væskning. Hun drak te."
            review.extend(i for i in review_items(app.note) if i.kind == "heading_unknown")
            await pilot.press("ctrl+q")

    run(scenario())
    assert said in seen
    [item] = review
    assert (item.text, [key for key, _ in item.candidates]) == ("væskning", ["I3", "I7"])


def test_the_palette_and_ctrl_c_speak_danish_and_offer_no_screenshot():
    engine, _ = fake_engine(script=[["Hun", "har", "smerter."]])
    app = make_app(options(lambda: engine))
    seen: dict[str, object] = {}

    async def scenario():
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.state == "stopped")
            seen["system"] = [command.title for command in app.get_system_commands(app.screen)]
            await pilot.press("ctrl+c")
            seen["toasts"] = [n.message for n in app._notifications]
            await pilot.press("ctrl+p")
            await wait_for(pilot, lambda: app.screen.__class__.__name__ == "CommandPalette")
            seen["placeholder"] = app.screen.query_one("Input").placeholder
            await pilot.press("escape", "ctrl+q")

    run(scenario())
    assert seen["system"] == ["Hjælp", "Afslut", "Luk"]  # no Theme, Keys, Maximize or Screenshot
    assert seen["placeholder"].startswith("Søg efter en autotekst")
    assert any(t.startswith("Tryk Ctrl+Q for at lukke") for t in seen["toasts"])


def test_the_active_field_shows_its_default_on_screen():
    script = [["Autotekst", "sårpleje."], ["venstre", "hæl"], ["Næste", "felt."], ["Næste", "felt."]]
    engine, _ = fake_engine(script=script)
    app = make_app(options(lambda: engine))

    async def scenario():
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.state == "stopped")
            assert app.note.active is not None and app.note.active[1].name == "rensning"
            assert "er renset med NaCl 0,9 %." in str(app.query_one("#note").render())
            await pilot.press("ctrl+q")

    run(scenario())


def test_a_machine_too_slow_for_live_words_is_told_in_danish_and_the_note_is_whole():
    """Decodes that cost more than the machine can give (a simulated clock) make the engine
    give up live updates: the app says so once, in Danish, and every word reaches the note."""
    from dictate.speech.fake import SimulatedClock
    from dictate.speech.streamer import StreamSettings

    script = [["Borgeren", "sov", "godt", "i", "nat", "og", "spiste", "lidt."], ["Hun", "har", "ikke", "smerter."],
              ["Borgeren", "sov", "godt", "i", "nat", "og", "spiste", "lidt."]]
    vocabulary = sorted(set(VOCABULARY) | {w for u in script for w in u})
    audio, _ = speak(script, vocabulary)
    clock = SimulatedClock()

    class Source(FakeSource):
        def frames(self) -> Iterator[np.ndarray]:
            for self.position in range(0, len(self.audio), self.block):
                clock.audio_arrives((self.position + self.block) / 16_000)
                yield self.audio[self.position:self.position + self.block]

    fake = FakeWhisper(vocabulary, clock=clock, cost=lambda seconds, final: 1.5 if final else 2.5)
    engine = Engine(Source(audio), Streamer(transcribe=fake, vad=fake_vad, clock=clock,
                                            config=StreamSettings(trim_at=30.0)), live_source=False)
    app = make_app(options(lambda: engine))
    text: list[str] = []
    seen = toasts_until_stopped(app, before_quit=lambda: text.append(app.note.sections["general"].text))
    seen += text
    assert seen.count("Maskinen er for langsom til direkte visning; teksten kommer ved pauser") == 1
    assert seen[-1] == ("Borgeren sov godt i nat og spiste lidt. Hun har ikke smerter. "
                        "Borgeren sov godt i nat og spiste lidt.")


def shown_after(widget: str, *messages) -> str:  # noqa: ANN002 - engine messages
    """What `widget` shows once a short dictation has stopped and these engine messages came."""
    engine, _ = fake_engine(script=[["Borgeren", "sov."]])
    app = make_app(options(lambda: engine))
    seen: list[str] = []

    async def scenario():
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.state == "stopped")
            for message in messages:
                app.on_engine(message)
            await pilot.pause(0.6)  # the status bar refreshes twice a second
            seen.append(str(app.query_one(widget).render()))
            await pilot.press("ctrl+q")

    run(scenario())
    return seen[0]


def test_the_latency_shown_is_what_the_nurse_waits_including_the_lag_behind_the_speaker():
    """A commit 0.4 s of audio after its last word, posted while the streamer is 2 s behind
    the wall clock: the nurse waited 2.4 s, not the 0.4 s the audio clock alone says."""
    from dictate.runtime.engine import Events
    from dictate.words import Word

    bar = shown_after("#bar", Events([Commit((Word("godt.", 3.0, 3.6, 0.9),), True, emitted_at=4.0)], lag=2.0))
    assert "Forsinkelse 2.4 s" in bar


def test_words_not_yet_interpreted_are_shown_as_written_with_a_comma_from_the_next_decode():
    from dictate.runtime.engine import Events
    from dictate.words import Word

    note = shown_after("#note",
                       Events([Commit((Word("Hun", 5.0, 5.2, 0.9), Word("spiste", 5.2, 5.6, 0.9)), False, 6.0)]),
                       Events([Commit((Word(",", 5.6, 5.6, 0.9), Word("og", 5.7, 5.8, 0.9)), False, 7.0)]))
    assert "Hun spiste, og" in note


def test_a_note_being_dictated_in_another_window_is_left_alone_and_said(tmp_path):
    """Another window's live draft is neither offered nor touched; the nurse is told why."""
    from dictate.notes.drafts import DraftStore

    store = DraftStore(tmp_path / "drafts")
    other = store.start(SETTINGS.new_note("mic"))  # another session, still holding its journal
    other.commit(())
    engine, _ = fake_engine()
    # (restorable_drafts leaves held drafts out of the offer: tests/adversarial/test_draft_ownership.py)
    app = make_app(replace(options(lambda: engine), drafts=store, recover=lambda: None))
    seen = toasts_until_stopped(app)
    assert "1 notat(er) bliver dikteret i et andet vindue og bliver ikke rørt her" in seen
    assert other.path.exists()
    other.close()


def test_after_end_note_the_finished_note_stays_in_view_until_the_next_note_begins():
    """A nurse who says "afslut notat" sees what she finished, not an empty page."""
    script = [["Borgeren", "sov", "godt."], ["Afslut", "notat."], ["Hun", "spiste", "lidt."]]
    engine, _ = fake_engine(script=script)
    app = make_app(options(lambda: engine))
    shown: dict[str, str] = {}

    async def scenario():
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.finished_notes)
            assert app.state == "paused" and app.note.is_empty
            await pilot.pause(0.1)
            shown["finished"] = str(app.query_one("#note").render())
            await pilot.press("f2", "enter")  # a heading by key starts work on the next note
            await pilot.pause(0.1)
            shown["heading"] = str(app.query_one("#note").render())
            await pilot.press("f9")  # record again: the rest of the script is the next note
            await wait_for(pilot, lambda: not app.note.is_empty)
            await pilot.pause(0.1)
            shown["next"] = str(app.query_one("#note").render())
            await pilot.press("ctrl+q")
        return app.return_value

    notes = run(scenario())
    assert "Notatet er afsluttet og gemt" in shown["finished"] and "Borgeren sov godt." in shown["finished"]
    assert "Notatet er tomt" not in shown["finished"]
    assert "afsluttet" not in shown["heading"] and "Borgeren" not in shown["heading"]
    assert "Hun spiste lidt." in shown["next"]
    assert "afsluttet" not in shown["next"] and "Borgeren" not in shown["next"]
    assert len(notes) == 2 and "Borgeren sov godt." in notes[0] and "Hun spiste lidt." in notes[1]


def test_a_note_finished_by_key_and_cut_off_before_it_was_sent_comes_back_as_finished(tmp_path):
    """F10 is journalled like "afslut notat": after a crash the note is offered to be sent, not continued."""
    from dictate.notes.drafts import DraftStore, restore_note

    store = DraftStore(tmp_path / "drafts")
    engine, _ = fake_engine(script=[["Borgeren", "sov", "godt."]])
    first = make_app(replace(options(lambda: engine), drafts=store))

    async def finish_by_key():
        async with first.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: first.state == "stopped")
            await pilot.press("f10")
            assert first.finished_notes
            # The app is killed here: the CLI never writes the note out nor retires its draft.

    run(finish_by_key())
    [path] = store.unfinished()
    assert restore_note(path, CATALOG.layouts, dict(CATALOG.autotexts), interpreter=SETTINGS.interpreter()).finished
    second = restarted_on(store)
    shown: dict[str, object] = {}

    async def restart():
        async with second.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: second.screen.__class__.__name__ == "Recovery")
            shown["about"] = str(second.screen.query_one("#about").render())
            shown["buttons"] = [b.id for b in second.screen.query("Button")]
            await pilot.press("escape")  # the safe answer: send it
            await wait_for(pilot, lambda: second.state == "stopped")
            await pilot.press("ctrl+q")
        return second.return_value

    notes = run(restart())
    assert "Et afsluttet notat fra" in shown["about"] and "blev ikke sendt videre" in shown["about"]
    assert shown["buttons"] == ["finish", "discard"]  # a finished note takes no more words
    assert len(notes) == 2 and notes[0].startswith("Generelt\nBorgeren sov godt.") and "Hun har smerter." in notes[1]
    assert "Borgeren" not in notes[1]


def test_after_an_unknown_heading_f2_lists_its_closest_headings_first():
    """ "Overskrift hjerte." matches no heading; F2 then offers Smerter first, one Enter away."""
    engine, _ = fake_engine(script=[["Borgeren", "sov", "godt."], ["Overskrift", "hjerte."], ["Hun", "har", "ondt."]])
    app = make_app(options(lambda: engine))
    shown: dict[str, object] = {}

    async def scenario():
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.state == "stopped")
            assert app.heading_candidates[:1] == ("I9",)
            await pilot.press("f2")
            await wait_for(pilot, lambda: app.screen.__class__.__name__ == "Picker")
            options = app.screen.query_one("OptionList")
            shown["first"] = options.get_option_at_index(0).id
            shown["highlighted"] = options.highlighted
            await pilot.press("enter")
            shown["current"] = app.note.current
            await pilot.press("f2")
            await wait_for(pilot, lambda: app.screen.__class__.__name__ == "Picker")
            shown["after"] = app.screen.query_one("OptionList").get_option_at_index(0).id
            await pilot.press("escape", "ctrl+q")

    run(scenario())
    assert shown["first"] == "I9" and shown["highlighted"] == 0 and shown["current"] == "I9"
    assert shown["after"] == SETTINGS.layout.all_sections[0].key  # chosen: back to the layout's order
