"""Snapshots of the app's key screens (pytest-textual-snapshot).

The app runs with the deterministic fake engine and a frozen clock, so each
screen renders the same every time. After an intended change of the look,
update with `scripts/test tests/ui/test_app_snapshots.py --snapshot-update` and
review the SVGs in tests/__snapshots__/ before committing.
"""

from __future__ import annotations

import pytest
from test_app import SETTINGS as SNAPSHOT_SETTINGS
from test_app import fake_engine, options, wait_for

from dictate.ui.app import make_app

pytestmark = pytest.mark.timing

DICTATION = [["Borgeren", "har", "ikke", "haft", "smerter."], ["Overskrift", "ernæring."],
             ["Hun", "har", "spist", "godt."], ["Autotekst", "sårpleje."], ["venstre", "hæl"]]


def frozen(options_):  # noqa: ANN001, ANN202
    from dataclasses import replace

    return replace(options_, clock=lambda: 1000.0)


def app_after(script, language: str = "da"):  # noqa: ANN001, ANN202
    engine, _ = fake_engine(script=script)
    return make_app(frozen(options(lambda: engine, language=language)))


async def settled(pilot) -> None:  # noqa: ANN001
    await wait_for(pilot, lambda: pilot.app.state == "stopped")
    pilot.app.clear_notifications()  # toasts come and go with time; the screen under them is the subject
    pilot.app._refresh_status()
    await pilot.pause()


def test_main_screen_at_80x24(snap_compare):
    assert snap_compare(app_after(DICTATION), terminal_size=(80, 24), run_before=settled)


def test_main_screen_in_english_at_120x36(snap_compare):
    assert snap_compare(app_after(DICTATION, language="en"), terminal_size=(120, 36), run_before=settled)


def test_auto_text_picker_with_preview(snap_compare):
    async def before(pilot) -> None:  # noqa: ANN001
        from dictate.ui.screens import Picker

        await settled(pilot)
        await pilot.press("f3")
        # On a busy machine the picker may not be up yet when the keys arrive: wait for it,
        # then for the list to be narrowed to what was typed.
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, Picker))
        await pilot.press(*"tryk")
        await wait_for(pilot, lambda: pilot.app.screen.query_one("#search").value == "tryk"
                       and len(pilot.app.screen.shown) < len(pilot.app.screen.choices))
        await pilot.pause()

    assert snap_compare(app_after([["Hun", "har", "smerter."]]), terminal_size=(80, 24), run_before=before)


def test_help_screen(snap_compare):
    async def before(pilot) -> None:  # noqa: ANN001
        from dictate.ui.screens import Help

        await settled(pilot)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, Help))
        await pilot.pause()

    assert snap_compare(app_after([["Hun", "har", "smerter."]]), terminal_size=(80, 24), run_before=before)


def test_missing_microphone(snap_compare):
    def no_device():  # noqa: ANN202
        from dictate.errors import DeviceError

        raise DeviceError("no input device matches 'Jabra Evolve'; see `dictate devices`")

    app = make_app(frozen(options(no_device)))

    async def before(pilot) -> None:  # noqa: ANN001
        await wait_for(pilot, lambda: pilot.app.state == "no_device")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


def test_recovery_offer_at_80x24(snap_compare):
    """The whole question and the draft's first lines fit and wrap at 80 columns."""
    from dataclasses import replace

    from support import utt

    from dictate.notes.pipeline import build_note

    draft, _ = build_note([utt(t, 5.0 * i) for i, t in enumerate(
        ["Borgeren var træt og ville ikke op i dag, men spiste lidt morgenmad i sengen.", "Overskrift søvn.",
         "Hun sov uroligt og var vågen flere gange i løbet af natten."])],
        SNAPSHOT_SETTINGS)
    draft.created = draft.created.replace(year=2026, month=11, day=28, hour=14, minute=5)
    app = make_app(replace(frozen(options(lambda: fake_engine(script=DICTATION[:1])[0])), recover=lambda: draft))

    async def before(pilot) -> None:  # noqa: ANN001
        await wait_for(pilot, lambda: pilot.app.screen.__class__.__name__ == "Recovery")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=before)
