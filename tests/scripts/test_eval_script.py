"""The evaluation and benchmark scripts run on a manifest in the shared eval format and print
every WER twice: strict, and with numbers normalised (digits and words as the same word)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from support import DATA, ROOT

pytestmark = pytest.mark.model

AUTOTEXT = ("The resident was cheerful this morning period. Auto text wound care. Left lower leg. Next field. "
            "{size}. Next field. Next field. Black and necrotic. Next field. Undermined. Next field.")


@pytest.fixture(scope="module")
def eval_set(tmp_path_factory):
    """One Danish clip without numbers, and one English dictation twice: with its size in words
    ("Five by six") and in digits ("5 by 6"). Whichever way the model writes the size, strictly
    one copy has two more wrong words; with numbers normalised the two score alike."""
    folder = tmp_path_factory.mktemp("eval")
    (folder / "da").mkdir()
    (folder / "en").mkdir()
    shutil.copy(DATA / "nst_danspeech_u0042008.wav", folder / "da" / "a.wav")
    shutil.copy(DATA / "nst_danspeech_u0042008.txt", folder / "da" / "a.txt")
    for name, size in (("words", "Five by six"), ("digits", "5 by 6")):
        shutil.copy(DATA / "en_autotext.wav", folder / "en" / f"{name}.wav")
        (folder / "en" / f"{name}.txt").write_text(AUTOTEXT.format(size=size))
    (folder / "MANIFEST.tsv").write_text("lang\tfile\tduration_seconds\nda\tda/a.wav\t5.8\n"
                                         "en\ten/words.wav\t25\nen\ten/digits.wav\t25\n")
    return folder


def run(script: str, *args: str) -> str:
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / script), *args],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "numbers normalised" in proc.stdout  # a legend says which figure is which
    return proc.stdout


def rows(stdout: str) -> dict[str, list[str]]:
    return {line.split()[0]: line.split() for line in stdout.splitlines() if line.split()[:1] in (["da"], ["en"])}


def test_eval_prints_strict_and_number_normalised_scores_offline_and_live(eval_set):
    stdout = run("eval.py", str(eval_set / "MANIFEST.tsv"))
    header = stdout.splitlines()[0]
    assert header.split() == ["lang", "clips", "WER", "offline", "nWER", "offline", "WER", "live", "nWER", "live",
                              "CER", "offline", "nCER", "offline", "CER", "live", "nCER", "live"]
    found = rows(stdout)
    assert set(found) == {"da", "en"} and found["en"][1] == "2"
    da = [float(x) for x in found["da"][2:]]
    en = [float(x) for x in found["en"][2:]]
    wer_off, nwer_off, wer_live, nwer_live = da[:4]
    assert 0 <= wer_off < 0.7 and 0 <= wer_live < 0.9
    # No number in the Danish clip: both ways of scoring agree. In English the size differs.
    assert (nwer_off, nwer_live) == (wer_off, wer_live)
    assert en[1] < en[0] and en[3] < en[2] and en[5] < en[4]


def test_review_flag_evaluation_reports_recall_and_precision_scored_both_ways(eval_set):
    stdout = run("eval_review.py", str(eval_set), "--sweep")
    # threshold, lang, scoring, words, wrong, flagged, share marked, recall, precision, ...
    table = [line.split() for line in stdout.splitlines() if line.split()[1:2] in (["da"], ["en"])]
    da = [r for r in table if r[1] == "da"]
    assert len(da) >= 16 and {r[2] for r in da} == {"numbers", "strict"}
    for scoring in ("numbers", "strict"):
        mine = [r for r in da if r[2] == scoring]
        thresholds = [float(r[0]) for r in mine]
        assert len(mine) >= 8 and thresholds == sorted(thresholds)
        for row in mine:
            words, wrong, flagged = int(row[3]), int(row[4]), int(row[5])
            share, recall, precision = float(row[6]), float(row[7]), float(row[8])
            assert words > 5 and 0 < wrong < words and 0 <= flagged <= words
            assert abs(share - flagged / words) < 0.001 and 0 <= recall <= 1 and 0 <= precision <= 1
        flagged = [int(r[5]) for r in mine]
        assert flagged == sorted(flagged) and flagged[0] < flagged[-1]  # a higher threshold marks more
    by_key = {(r[0], r[1], r[2]): r for r in table}
    for threshold, lang, _ in [k for k in by_key if k[2] == "numbers"]:
        numbers, strict = by_key[threshold, lang, "numbers"], by_key[threshold, lang, "strict"]
        if lang == "da":
            assert numbers[3:] == strict[3:]
        else:
            assert int(numbers[4]) < int(strict[4])  # the size written the other way is no longer wrong


def test_offline_benchmark_prints_strict_and_number_normalised_wer(eval_set):
    found = rows(run("bench_transcribe.py", str(eval_set)))
    # lang, clips, audio s, RTF wall, RTF cpu, WER, nWER, CER, nCER
    da, en = [float(x) for x in found["da"][5:9]], [float(x) for x in found["en"][5:9]]
    assert da[0] == da[1] and da[2] == da[3]
    assert en[1] < en[0] and en[3] < en[2]


def test_live_benchmark_prints_strict_and_number_normalised_wer(eval_set):
    found = rows(run("bench_stream.py", str(eval_set), "--minutes", "0"))
    # ... WER live, WER off, ratio, nWER live, nWER off, nratio, CER live, CER off
    da, en = [float(x) for x in found["da"][-8:]], [float(x) for x in found["en"][-8:]]
    assert (da[3], da[4]) == (da[0], da[1])
    assert en[3] < en[0] and en[4] < en[1]
