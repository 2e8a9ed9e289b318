"""The app's dialogs: fuzzy pickers for headings and auto-texts, a yes/no question, help."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option


@dataclass(frozen=True)
class Choice:
    id: str
    label: str
    #: extra words that find it (aliases, triggers)
    keywords: tuple[str, ...] = ()
    preview: str = ""


def _score(query: str, candidate: str, **_: object) -> float:
    """Fuzzy, with a lead for a word that starts with what was typed: "tryk" finds
    "Tryksårsforebyggelse" before "Blodtryk og puls"."""
    bonus = 15.0 if any(word.startswith(query) for word in candidate.split()) else 0.0
    return fuzz.WRatio(query, candidate) + bonus


class Picker(ModalScreen[str | None]):
    """Type to narrow a list (fuzzy), arrows to move, Enter to choose, Esc to cancel."""

    DEFAULT_CSS = """
    Picker { align: center middle; }
    Picker > Vertical { width: 90%; max-width: 100; height: 80%; border: round $accent; background: $surface; }
    Picker OptionList { height: 1fr; }
    Picker #preview { height: auto; max-height: 8; color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "cancel", show=False),
        Binding("down", "move(1)", show=False, priority=True),
        Binding("up", "move(-1)", show=False, priority=True),
    ]

    def __init__(self, title: str, placeholder: str, choices: list[Choice]) -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.choices = choices
        self.shown: list[Choice] = list(choices)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text)
            yield Input(placeholder=self.placeholder, id="search")
            yield OptionList(*[Option(c.label, id=c.id) for c in self.choices], id="options")
            yield Static("", id="preview", markup=False)

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0 if self.choices else None
        self._show_preview()

    def on_input_changed(self, event: Input.Changed) -> None:
        query = event.value.strip().casefold()
        if query:
            haystack = {c.id: " ".join((c.label, *c.keywords)).casefold() for c in self.choices}
            found = process.extract(query, haystack, scorer=_score, limit=None, score_cutoff=50)
            order = [key for _, _, key in found]
            self.shown = [c for key in order for c in self.choices if c.id == key]
        else:
            self.shown = list(self.choices)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(c.label, id=c.id) for c in self.shown])
        options.highlighted = 0 if self.shown else None
        self._show_preview()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._choose()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_preview()

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if self.shown:
            options.highlighted = ((options.highlighted or 0) + step) % len(self.shown)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _choose(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None and self.shown:
            self.dismiss(self.shown[options.highlighted].id)

    def _show_preview(self) -> None:
        options = self.query_one(OptionList)
        preview = ""
        if options.highlighted is not None and options.highlighted < len(self.shown):
            preview = self.shown[options.highlighted].preview
        self.query_one("#preview", Static).update(preview)


class Question(ModalScreen[bool]):
    DEFAULT_CSS = """
    Question { align: center middle; }
    Question > Vertical { width: 90%; max-width: 72; height: auto; border: thick $warning; background: $surface;
                          padding: 1 2; }
    Question #question { width: 100%; }
    Question Horizontal { height: auto; margin-top: 1; }
    Question Button { margin-right: 2; }
    """
    BINDINGS = [Binding("escape", "no", show=False)]

    def __init__(self, question: str, yes: str, no: str) -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical():
            # Static wraps; a Label would cut a long question off at the dialog's edge.
            yield Static(self.question, id="question", markup=False)
            with Horizontal():
                yield Button(self.no, id="no", variant="primary")
                yield Button(self.yes, id="yes", variant="error")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_no(self) -> None:
        self.dismiss(False)


class Help(ModalScreen[None]):
    DEFAULT_CSS = """
    Help { align: center middle; }
    Help > VerticalScroll {
        width: 90%; max-width: 110; height: 90%; border: round $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,f1,q", "close", show=False)]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.text, markup=False)

    def action_close(self) -> None:
        self.dismiss(None)


class Editor(ModalScreen[str | None]):
    """One section's text in a TextArea: Ctrl+S keeps the change, Esc drops it.

    One section at a time, so headings and the note's structure cannot be typed away.
    """

    DEFAULT_CSS = """
    Editor { align: center middle; }
    Editor > Vertical { width: 95%; height: 90%; border: round $accent; background: $surface; }
    Editor TextArea { height: 1fr; }
    """
    BINDINGS = [Binding("ctrl+s", "save", show=False, priority=True), Binding("escape", "cancel", show=False)]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, markup=False)
            yield TextArea(self.text, id="editor", soft_wrap=True)

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class Recovery(ModalScreen[str]):
    """A note a crash left unfinished: what it is, and continue, send as finished, or discard.

    Every answer settles the draft, so it is never offered again; Esc continues it (nothing lost),
    or sends it as finished where it cannot be continued (another language or layout).
    """

    DEFAULT_CSS = """
    Recovery { align: center middle; }
    Recovery > Vertical { width: 90%; max-width: 76; height: auto; border: thick $warning; background: $surface;
                          padding: 1 2; }
    Recovery #about { width: 100%; }
    Recovery #preview { width: 100%; color: $text-muted; margin-top: 1; }
    Recovery Horizontal { height: auto; margin-top: 1; }
    Recovery Button { margin-right: 1; }
    """
    BINDINGS = [Binding("escape", "choose('continue')", show=False)]

    def __init__(self, about: str, preview: str, labels: dict[str, str], can_continue: bool = True) -> None:
        super().__init__()
        self.about, self.preview, self.labels = about, preview, labels
        self.can_continue = can_continue

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.about, id="about", markup=False)
            yield Static(self.preview, id="preview", markup=False)
            with Horizontal():
                if self.can_continue:
                    yield Button(self.labels["continue"], id="continue", variant="primary")
                yield Button(self.labels["finish"], id="finish", variant="success")
                yield Button(self.labels["discard"], id="discard", variant="error")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(str(event.button.id))

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice if self.can_continue else "finish")
