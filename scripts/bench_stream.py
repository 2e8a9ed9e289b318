#!/usr/bin/env python3
"""Benchmark live streaming: latency, compute, accuracy against offline, bounded cost.

    python scripts/bench_stream.py [FOLDER|MANIFEST] [--beam-size 1] [--interval 1.0] [--minutes 10]
    python scripts/bench_stream.py --realtime [--load idle|busy|one-core|all] [--minutes 10]

`--realtime` measures what the nurse feels: the real `dictate listen --realtime`
replays each language's clips (joined with 1.5 s pauses) as a subprocess, and
every line it prints is time-stamped on arrival (see scripts/wallclock.py).
With `--load all` it runs idle, with one core kept busy by another process,
limited to one CPU (`taskset -c 0`), and on one CPU shared with a busy process. `--minutes` then sets the length of one
long stream for the largest lag behind real time.

Without `--realtime`, for quick sweeps: every clip is replayed as if live on a simulated clock that waits for the
audio and is charged the real decode time (a single-threaded live loop on this
machine). Reports, per language and overall:

- first-partial latency: from detected speech onset to the first words shown;
- commit latency: from the end of a word in the audio to its commit, median and p90;
- streaming compute: CPU seconds per audio second;
- streaming WER / offline WER, the offline figure from the same model and files
  through the `dictate transcribe` path (beam 5, VAD, whole file); strict, and with
  numbers normalised (nWER: "24" and "fireogtyve" are the same word; scripts/numnorm.py);
- peak RSS;
- a bounded-cost run: the clips concatenated with pauses into a long stream,
  with the decode time per update in the first and the last minute.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from evallib import SCORES_LEGEND, load_clips, machine, peak_rss_mb, replay, score

from dictate.audio import SAMPLE_RATE

ROOT = Path(__file__).resolve().parent.parent

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--model", default="base")
    parser.add_argument("--beam-size", type=int, default=None, help="live beam (default: dictate's)")
    parser.add_argument("--interval", type=float, default=None, help="seconds between updates")
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the bounded-cost run (0: skip)")
    parser.add_argument("--bounded-only", action="store_true", help="only the bounded-cost run")
    parser.add_argument("--realtime", action="store_true",
                        help="the real `dictate listen --realtime` on the wall clock (the headline figures)")
    parser.add_argument("--load", default="idle", choices=["idle", "busy", "one-core", "shared-core", "all"],
                        help="--realtime: the machine's condition (all: each in turn)")
    parser.add_argument("--languages", default="da,en", help="--realtime: languages to run")
    parser.add_argument("--long-only", action="store_true", help="--realtime: only the long stream (--minutes)")
    parser.add_argument("--listen-arg", action="append", default=[], metavar="ARG",
                        help="--realtime: an extra argument for `dictate listen` (repeatable)")
    parser.add_argument("--ab-env", metavar="NAME=VALUE",
                        help="--realtime: run each stream twice in turn, as is and with this environment "
                             "variable (e.g. DICTATE_MMAP_THRESHOLD=off), so one run compares both")
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                        help="override a StreamSettings field, e.g. --set end_silence=0.6 (repeatable)")
    parser.add_argument("--variant", action="append", default=[], metavar="LABEL:FIELD=VALUE[,FIELD=VALUE]",
                        help="--realtime: also run each stream with these live settings, right after it runs "
                             "as is (repeatable; a latency/accuracy frontier in one run)")
    args = parser.parse_args()

    from dictate.audio.decode import load_audio
    from dictate.speech.live import LiveSettings, make_streamer
    from dictate.speech.models import resolve_model
    from dictate.speech.whisper import StreamingVad, WhisperTranscriber

    clips = load_clips(args.source)
    if not clips:
        print(f"no clips with references in {args.source}", file=sys.stderr)
        return 66
    if args.realtime:
        return realtime(args, clips)
    model = resolve_model(args.model)
    transcriber = WhisperTranscriber(model)
    from dataclasses import replace

    changed = overrides(args)
    beam = changed.pop("beam_size", None)

    def settings_for(language: str) -> LiveSettings:
        """dictate's live settings for the language, with --set, --interval and --beam-size."""
        settings = LiveSettings.for_language(language)
        settings = replace(settings, stream=replace(settings.stream, **changed))
        return replace(settings, beam_size=int(beam)) if beam else settings

    def streamer_for(language):
        settings = settings_for(language)
        return lambda wrap: make_streamer(transcriber, language, settings, vad=StreamingVad(), wrap=wrap)

    print(f"machine: {machine()}")
    for language in sorted({c.language for c in clips}):
        settings = settings_for(language)
        print(f"model: {model.name} int8; '{language}': live beam {settings.beam_size} "
              f"(last decode {settings.final_beam_size}); {settings.stream}")
    languages = [] if args.bounded_only else sorted({c.language for c in clips})
    header = f"{'lang':<5} {'first p50':>9} {'commit p50':>10} {'p90':>6} {'cpu/s':>6} {'WER live':>8} " \
             f"{'WER off':>7} {'ratio':>6} {'nWER live':>9} {'nWER off':>8} {'nratio':>6} {'CER live':>8} " \
             f"{'CER off':>7}"
    print(header)
    all_commit, all_first, cpu, audio_total = [], [], 0.0, 0.0
    for language in languages:
        mine = [c for c in clips if c.language == language]
        refs, live, offline = [], [], []
        commit, first = [], []
        for clip in mine:
            samples = load_audio(clip.audio).samples
            # 1 s of silence either side, as between two dictations.
            pad = np.zeros(SAMPLE_RATE, dtype=np.float32)
            result = replay(np.concatenate([pad, samples, pad]), streamer_for(language))
            refs.append(clip.reference)
            live.append(" ".join(w.text for w in result.words))
            offline.append(" ".join(w.text for u in transcriber.transcribe(samples, language) for w in u.words))
            commit += result.commit_latency
            first += result.first_partial_latency
            cpu += result.cpu_seconds
            audio_total += result.audio_seconds
        on, off = score(refs, live, language), score(refs, offline, language)
        all_commit += commit
        all_first += first
        print(f"{language:<5} {np.median(first):>9.2f} {np.median(commit):>10.2f} {np.percentile(commit, 90):>6.2f} "
              f"{'':>6} {on.wer:>8.3f} {off.wer:>7.3f} {on.wer / max(off.wer, 1e-9):>6.2f} "
              f"{on.wer_numbers:>9.3f} {off.wer_numbers:>8.3f} {on.wer_numbers / max(off.wer_numbers, 1e-9):>6.2f} "
              f"{on.cer:>8.3f} {off.cer:>7.3f}")
    if languages:
        print(f"{'all':<5} {np.median(all_first):>9.2f} {np.median(all_commit):>10.2f} "
              f"{np.percentile(all_commit, 90):>6.2f} {cpu / audio_total:>6.2f}")

    if args.minutes > 0:
        bounded_cost(clips, args.minutes, streamer_for, load_audio)
    print(SCORES_LEGEND)
    print(f"peak RSS: {peak_rss_mb():.0f} MB")
    print("targets: commit p50 <= 1.5 s, p90 <= 2.5 s; first partial <= 1.0 s; WER ratio <= 1.05; "
          "compute <= 0.6; last-minute decode within 10 % of the first; RSS <= 500 MB")
    return 0


