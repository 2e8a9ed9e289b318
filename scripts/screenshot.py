#!/usr/bin/env python3
"""Export the app's main screen as SVG for the README (scripts/screenshots/app.svg).

    python scripts/screenshot.py [--out PATH] [--size 100x30]

A Danish dictation replayed through the real streamer with the deterministic
fake recogniser of the tests: a heading, an auto-text with a field being
filled, a negation and a number marked for review.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from dictate.catalog.loader import load_catalog
from dictate.notes.pipeline import NoteSettings
from dictate.runtime.engine import Engine
from dictate.speech.fake import ArraySource, FakeWhisper, fake_vad, speak
from dictate.speech.streamer import Streamer
from dictate.ui.app import AppSettings, make_app

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = [["Borgeren", "har", "sovet", "godt", "og", "har", "ikke", "haft", "smerter."],
          ["Overskrift", "ernæring."], ["Hun", "har", "drukket", "1,5", "l", "væske."],
          ["Autotekst", "sårpleje."], ["venstre", "underben"], ["Næste", "felt."], ["3", "gange", "4"],
          ["Næste", "felt."]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "scripts" / "screenshots" / "app.svg")
    parser.add_argument("--size", default="100x30")
    args = parser.parse_args()
    width, height = (int(x) for x in args.size.split("x"))
    catalog = load_catalog()
    settings = NoteSettings(layout=catalog.layouts["fsiii"], commands=catalog.commands["da"], language="da",
                        autotexts=catalog.autotexts_for("da"), terms=catalog.terms("da"))
    vocabulary = sorted({w for u in SCRIPT for w in u})
    audio, _ = speak(SCRIPT, vocabulary)

    def engine() -> Engine:
        return Engine(ArraySource(audio), Streamer(transcribe=FakeWhisper(vocabulary), vad=fake_vad), live_source=False)

    app = make_app(AppSettings(settings=settings, engine_factory=engine, source_label="besøg.wav",
                              model_label="whisper-base"))

    async def shoot() -> None:
        async with app.run_test(size=(width, height)) as pilot:
            deadline = time.monotonic() + 30
            while app.state != "stopped" and time.monotonic() < deadline:
                await pilot.pause(0.05)
            # As it looks mid-dictation: recording, a level on the meter, words not yet settled.
            app.started = app.options.clock() - 272
            app.latency, app.state, app.level = 0.9, "listening", 0.1
            app.query_one("#live").update("NaCl nul komma ni")
            app._refresh_status()
            await pilot.pause(0.1)
            app.save_screenshot(str(args.out.name), str(args.out.parent))

    asyncio.run(shoot())
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
