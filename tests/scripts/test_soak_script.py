"""The soak benchmark runs end to end (fake recogniser, one minute) and reports its figures."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from support import DATA, ROOT


def test_soak_fake_minute_reports_figures_and_replays_the_journal(tmp_path):
    eval_dir = tmp_path / "eval"
    (eval_dir / "da").mkdir(parents=True)
    # The fake recogniser speaks the references; the audio files only have to exist.
    shutil.copy(DATA / "nst_danspeech_u0042008.wav", eval_dir / "da" / "a.wav")
    shutil.copy(DATA / "nst_danspeech_u0042008.txt", eval_dir / "da" / "a.txt")
    shutil.copy(DATA / "nst_danspeech_u0042008.wav", eval_dir / "da" / "b.wav")
    (eval_dir / "da" / "b.txt").write_text("borgeren har det godt i dag og har spist hele sin morgenmad",
                                          encoding="utf-8")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "soak.py"), "--fake", "--minutes", "1",
                           "--source", str(eval_dir), "--json"],
                          check=False, capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for expected in ("machine:", "RSS growth end - start", "commit latency first", "decode per update",
                     "replay gives the live note: OK"):
        assert expected in out, out
    figures = json.loads(out.strip().splitlines()[-1])
    assert figures["replay_ok"] is True
    assert figures["words_committed"] > 50 and figures["utterances"] >= 4
    assert len(figures["rss_mb_by_minute"]) == 2 and figures["rss_end_mb"] > 0
    assert figures["commit_latency_first"]["n"] > 0 and figures["commit_latency_last"]["n"] > 0
    assert figures["journal_bytes"] > 0
    # Two clips a round: many rounds in a minute; the first and last are compared like for like.
    same = figures["same_clips_decode_s"]
    assert same["rounds"] >= 3 and same["first_round"] > 0 and same["last_round"] > 0
    assert "same clips, decode time in round 1 vs round" in out
    assert len(figures["reference_decode_s"]) == 1 and figures["reference_decode_s"][0] > 0  # at the start
    # The journal went to a temporary drafts folder, removed afterwards.
    assert not list(scratch.iterdir())