def realtime(args, clips) -> int:
    """The wall-clock tables: one per condition, a row per language, and the long stream."""
    import wallclock

    from dictate.audio.decode import load_audio
    from dictate.speech.models import resolve_model
    from dictate.speech.whisper import StreamingVad, WhisperTranscriber

    def onset_of(samples: np.ndarray) -> float:
        """Where the streamer's own VAD hears speech begin (samples into the clip)."""
        p = StreamingVad()(samples[: len(samples) // 512 * 512])
        hits = np.flatnonzero(p >= 0.5)
        return float(hits[0] * 512) if len(hits) else 0.0

    languages = [lang for lang in args.languages.split(",") if any(c.language == lang for c in clips)]
    audio = {c.audio: load_audio(c.audio).samples for c in clips}
    streams = {lang: wallclock.build_stream([(audio[c.audio], c.reference) for c in clips if c.language == lang],
                                            onset_of) for lang in languages}
    long_language = max(languages, key=lambda lang: streams[lang].seconds)
    long_stream = (wallclock.build_stream([(audio[c.audio], c.reference) for c in clips
                                           if c.language == long_language], onset_of, minutes=args.minutes)
                   if args.minutes > 0 else None)
    conditions = wallclock.CONDITIONS if args.load == "all" else (args.load,)
    model = resolve_model(args.model)
    print(f"machine: {machine()}")
    print(f"model: {model.name} int8; real `dictate listen --realtime` {' '.join(args.listen_arg)}; "
          f"clips joined with {wallclock.PAUSE} s pauses")
    # Each stream as is, then (--ab-env, --variant) otherwise, one right after the other.
    base = overrides(args)
    variants: list[tuple[str, dict[str, str], dict[str, float]]] = [("", {}, base)]
    if base:
        print(f"live settings: {base}")
    if args.ab_env:
        key, _, value = args.ab_env.partition("=")
        variants.append(("+", {key: value}, base))
        print(f"each stream twice: as is, and with {key}={value}")
    for item in args.variant:
        label, settings = parse_variant(item)
        variants.append((f"+{label}", {}, {**base, **settings}))
        print(f"variant {label}: {settings}")
    runs: dict[tuple[str, str], wallclock.WallRun] = {}
    for name in conditions:
        for lang in [] if args.long_only else languages:
            for tag, env, settings in variants:
                runs[name, lang + tag] = wallclock.run_listen(streams[lang], lang, name, model=args.model,
                                                              extra=args.listen_arg, env=env, settings=settings)
        if long_stream is not None:
            for tag, env, settings in variants:
                runs[name, "long" + tag] = wallclock.run_listen(long_stream, long_language, name,
                                                                model=args.model, extra=args.listen_arg, env=env,
                                                                settings=settings)

    # Offline WER after the live runs, so that it does not compete with them for the CPU.
    transcriber = WhisperTranscriber(model)
    offline = {lang: " ".join(w.text for c in clips if c.language == lang
                              for u in transcriber.transcribe(audio[c.audio], lang) for w in u.words)
               for lang in ([] if args.long_only else languages)}
    p = wallclock.percentile
    width = max(6, *(len(f"long{tag}") + 4 for tag, _, _ in variants))
    for name in conditions:
        print(f"\n[{name}]")
        print(f"{'stream':<{width}} {'audio s':>7} {'commit p50':>10} {'p90':>6} {'first p50':>9} {'max':>5} "
              f"{'max lag':>7} {'tail':>5} {'cpu/s':>6} {'RSS MB':>6} {'WER live':>8} {'WER off':>7} "
              f"{'ratio':>6} {'nWER live':>9} {'nWER off':>8} {'nratio':>6} {'words':>5} {'exit':>4} statuses")
        for lang, tag in [(lang, tag) for lang in [*languages, "long"] for tag, _, _ in variants]:
            run = runs.get((name, lang + tag))
            if run is None:
                continue
            stream = streams[lang] if lang != "long" else long_stream
            refs = " ".join(stream.references)
            spoken = lang if lang != "long" else long_language
            on = score([refs], [run.text], spoken)
            if lang != "long":
                off = score([refs], [offline[lang]], spoken)
                accuracy = (f"{on.wer:>8.3f} {off.wer:>7.3f} {on.wer / max(off.wer, 1e-9):>6.2f} "
                            f"{on.wer_numbers:>9.3f} {off.wer_numbers:>8.3f} "
                            f"{on.wer_numbers / max(off.wer_numbers, 1e-9):>6.2f}")
            else:
                accuracy = f"{on.wer:>8.3f} {'-':>7} {'-':>6} {on.wer_numbers:>9.3f} {'-':>8} {'-':>6}"
            label = (lang if lang != "long" else f"{long_language}{args.minutes:g}m") + tag
            print(f"{label:<{width}} {run.audio_seconds:>7.1f} {p(run.commit_latency, 50):>10.2f} "
                  f"{p(run.commit_latency, 90):>6.2f} {p(run.first_partial, 50):>9.2f} "
                  f"{max(run.first_partial, default=float('nan')):>5.2f} {run.max_lag:>7.2f} {run.tail:>5.2f} "
                  f"{run.cpu_per_audio_second:>6.2f} {run.peak_rss_mb:>6.0f} {accuracy} "
                  f"{len(run.commit_latency):>5} {run.exit_code:>4} {','.join(sorted(set(run.statuses))) or '-'}")
    print(SCORES_LEGEND)
    if args.ab_env:
        print(f"a stream marked + ran with {args.ab_env}")
    for item in args.variant:
        print(f"a stream marked +{item.partition(':')[0]} ran with {item.partition(':')[2]}")
    print("\ntargets (idle): commit p50/p90 en <= 1.5/2.5 s, da <= 2.0/3.0 s; first partial <= 1.0 s; "
          "max lag <= 1.5 s; cpu/s <= 0.7; WER ratio <= 1.05. busy and one-core: latency <= 1.5 x idle, "
          "bounded lag, nothing lost")
    return 0


def overrides(args) -> dict[str, float]:
    """The live settings that --set, --interval and --beam-size change, for a --realtime run."""
    settings: dict[str, float] = {}
    for item in args.set:
        name, value = item.split("=", 1)
        settings[name] = float(value)
    if args.interval:
        settings["update_interval"] = args.interval
    if args.beam_size:
        settings["beam_size"] = args.beam_size
    return settings


def parse_variant(text: str) -> tuple[str, dict[str, float]]:
    """'agree80:agreement=80,end_silence=0.6' -> ('agree80', {'agreement': 80.0, 'end_silence': 0.6})."""
    label, sep, body = text.partition(":")
    if not sep or not label or not body:
        raise SystemExit(f"--variant {text!r}: expected LABEL:FIELD=VALUE[,FIELD=VALUE]")
    settings = {}
    for item in body.split(","):
        name, eq, value = item.partition("=")
        if not eq:
            raise SystemExit(f"--variant {text!r}: {item!r} is not FIELD=VALUE")
        settings[name.strip()] = float(value)
    return label, settings


def bounded_cost(clips, minutes, streamer_for, load_audio) -> None:
    """One long stream in one language: does an update cost the same at the end as at the start?"""
    language = max({c.language for c in clips}, key=lambda lang: sum(c.language == lang for c in clips))
    pieces, total, pause = [], 0, np.zeros(int(1.5 * SAMPLE_RATE), dtype=np.float32)
    cycle = [load_audio(c.audio).samples for c in clips if c.language == language]
    rounds = []  # (start, end) in seconds of each complete pass through the clips
    while total < minutes * 60 * SAMPLE_RATE:
        start = total
        for samples in cycle:
            pieces += [samples, pause]
            total += len(samples) + len(pause)
        if total <= minutes * 60 * SAMPLE_RATE:
            rounds.append((start / SAMPLE_RATE, total / SAMPLE_RATE))
    stream = np.concatenate(pieces)[: int(minutes * 60 * SAMPLE_RATE)]
    result = replay(stream, streamer_for(language))
    log = result.decode_log
    first = [(a, seconds) for clock, a, seconds in log if clock < 60]
    last = [(a, seconds) for clock, a, seconds in log if clock >= result.audio_seconds - 60]

    def per_update(rows):
        return np.mean([seconds for _, seconds in rows])

    def per_audio_second(rows):
        # The first and last minute hold different clips; per second of decoded
        # audio the comparison does not depend on which.
        return sum(seconds for _, seconds in rows) / sum(a for a, _ in rows)

    print(f"bounded cost, {minutes:g} min of '{language}' clips with 1.5 s pauses: {len(log)} updates; "
          f"decode per update first minute {per_update(first):.3f} s (n={len(first)}), last minute "
          f"{per_update(last):.3f} s (n={len(last)}), ratio {per_update(last) / per_update(first):.2f}; "
          f"per second of decoded audio {per_audio_second(first):.3f} s vs {per_audio_second(last):.3f} s, "
          f"ratio {per_audio_second(last) / per_audio_second(first):.2f}; "
          f"audio per update max {max(a for _, a, _ in log):.1f} s; compute "
          f"{result.cpu_seconds / result.audio_seconds:.2f} CPU s per audio s")
    if len(rounds) >= 2:
        # The same clips in the same order: the fairest first/last comparison, as it
        # does not depend on which clips fall into a minute.
        def in_round(bounds):
            return [seconds for clock, _, seconds in log if bounds[0] <= clock < bounds[1]]

        early, late = in_round(rounds[0]), in_round(rounds[-1])
        print(f"same clips, first pass vs pass {len(rounds)} ({rounds[-1][0] / 60:.1f}-{rounds[-1][1] / 60:.1f} min): "
              f"{len(early)} vs {len(late)} updates, decode {sum(early):.2f} s vs {sum(late):.2f} s, "
              f"ratio {sum(late) / sum(early):.2f}")


if __name__ == "__main__":
    raise SystemExit(main())
