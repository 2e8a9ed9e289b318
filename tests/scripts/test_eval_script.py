"""The evaluation entry point runs on a manifest in the shared eval format."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from support import DATA, ROOT

pytestmark = pytest.mark.model


def test_eval_prints_offline_and_live_scores_per_language(tmp_path):
    (tmp_path / "da").mkdir()
    (tmp_path / "en").mkdir()
    shutil.copy(DATA / "nst_danspeech_u0042008.wav", tmp_path / "da" / "a.wav")
    shutil.copy(DATA / "nst_danspeech_u0042008.txt", tmp_path / "da" / "a.txt")
    shutil.copy(DATA / "en_soap.wav", tmp_path / "en" / "b.wav")
    (tmp_path / "en" / "b.txt").write_text("The resident says she feels dizzy in the mornings.")
    (tmp_path / "MANIFEST.tsv").write_text("lang\tfile\tduration_seconds\nda\tda/a.wav\t5.8\nen\ten/b.wav\t21\n")
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "eval.py"), str(tmp_path / "MANIFEST.tsv")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    rows = {line.split()[0]: line.split() for line in proc.stdout.splitlines()[1:]}
    assert set(rows) == {"da", "en"}
    wer_offline_da, wer_live_da = float(rows["da"][2]), float(rows["da"][3])
    assert 0 <= wer_offline_da < 0.7 and 0 <= wer_live_da < 0.9
    # The English clip says much more than its one-sentence reference: WER is high, CER is a number.
    assert float(rows["en"][2]) > 1.0


def test_review_flag_evaluation_reports_recall_and_precision(tmp_path):
    (tmp_path / "da").mkdir()
    shutil.copy(DATA / "nst_danspeech_u0042008.wav", tmp_path / "da" / "a.wav")
    shutil.copy(DATA / "nst_danspeech_u0042008.txt", tmp_path / "da" / "a.txt")
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "eval_review.py"), str(tmp_path), "--sweep"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    # threshold, lang, words, wrong, flagged, share marked, recall, precision, ...
    rows = [line.split() for line in proc.stdout.splitlines() if line.split()[1:2] == ["da"]]
    assert len(rows) >= 8
    thresholds = [float(r[0]) for r in rows]
    assert thresholds == sorted(thresholds)
    for row in rows:
        words, wrong, flagged = int(row[2]), int(row[3]), int(row[4])
        share, recall, precision = float(row[5]), float(row[6]), float(row[7])
        assert words > 5 and 0 < wrong < words and 0 <= flagged <= words
        assert abs(share - flagged / words) < 0.001 and 0 <= recall <= 1 and 0 <= precision <= 1
    flagged = [int(r[4]) for r in rows]
    assert flagged == sorted(flagged) and flagged[0] < flagged[-1]  # a higher threshold marks more
