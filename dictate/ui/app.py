"""The dictation app: live text, the note as it is built, and a few keys.

The engine (audio source -> streamer) runs in a thread worker and reaches the
UI only through `call_from_thread`; the note is built and edited on the UI
thread alone. A failure in the engine (no PortAudio, no device, no model) is
shown with its fix while the app stays open, and the note is never lost.
Finished notes are returned from `run()`; the CLI writes them to the stdout
handle it took before the app started.
"""

from __future__ import annotations

import logging
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from dictate.interpret.edits import EndNote, GoToSection, InsertAutoText, NextField, PreviousField, ReplaceText, Undo
from dictate.notes.builder import NoteBuilder
from dictate.notes.drafts import DraftStore
from dictate.notes.note import Note
from dictate.notes.pipeline import NoteSettings
from dictate.output.render import to_text
from dictate.runtime.engine import Ended, Engine, EngineMessage, Events, Failed, Level, Status
from dictate.runtime.journal import NoteDraft, drafted_builder
from dictate.speech.streamer import Commit, Partial
from dictate.ui.noteview import styled_note
from dictate.ui.screens import Choice, Editor, Help, Picker, Question, Recovery
from dictate.ui.strings import Strings
from dictate.words import join_words

log = logging.getLogger("dictate")

#: Actions that change the note; they wait while a dialog is open.
NOTE_ACTIONS = {"undo", "next_field", "previous_field", "choose_heading", "pick_autotext", "finish",
                "discard", "toggle_pause", "edit_text"}


@dataclass(frozen=True)
class AppSettings:
    settings: NoteSettings
    #: builds the engine; called in the worker thread (loading a model takes seconds)
    engine_factory: Callable[[], Engine]
    source_label: str
    #: a finished note -> what goes to the output (the CLI's --format); plain text by default
    render: Callable[[Note], str] = to_text
    ui_language: str = "da"
    model_label: str = ""
    #: the elapsed-time clock (tests freeze it for stable snapshots)
    clock: Callable[[], float] = time.monotonic
    #: an unfinished note left by a crash, if any (the draft store provides it); offered on start
    recover: Callable[[], Note | None] | None = None
    #: where every commit and edit is journalled; None keeps no drafts (tests, demos)
    drafts: DraftStore | None = None


#: Every key, as F1 lists it: (the keys, the label's key in Strings).
KEYS = [("key_keys_pause", "key_pause"), ("F10", "key_finish"), ("Ctrl+Z", "key_undo"), ("Tab", "key_next"),
        ("Shift+Tab", "key_previous"), ("F3", "key_autotext"), ("F2", "key_heading"), ("F4", "key_edit"),
        ("F1", "key_help"), ("F8", "key_discard"), ("Ctrl+P", "key_palette"), ("Ctrl+Q", "key_quit")]


def bindings(s: Strings) -> list[Binding]:
    """The keys, most used first. The footer shows the function keys, in words short
    enough for 80 columns; F1 lists every key (KEYS)."""
    return [
        # Headsets send play/pause as a media key; terminals with the kitty keyboard
        # protocol (kitty, foot, WezTerm, Ghostty) pass it on.
        Binding("space,f9,media_play_pause,media_play,media_pause", "toggle_pause", s("foot_pause"),
                id="toggle_pause", key_display="F9"),
        Binding("f10", "finish", s("key_finish"), id="finish"),
        # Ctrl+Z is every editor's undo, and "slet det" is said: out of the footer to make room.
        Binding("ctrl+z", "undo", s("key_undo"), id="undo", show=False),
        Binding("f3", "pick_autotext", s("key_autotext"), id="pick_autotext"),
        Binding("f2", "choose_heading", s("key_heading"), id="choose_heading"),
        Binding("f4", "edit_text", s("key_edit"), id="edit_text"),
        Binding("f1", "help", s("key_help"), id="help"),
        Binding("f8", "discard", s("key_discard"), id="discard"),
        # Tab moves between fields, not between widgets: priority over the screen's focus keys.
        # Kept out of the footer: Textual lists priority bindings first, and at 80 columns
        # they would push Finish and Help off it. F1 lists them.
        Binding("tab", "next_field", s("key_next"), id="next_field", priority=True, show=False),
        Binding("shift+tab", "previous_field", s("key_previous"), id="previous_field", priority=True,
                show=False),
    ]


