"""The fixture script regenerates the committed dictations (needs espeak-ng, installed by .ci/run)."""

from __future__ import annotations

import subprocess
import sys
import wave

from support import DATA, ROOT


def frames(path) -> int:
    with wave.open(str(path)) as handle:
        assert (handle.getnchannels(), handle.getframerate(), handle.getsampwidth()) == (1, 16_000, 2)
        return handle.getnframes()


def test_make_fixtures_regenerates_a_committed_dictation(tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_fixtures.py"), "--out", str(tmp_path),
                           "en_soap"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    made, committed = frames(tmp_path / "en_soap.wav"), frames(DATA / "en_soap.wav")
    # espeak-ng versions differ slightly in timing; the same script must give about the same length.
    assert abs(made - committed) / committed < 0.1
