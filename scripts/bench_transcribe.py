#!/usr/bin/env python3
"""Benchmark offline transcription: speed, memory and accuracy per language.

    python scripts/bench_transcribe.py [FOLDER] [--model base] [--beam-size 5]

FOLDER holds LANG/NAME.{wav,flac,...} with NAME.txt references (default:
../shared/eval next to the repository). Prints the real-time factor (compute
seconds per audio second, wall clock and CPU), peak RSS, and WER/CER per
language, computed with jiwer after lower-casing, removing punctuation and
collapsing whitespace, and again with numbers normalised (nWER/nCER: "24" and
"fireogtyve" are the same word; scripts/numnorm.py). The hypothesis is the recogniser's words before the
interpreter, so spoken-command handling does not colour the accuracy figures.

`--long 1,8` measures memory on long recordings instead: for each number of hours, a
WAV of silence with one eval clip every 5 minutes is written to a temporary folder and
the real `dictate transcribe` runs on it as a subprocess; prints its peak RSS, time,
and how many of the clips reached the note (nothing may be lost at the window edges).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

from evallib import SCORES_LEGEND, score
from numnorm import normalise

from dictate.audio import SAMPLE_RATE

ROOT = Path(__file__).resolve().parent.parent

AUDIO = (".wav", ".flac", ".mp3", ".ogg", ".m4a")


def clips(folder: Path) -> list[tuple[str, Path, Path]]:
    found = []
    for audio in sorted(folder.rglob("*")):
        if audio.suffix.lower() in AUDIO and audio.with_suffix(".txt").is_file():
            found.append((audio.parent.name, audio, audio.with_suffix(".txt")))
    return found


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--model", default="base")
    parser.add_argument("--beam-size", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    parser.add_argument("--ab-mmap", action="store_true",
                        help="run twice, with dictate's malloc setting and with glibc's default, "
                             "and print the ratios")
    parser.add_argument("--hints", action="store_true",
                        help="give the model the templates' hints (auto-text triggers and vocabulary), "
                             "as `dictate transcribe` does unless --no-vocabulary")
    parser.add_argument("--fallback", action="store_true",
                        help="add Whisper's temperature fallback (sampling at 0.2 ... 1.0 when a decode fails "
                             "the gates); dictate decodes at temperature 0 only, so notes are reproducible")
    parser.add_argument("--long", metavar="HOURS", help="comma-separated hours, e.g. 1,8: peak RSS of "
                        "`dictate transcribe` on recordings that long")
    args = parser.parse_args()
    if args.ab_mmap:
        return ab_mmap(args)
    if args.long:
        return long_recordings(args)

    from dictate.audio.decode import load_audio
    from dictate.speech.models import resolve_model
    from dictate.speech.whisper import DecodeSettings, WhisperTranscriber

    items = clips(args.folder)
    if not items:
        print(f"no audio with .txt references under {args.folder}", file=sys.stderr)
        return 66

    model = resolve_model(args.model)
    t0 = time.perf_counter()
    options = DecodeSettings(beam_size=args.beam_size)
    if args.fallback:
        options = dataclasses.replace(options, temperatures=(0.0, 0.2, 0.4, 0.6, 0.8, 1.0))
    transcriber = WhisperTranscriber(model, options=options)
    load_seconds = time.perf_counter() - t0
    # Warm-up, so one-off initialisation does not land on the first clip.
    transcriber.transcribe(load_audio(items[0][1]).samples[: SAMPLE_RATE * 2], items[0][0])

    hints: dict[str, str | None] = defaultdict(lambda: None)
    if args.hints:
        from dictate.catalog.loader import load_catalog
        from dictate.speech.hotwords import build_hotwords

        catalog = load_catalog()
        for language in {item[0] for item in items}:
            hints[language] = build_hotwords(catalog.commands.get(language), catalog.autotexts_for(language),
                                             catalog.terms(language), language,
                                             lambda text, lang=language: transcriber.count_tokens(text, lang))
    refs: dict[str, list[str]] = defaultdict(list)
    hyps: dict[str, list[str]] = defaultdict(list)
    audio_s: dict[str, float] = defaultdict(float)
    wall_s: dict[str, float] = defaultdict(float)
    cpu_s: dict[str, float] = defaultdict(float)
    for language, audio_path, text_path in items:
        audio = load_audio(audio_path)
        w0, c0 = time.perf_counter(), time.process_time()
        utterances = transcriber.transcribe(audio.samples, language, hotwords=hints[language])
        wall_s[language] += time.perf_counter() - w0
        cpu_s[language] += time.process_time() - c0
        audio_s[language] += audio.duration
        refs[language].append(text_path.read_text(encoding="utf-8"))
        hyps[language].append(" ".join(w.text for u in utterances for w in u.words))

    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    import ctranslate2
    import faster_whisper

    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"faster-whisper {faster_whisper.__version__}, ctranslate2 {ctranslate2.__version__}")
    print(f"model: {model.name} (int8, beam {args.beam_size}), loaded in {load_seconds:.2f} s; "
          f"DICTATE_MMAP_THRESHOLD={os.environ.get('DICTATE_MMAP_THRESHOLD', 'default')}; "
          f"hints {'on' if args.hints else 'off'}; temperature fallback {'on' if args.fallback else 'off'}")
    print(f"{'lang':<5} {'clips':>5} {'audio s':>8} {'RTF wall':>9} {'RTF cpu':>8} {'WER':>6} {'nWER':>6} "
          f"{'CER':>6} {'nCER':>6}")
    figures = {"model": model.name, "beam_size": args.beam_size, "languages": {}}
    for language in sorted(refs):
        scores = score(refs[language], hyps[language], language)
        rtf = wall_s[language] / audio_s[language]
        rtf_cpu = cpu_s[language] / audio_s[language]
        print(f"{language:<5} {len(refs[language]):>5} {audio_s[language]:>8.1f} {rtf:>9.3f} {rtf_cpu:>8.3f} "
              f"{scores.wer:>6.3f} {scores.wer_numbers:>6.3f} {scores.cer:>6.3f} {scores.cer_numbers:>6.3f}")
        figures["languages"][language] = {"clips": len(refs[language]), "audio_seconds": audio_s[language],
                                          "rtf_wall": rtf, "rtf_cpu": rtf_cpu, "wer": scores.wer,
                                          "wer_numbers": scores.wer_numbers, "cer": scores.cer,
                                          "cer_numbers": scores.cer_numbers}
    total_rtf = sum(wall_s.values()) / sum(audio_s.values())
    print(f"all   {len(items):>5} {sum(audio_s.values()):>8.1f} {total_rtf:>9.3f} "
          f"{sum(cpu_s.values()) / sum(audio_s.values()):>8.3f}")
    print(SCORES_LEGEND)
    print(f"peak RSS: {peak_rss_mb:.0f} MB")
    print("targets (2 cores, base int8, beam 5): RTF <= 0.25, peak RSS <= 500 MB: "
          f"RTF {'met' if total_rtf <= 0.25 else 'MISSED'}, RSS {'met' if peak_rss_mb <= 500 else 'MISSED'}")
    figures.update(rtf_wall=total_rtf, peak_rss_mb=peak_rss_mb, model_load_seconds=load_seconds)
    if args.json:
        print(json.dumps(figures))
    return 0


def long_recordings(args: argparse.Namespace) -> int:
    """Peak RSS of the real `dictate transcribe` on hours of audio (silence with a clip every 5 min)."""
    import subprocess
    import tempfile
    import wave

    import numpy as np

    from dictate.audio.decode import load_audio

    items = [item for item in clips(args.folder) if item[0] == "en"] or clips(args.folder)
    speech = [load_audio(audio).samples for _, audio, _ in items]
    language = items[0][0]
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"{'hours':>5} {'clips':>5} {'in note':>7} {'peak RSS MB':>11} {'wall s':>7} {'RTF':>6}")
    for hours in [float(h) for h in args.long.split(",")]:
        with tempfile.TemporaryDirectory(prefix="dictate-long-") as tmp:
            path = Path(tmp) / "long.wav"
            gap = np.zeros(5 * 60 * SAMPLE_RATE, dtype="<i2")
            placed = 0
            with wave.open(str(path), "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(2)
                out.setframerate(SAMPLE_RATE)
                written = 0
                while written < hours * 3600 * SAMPLE_RATE:
                    clip = (speech[placed % len(speech)] * 32767).astype("<i2")
                    out.writeframes(gap[: len(gap) - len(clip)].tobytes() + clip.tobytes())
                    written += len(gap)
                    placed += 1
            began = time.perf_counter()
            process = subprocess.Popen([sys.executable, "-m", "dictate", "transcribe", "-l", language, "-f", "json",
                                        "--model", args.model, "--no-vocabulary", str(path)],
                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            assert process.stdout is not None
            stdout = process.stdout.read()
            _, _, usage = os.wait4(process.pid, 0)  # this child's own peak, not the largest so far
            process.returncode = 0
            wall = time.perf_counter() - began
            note = json.loads(stdout) if stdout.strip() else {"sections": []}
            text = " ".join(section["text"] for section in note["sections"]).casefold()
            said = set(normalise(text).split())

            def in_note(ref: Path) -> bool:  # most of the clip's words are in the note
                words = normalise(ref.read_text(encoding="utf-8")).split()
                return sum(w in said for w in words) >= 0.6 * len(words)

            heard = sum(1 for _, _, ref in items[: min(placed, len(items))] if in_note(ref))
            print(f"{hours:>5g} {placed:>5} {heard:>3}/{min(placed, len(items)):<3} "
                  f"{usage.ru_maxrss / 1024:>11.0f} {wall:>7.0f} {wall / (hours * 3600):>6.3f}")
    print("target: peak RSS <= 500 MB for any length")
    return 0


def ab_mmap(args: argparse.Namespace) -> int:
    """Both malloc settings in one run, so the ratio is not spoiled by a noisy machine."""
    import subprocess

    results = {}
    for label, value in (("dictate", None), ("glibc-default", "off")):
        env = dict(os.environ)
        env.pop("DICTATE_MMAP_THRESHOLD", None)
        if value:
            env["DICTATE_MMAP_THRESHOLD"] = value
        cmd = [sys.executable, __file__, str(args.folder), "--model", args.model,
               "--beam-size", str(args.beam_size), "--json"]
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
        print(f"--- {label}\n" + "\n".join(out.splitlines()[:-1]))
        results[label] = json.loads(out.splitlines()[-1])
    a, b = results["dictate"], results["glibc-default"]
    print(f"ratio dictate/glibc-default: RTF {a['rtf_wall'] / b['rtf_wall']:.2f}, "
          f"peak RSS {a['peak_rss_mb'] / b['peak_rss_mb']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