class AutotextCommands(Provider):
    """Auto-texts in the command palette (Ctrl+P): type part of a title or trigger."""

    def _items(self) -> list[tuple[str, str, str]]:
        app = self.app
        assert isinstance(app, DictateApp)
        language = app.settings.language
        return [(a.id, a.title(language), ", ".join(a.triggers.get(language, ()))) for a in app.settings.autotexts]

    async def discover(self) -> Hits:
        app = self.app
        assert isinstance(app, DictateApp)
        for ident, title, triggers in self._items():
            yield DiscoveryHit(f"{app.strings('key_autotext')}: {title}", lambda i=ident: app.insert_autotext(i),
                               help=triggers)

    async def search(self, query: str) -> Hits:
        app = self.app
        assert isinstance(app, DictateApp)
        matcher = self.matcher(query)
        for ident, title, triggers in self._items():
            text = f"{app.strings('key_autotext')}: {title}"
            score = max(matcher.match(text), matcher.match(triggers))
            if score > 0:
                yield Hit(score, matcher.highlight(text), lambda i=ident: app.insert_autotext(i), help=triggers)


class DictateApp(App[list[str]]):
    COMMANDS = App.COMMANDS | {AutotextCommands}
    CSS = """
    #status { height: 1; padding: 0 1; background: $boost; }
    #note-scroll { height: 1fr; padding: 0 1; }
    #live { height: 2; padding: 0 1; color: $text-muted; text-style: italic; border-top: hkey $panel; }
    #bar { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    #problem { height: auto; padding: 0 1; color: $error; display: none; }
    """

    def __init__(self, options: AppSettings) -> None:
        self.strings = Strings(options.ui_language)
        super().__init__()
        self.options = options
        self.settings = options.settings
        self.draft: NoteDraft | None = None
        self.builder = self._new_builder()
        self.finished_notes: list[str] = []
        #: the draft journal of each finished note, to be removed once the note is written out
        self.finished_drafts: list[Path | None] = []
        #: the note just finished, shown (read-only) until the next note has words: after
        #: "afslut notat" the nurse sees what she finished, not an empty page
        self.last_finished: Note | None = None
        #: the closest headings to the last heading command that matched none, best first:
        #: F2 lists them first, so the nurse's heading is one key away
        self.heading_candidates: tuple[str, ...] = ()
        self.engine: Engine | None = None
        self.state = "loading"
        self.level = 0.0
        self.latency: float | None = None
        #: time spent listening: the clock runs only while recording (or replaying)
        self._listened = 0.0
        self._listening_since: float | None = None
        self.problem: str | None = None

    # -- layout ----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # markup=False everywhere: dictated words and messages are shown as they are,
        # never read as Rich markup ("[sted]" would vanish).
        yield Static(id="status", markup=False)
        yield Static(id="problem", markup=False)
        with VerticalScroll(id="note-scroll"):
            yield Static(id="note", markup=False)
        yield Static(self.strings("live_empty"), id="live", markup=False)
        yield Static(id="bar", markup=False)
        # Compact, and without the palette key (F1 lists Ctrl+P): at 80 columns every key fits.
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.title = self.strings("title")
        self.set_interval(0.5, self._refresh_status)
        self._refresh_note()
        self._refresh_status()
        self._offer_recovery_then_start()

    def _offer_recovery_then_start(self) -> None:
        """Recording starts only after the question is answered, so nothing said lands in the wrong note."""
        if self.options.drafts is not None:
            _, elsewhere = self.options.drafts.abandoned()  # held by a running session: not offered
            if elsewhere:
                self.notify(self.strings("drafts_elsewhere", count=elsewhere), markup=False)
        draft = self.options.recover() if self.options.recover else None
        if draft is None or draft.is_empty:
            self.run_engine()
            return

        def answer(choice: str | None) -> None:
            store = self.options.drafts
            if choice == "continue":
                self.builder = self._new_builder(draft)  # goes on at the end, not inside a field
            elif choice == "finish":  # written out with the other notes when the app closes
                self.finished_notes.append(self.options.render(draft))
                self.finished_drafts.append(store.path_of(draft) if store is not None else None)
            elif store is not None:
                store.retire(store.path_of(draft))
            self._refresh_note()
            self.run_engine()

        s = self.strings
        language = f"language_{draft.language}"
        # A note finished before the crash only waits to be sent; it cannot take more words.
        about = s("recover_finished_question" if draft.finished else "recover_question",
                  when=draft.created.strftime("%d.%m. %H:%M"), layout=draft.layout.name(self.strings.language),
                  language=s(language) if s.has(language) else draft.language)
        # The note keeps its own language and layout; new words can only join it in a
        # session that hears and arranges them the same way.
        same = (draft.language, draft.layout.id) == (self.settings.language, self.settings.layout.id)
        if not same and not draft.finished:
            about += " " + s("recover_elsewhere", language_code=draft.language, layout_id=draft.layout.id)
        lines = to_text(draft, trailer=False).strip().splitlines()
        preview = "\n".join(textwrap.shorten(line, 140, placeholder=" …") if line else "" for line in lines[:4])
        if len(lines) > 4:
            preview += "\n…"
        labels = {key: s(f"recover_{key}") for key in ("continue", "finish", "discard")}
        self.push_screen(Recovery(about, preview, labels, can_continue=same and not draft.finished), answer)

    @property
    def note(self) -> Note:
        return self.builder.note

    def _new_builder(self, note: Note | None = None) -> NoteBuilder:
        """A builder for a new note, or for `note` recovered from its draft; journalled as it goes."""
        if self.draft is not None:
            self.draft.close()
        builder, self.draft = drafted_builder(self.settings, self.options.drafts, note, confirm_end=True,
                                              source=self.options.source_label, on_error=self._draft_failed)
        return builder

    def _draft_failed(self, exc: OSError) -> None:
        # Disk full or the folder gone: dictation goes on; the nurse must know.
        self.notify(f"{self.strings('draft_failed')}: {exc.strerror}", severity="error", markup=False)

    # -- the engine, off the UI thread ------------------------------------------

    @work(thread=True, exclusive=True, name="engine")
    def run_engine(self) -> None:
        from dictate.errors import DictateError

        post: Callable[[EngineMessage], None] = lambda message: self.call_from_thread(self.on_engine, message)  # noqa: E731
        try:
            engine = self.options.engine_factory()
        except DictateError as exc:
            post(Failed(exc.message, kind=exc.kind, exit_code=int(exc.exit_code)))
            return
        except Exception as exc:  # a bug must not take the note with it
            post(Failed(f"{type(exc).__name__} while starting the engine"))
            return
        self.engine = engine
        self.call_from_thread(self._set_state, "listening")
        try:
            engine.run(post)
        except Exception as exc:  # noqa: BLE001 - see above
            post(Failed(f"{type(exc).__name__} in the engine"))

    def on_engine(self, message: EngineMessage) -> None:
        if isinstance(message, Events):
            self._handle_events(message)
        elif isinstance(message, Level):
            self.level = message.rms
        elif isinstance(message, Status):
            key = f"status_{message.status.code}"
            self.notify(self.strings(key) if self.strings.has(key) else message.status.message, severity="warning",
                        markup=False)
            if message.status.code == "device_lost":
                self._set_state("device_lost")
            elif message.status.code == "device_back":
                self._set_state("listening")
        elif isinstance(message, Failed):
            # The nurse gets what she can do; the technical cause and its fix go to the log.
            log.warning("the engine cannot run (%s): %s", message.kind, message.message)
            key = f"problem_{message.kind}"
            self.problem = self.strings(key if self.strings.has(key) else "problem_error")
            self.query_one("#live", Static).update("")  # nothing is heard: no "speak" prompt
            self._set_state("no_device" if message.kind in ("portaudio", "device") else "stopped")
            self._refresh_note()
        elif isinstance(message, Ended):
            if self.state not in ("no_device",):
                self._set_state("stopped")
        self._refresh_status()

    def _handle_events(self, message: Events) -> None:
        live = self.query_one("#live", Static)
        section = self.note.current
        for event in message.events:
            if isinstance(event, Partial):
                live.update(event.text or self.strings("live_empty"))
            elif isinstance(event, Commit):
                if event.words:
                    # What the nurse waited: the audio the streamer still had to take in, plus the lag.
                    self.latency = max(0.0, event.emitted_at - event.words[-1].end) + message.lag
                self.builder.handle([event])
                if event.end_of_utterance:
                    live.update("")
        if self.note.current != section and not self.note.finished:
            # A spoken heading: say briefly where the words go now.
            heading = self.note.sections[self.note.current].heading
            self.notify(self.strings("went_to_heading", heading=heading), timeout=3, markup=False)
        for notice in self.builder.new_notices():
            key = f"notice_{notice.code}"
            if notice.code == "end_unfilled":
                command = (self.settings.commands.end_note or ("",))[0]
                text = self.strings(key, count=len(notice.choices), command=command)
            elif notice.code == "heading_unknown":
                self.heading_candidates = tuple(key for key, _ in notice.candidates)
                # What was heard and the closest headings, so that F2 is one look away.
                names = ", ".join(heading for _, heading in notice.candidates)
                text = (self.strings(key, heard=notice.heard, candidates=names) if names
                        else self.strings(f"{key}_none", heard=notice.heard))
            else:
                text = self.strings(key) if self.strings.has(key) else notice.message
            self.notify(text, severity="warning", markup=False, timeout=8)
        if self.builder.ended:
            # "Afslut notat": the note is done, and recording pauses so that what is said
            # next (to the resident, say) does not start the next note by itself.
            self._finish_note()
            if self.engine is not None and not self.engine.paused.is_set():
                self.action_toggle_pause()
        self._refresh_note()

    # -- actions -----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in NOTE_ACTIONS and len(self.screen_stack) > 1:
            return False  # a dialog is open: keys belong to it
        return True

    def action_toggle_pause(self) -> None:
        if self.engine is None or self.state in ("stopped", "no_device"):
            return  # nothing to pause: the source has ended or never started
        if self.engine.paused.is_set():
            self.engine.paused.clear()
            self._set_state("listening")
        else:
            self.engine.paused.set()
            self._set_state("paused")

    def action_undo(self) -> None:
        self._edit([Undo()])

    def action_next_field(self) -> None:
        self._edit([NextField()])

    def action_previous_field(self) -> None:
        self._edit([PreviousField()])

    def action_choose_heading(self) -> None:
        language = self.settings.language
        choices = [Choice(s.key, s.heading(language), tuple(s.aliases.get(language, ())))
                   for s in self.settings.layout.all_sections]
        # After "overskrift ..." that matched no heading, its closest headings come first.
        first = {key: i for i, key in enumerate(self.heading_candidates)}
        choices.sort(key=lambda c: first.get(c.id, len(first)))

        def chosen(key: str | None) -> None:
            if key:
                self.heading_candidates = ()
                self._edit([GoToSection(key)])

        self.push_screen(Picker(self.strings("pick_heading"), self.strings("search"), choices), chosen)

    def action_pick_autotext(self) -> None:
        language = self.settings.language
        by_id = {a.id: a for a in self.settings.autotexts}
        choices = [Choice(a.id, a.title(language), a.triggers.get(language, ()), _preview(a, language))
                   for a in sorted(by_id.values(), key=lambda a: a.title(language).casefold())]

        def chosen(ident: str | None) -> None:
            if ident:
                self.insert_autotext(ident)

        self.push_screen(Picker(self.strings("pick_autotext"), self.strings("search"), choices), chosen)

    def insert_autotext(self, ident: str) -> None:
        autotext = next(a for a in self.settings.autotexts if a.id == ident)
        keys = {s.key for s in self.settings.layout.all_sections}
        self._edit([InsertAutoText(autotext, autotext.section_for(self.settings.layout.id, keys))])

    def action_edit_text(self) -> None:
        """Type over the current section's text; recording pauses meanwhile."""
        section = self.note.sections[self.note.current]
        was_recording = self.engine is not None and not self.engine.paused.is_set()
        if was_recording:
            self.action_toggle_pause()

        def edited(text: str | None) -> None:
            if text is not None and text.strip() != section.text:
                self._edit([ReplaceText(section.key, text)])
            if was_recording:
                self.action_toggle_pause()

        self.push_screen(Editor(self.strings("edit_title", heading=section.heading), section.text), edited)

    def action_finish(self) -> None:
        unfilled = len(self.note.unfilled_fields())
        if unfilled:
            def answer(yes: bool | None) -> None:
                if yes:
                    self._finish_note()

            self.push_screen(Question(self.strings("unfilled_question", count=unfilled),
                                      self.strings("yes_finish"), self.strings("no_back")), answer)
            return
        self._finish_note()

    def action_discard(self) -> None:
        def answer(yes: bool | None) -> None:
            if yes:
                discarded = self.draft
                self.builder = self._new_builder()
                if discarded is not None:
                    discarded.retire()  # discarded on purpose, after asking
                self._refresh_note()

        self.push_screen(Question(self.strings("discard_question"), self.strings("yes_discard"),
                                  self.strings("no_keep")), answer)

    def action_help(self) -> None:
        self.push_screen(Help(help_text(self.settings, self.strings)))

    # -- Textual's own commands, in the nurse's language and without what makes no sense here

    def get_system_commands(self, screen):  # noqa: ANN001, ANN201 - Iterable[SystemCommand]
        """Only the app's own actions: Textual's Theme, Keys, Maximize and Screenshot (which
        would write the note, health data, into the current folder as an SVG) are left out."""
        s = self.strings
        yield SystemCommand(s("key_help"), s("help_title"), self.action_help)
        yield SystemCommand(s("key_finish"), s("key_finish"), self.action_finish)
        yield SystemCommand(s("key_quit_short"), s("key_quit"), self.action_quit)

    def action_command_palette(self) -> None:
        if not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=self.strings("palette_placeholder")))

    def action_help_quit(self) -> None:
        """Ctrl+C does not close the app (a nurse may press it by habit); say what does."""
        self.notify(self.strings("quit_hint"), markup=False)

    def action_screenshot(self, *args: object, **kwargs: object) -> None:
        """Never: a screenshot of the app is a copy of health data in a file."""

    def action_quit(self) -> None:
        if not self.note.is_empty:
            self._finish_note()  # nothing dictated is lost on the way out
        self._stop_engine()
        self.exit(self.finished_notes)

    # -- helpers -----------------------------------------------------------------

    def _edit(self, edits: list) -> None:
        self.builder.apply(edits)
        self.last_finished = None  # a key that edits works on the next note: show that one
        self._refresh_note()

    def _finish_note(self) -> None:
        """The note goes to the output (written when the app exits) and a new note starts."""
        self.builder.flush()
        if not self.note.is_empty and not self.note.finished:
            # F10 and Ctrl+Q finish it as "afslut notat" does, in the draft too: killed before
            # the notes are written out, it comes back as finished, to be sent.
            self.builder.apply([EndNote()])
        if not self.note.is_empty:
            self.finished_notes.append(self.options.render(self.note))
            self.finished_drafts.append(self.draft.path if self.draft is not None else None)
            self.last_finished = self.note
            self.notify(self.strings("finished"))
        self.builder = self._new_builder()
        self.heading_candidates = ()
        self._refresh_note()

    def _stop_engine(self) -> None:
        if self.engine is not None:
            self.engine.stop.set()
            self.engine.paused.clear()

    def _set_state(self, state: str) -> None:
        now = self.options.clock()
        if self._listening_since is not None:
            self._listened += now - self._listening_since
        self._listening_since = now if state == "listening" else None
        self.state = state
        self._refresh_status()

    def _refresh_note(self) -> None:
        pending = join_words(self.builder.pending) if not self.note.finished else ""
        if not self.note.is_empty or pending:
            self.last_finished = None  # the next note has begun
        if self.last_finished is not None:
            shown = Text(self.strings("finished_note_shown") + "\n\n", style="bold green")
            shown.append_text(styled_note(self.last_finished, "", ""))
        else:
            shown = styled_note(self.note, self.strings("empty_note"), pending)
        self.query_one("#note", Static).update(shown)
        problem = self.query_one("#problem", Static)
        problem.update(self.problem or "")
        problem.display = bool(self.problem)

    def _refresh_status(self) -> None:
        s = self.strings
        running = self.options.clock() - self._listening_since if self._listening_since is not None else 0.0
        elapsed = int(self._listened + running)
        replaying = self.engine is not None and not self.engine.live_source
        label = {"loading": s("loading"), "listening": s("replaying") if replaying else s("listening"),
                 "paused": s("paused"), "stopped": s("stopped"), "no_device": s("no_device"),
                 "device_lost": s("device_lost")}[self.state]
        dot = {"listening": "●", "paused": "⏸", "loading": "…"}.get(self.state, "■")
        bars = min(10, int(self.level * 60)) if self.state == "listening" else 0
        meter = "▮" * bars + "▯" * (10 - bars)
        self.query_one("#status", Static).update(f"{dot} {label}  {meter}  {elapsed // 60:02d}:{elapsed % 60:02d}"
                                                 f"  {self.options.source_label}")
        latency = f"{self.latency:.1f} s" if self.latency is not None else "–"
        # Short enough for 80 columns: model · language · layout · latency · draft.
        self.query_one("#bar", Static).update(
            f"{self.options.model_label} · {self.settings.language} · {self.settings.layout.id} · "
            f"{s('latency')} {latency} · {self._draft_label()}")

    def _draft_label(self) -> str:
        if self.draft is not None and self.draft.saved_at is not None:
            return f"{self.strings('draft_saved')} {self.draft.saved_at:%H:%M:%S}"
        return self.strings("draft_none")


