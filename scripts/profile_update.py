#!/usr/bin/env python3
"""Where a live update's time goes: features, encoder, decoder (by beam), word alignment.

    python scripts/profile_update.py [--repeats 5] [--threads 0,1,2]

Decodes stretches of real speech from ../shared/eval of the lengths a live update
sees (1, 3 and 6 s), through the same seam as `WhisperTranscriber.decode_chunk`,
and times each step separately (median of `--repeats`). Also times what a session
pays once at start (the model's sha256, loading) and the VAD per second of audio.
Every figure comes from one run on this machine; compare rows, not runs.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
from evallib import load_clips, machine

from dictate.audio import SAMPLE_RATE

ROOT = Path(__file__).resolve().parent.parent


def timed(fn, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        began = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--language", default="da")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", default="0", help="cpu_threads settings to compare (0: CTranslate2's default)")
    parser.add_argument("--seconds", default="1,3,6", help="lengths of audio per update")
    args = parser.parse_args()

    from dictate.audio.decode import load_audio
    from dictate.speech import fasterwhisper as fw
    from dictate.speech.models import resolve_model, sha256_of
    from dictate.speech.whisper import LIVE_MIN_WINDOW, LIVE_TAIL, StreamingVad, WhisperTranscriber

    print(f"machine: {machine()}")
    model = resolve_model("base")
    began = time.perf_counter()
    sha256_of(model.path / "model.bin")
    print(f"once per start: sha256 of model.bin {time.perf_counter() - began:.3f} s", end="")
    began = time.perf_counter()
    WhisperTranscriber(model)
    print(f", loading the model {time.perf_counter() - began:.3f} s")

    clip = next(c for c in load_clips(args.source) if c.language == args.language
                and len(load_audio(c.audio).samples) >= 6 * SAMPLE_RATE)
    speech = load_audio(clip.audio).samples
    vad = StreamingVad()
    block = speech[: len(speech) // 512 * 512]
    seconds, _ = timed(lambda: StreamingVad()(block), args.repeats)
    print(f"VAD: {seconds / (len(block) / SAMPLE_RATE) * 1000:.1f} ms per second of audio")
    del vad

    print(f"\n{'threads':>7} {'audio':>5} {'window':>6} {'features':>8} {'encode':>7} "
          f"{'beam1':>6} {'beam3':>6} {'beam5':>6} {'align':>6}  (ms, median of {args.repeats})")
    for threads in [int(t) for t in args.threads.split(",")]:
        transcriber = WhisperTranscriber(model, cpu_threads=threads)
        m = transcriber._model
        tokenizer = transcriber._tokenizer(args.language)
        prompt = transcriber.prompt_tokens(args.language, "")
        for length in [float(s) for s in args.seconds.split(",")]:
            audio = speech[: int(length * SAMPLE_RATE)]
            for window in ("min10", "fit"):
                minimum = LIVE_MIN_WINDOW if window == "min10" else 0.0
                target = max(len(audio) + int(LIVE_TAIL * SAMPLE_RATE), int(minimum * SAMPLE_RATE))
                padded = np.concatenate([audio, np.zeros(target - len(audio), dtype=np.float32)])
                t_feat, features = timed(lambda: m.feature_extractor(padded), args.repeats)
                t_enc, (encoded, frames) = timed(lambda: fw.encode(m, padded), args.repeats)
                t_enc -= t_feat  # encode() computes the features too
                beams = {}
                decoded = None
                for beam in (1, 3, 5):
                    beams[beam], decoded = timed(lambda: fw.generate(m, tokenizer, encoded, prompt, beam_size=beam,
                                                                     max_length=200), args.repeats)
                t_align, _ = timed(lambda: fw.align(m, tokenizer, decoded.tokens, encoded, frames), args.repeats)
                print(f"{threads:>7} {length:>5.0f} {window:>6} {t_feat * 1000:>8.0f} {t_enc * 1000:>7.0f} "
                      f"{beams[1] * 1000:>6.0f} {beams[3] * 1000:>6.0f} {beams[5] * 1000:>6.0f} "
                      f"{t_align * 1000:>6.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
