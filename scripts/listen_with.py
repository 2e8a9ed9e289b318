"""`dictate` with other live settings, for the wall-clock benchmark only.

    python scripts/listen_with.py '{"update_interval": 0.6, "beam_size": 1}' listen --input ...

The first argument is a JSON object of `StreamSettings` fields (and `beam_size`,
`final_beam_size` of `LiveSettings`); the rest is `dictate`'s command line. The
product has no such switch on purpose: its settings are measured defaults, and a
nurse has nothing to tune. This lets `bench_stream.py --realtime --variant` put
other settings through the very same `dictate listen` on the wall clock.
"""

from __future__ import annotations

import json
import sys
from dataclasses import fields, replace

import dictate.runtime.session as session
from dictate.speech.live import LiveSettings
from dictate.speech.streamer import StreamSettings

LIVE_FIELDS = ("beam_size", "final_beam_size")


def patched(overrides: dict[str, float]):
    """`make_streamer` as the session uses it, with `overrides` applied to its settings."""
    known = {f.name for f in fields(StreamSettings)} | set(LIVE_FIELDS)
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise SystemExit(f"listen_with: unknown setting(s) {', '.join(unknown)}")
    live = {k: int(v) for k, v in overrides.items() if k in LIVE_FIELDS}
    stream = {k: v for k, v in overrides.items() if k not in LIVE_FIELDS}
    original = session.make_streamer

    def make_streamer(decoder, language, settings=None, **kwargs):
        settings = settings or LiveSettings()
        settings = replace(settings, stream=replace(settings.stream, **stream), **live)
        return original(decoder, language, settings, **kwargs)

    return make_streamer


def main() -> int:
    session.make_streamer = patched(json.loads(sys.argv[1]))
    from dictate.cli import main as dictate_main

    return dictate_main(sys.argv[2:])


if __name__ == "__main__":
    raise SystemExit(main())