def make_app(options: AppSettings) -> DictateApp:
    """The app with its key labels in the UI language (Textual merges bindings per class)."""
    cls = type("DictateApp", (DictateApp,), {"BINDINGS": bindings(Strings(options.ui_language))})
    return cls(options)


def _preview(autotext, language: str) -> str:  # noqa: ANN001 - AutoText
    parts = []
    for piece in autotext.pieces(language):
        parts.append(f"[{autotext.fields[piece.value].label(language)}]" if piece.kind == "field" else piece.value)
    return "".join(parts)


def help_text(settings: NoteSettings, s: Strings) -> str:
    commands = settings.commands
    language = settings.language
    lines = [s("help_title"), "", s("help_commands")]
    for label, phrases in ((s("key_heading"), commands.heading), (s("key_autotext"), commands.autotext),
                           (s("key_next"), commands.next_field), (s("key_previous"), commands.previous_field),
                           (s("key_undo"), commands.undo), (s("key_finish"), commands.end_note)):
        if phrases:
            lines.append(f"  {label}: " + ", ".join(f'"{p}"' for p in phrases))
    lines += ["", s("help_marks")]
    shown = {"\n": "↵", "\n\n": "¶"}
    lines += [f'  "{phrase}" → {shown.get(mark, mark)}' for phrase, mark in commands.marks.items()]
    keyword = commands.autotext[0] if commands.autotext else ""
    lines += ["", s("help_autotexts", keyword=keyword)]
    for autotext in sorted(settings.autotexts, key=lambda a: a.title(language).casefold()):
        lines.append(f"  {autotext.title(language)}: " + ", ".join(autotext.triggers.get(language, ())))
    lines += ["", s("help_headings", keyword=commands.heading[0] if commands.heading else "")]
    lines += [f"  {section.heading(language)}" for section in settings.layout.sections]
    lines += ["", s("help_keys")]
    for keys, label in KEYS:
        lines.append(f"  {s(keys) if s.has(keys) else keys}: {s(label)}")
    lines += ["", s("help_close")]
    return "\n".join(lines)
