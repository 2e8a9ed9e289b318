#!/usr/bin/env python3
"""How well the review flags point at the words the model got wrong.

    python scripts/eval_review.py [MANIFEST|FOLDER] [--model base] [--threshold P | --sweep]

Each clip is transcribed offline (as `dictate transcribe`); the recogniser's
words are aligned with the reference (jiwer, after lower-casing and removing
punctuation), twice: with numbers normalised ("numbers": "24" and "fireogtyve"
are the same word, scripts/numnorm.py), and strictly ("strict"), where every
number the model wrote in digits against a reference in words is wrong. A word
is wrong when the alignment substitutes or inserts it. A
word is flagged when dictate would mark it for review: a negation, a number,
or a probability under the threshold. Recall: wrong words that were flagged /
wrong words. Precision: flagged words that were wrong / flagged words (the
rest of the flags hit correct words; negations and numbers are flagged by
design, right or wrong).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from functools import partial
from pathlib import Path

from evallib import load_clips, machine
from numnorm import number_tokens, strict_tokens

ROOT = Path(__file__).resolve().parent.parent

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--model", default="base")
    parser.add_argument("--threshold", type=float, default=None,
                        help="confidence threshold to try (default: dictate's for the model and language)")
    parser.add_argument("--sweep", action="store_true",
                        help="evaluate thresholds 0.10 ... 0.80 on one transcription of the clips")
    args = parser.parse_args(argv)

    import jiwer

    from dictate.audio.decode import load_audio
    from dictate.notes import review
    from dictate.speech.models import resolve_model
    from dictate.speech.whisper import WhisperTranscriber

    clips = load_clips(args.source)
    if not clips:
        print(f"no clips with references under {args.source}", file=sys.stderr)
        return 66
    model = resolve_model(args.model)
    transcriber = WhisperTranscriber(model)
    # One transcription per clip; each threshold is judged on the same words.
    clip_words = []
    for clip in clips:
        words = [w for u in transcriber.transcribe(load_audio(clip.audio).samples, clip.language) for w in u.words]
        clip_words.append((clip, words))
    print(f"machine: {machine()}")
    if args.sweep:
        thresholds = [round(0.1 * i, 2) for i in range(1, 9)] + [0.25, 0.35, 0.45]
    else:
        thresholds = [args.threshold] if args.threshold is not None else [None]
    print(f"model {args.model}; a word is wrong when the alignment substitutes or inserts it; scoring: numbers = "
          "numbers normalised (digits and spelled-out numbers are the same word), strict = lower-case, no punctuation")
    print(f"{'threshold':>9} {'lang':<5} {'scoring':<7} {'words':>6} {'wrong':>6} {'flagged':>8} {'marked':>7} "
          f"{'recall':>7} {'precision':>9}  by reason (flags, of which on wrong words)")
    for threshold in sorted(thresholds, key=lambda t: -1 if t is None else t):
        for scoring in ("numbers", "strict"):
            counts = score(clip_words, threshold, model.name, jiwer, review, strict=scoring == "strict")
            for language, c in sorted(counts.items()):
                shown = threshold if threshold is not None else review.confidence_threshold(model.name, language)
                recall = c["flagged_wrong"] / c["wrong"] if c["wrong"] else 1.0
                precision = c["flagged_wrong"] / c["flagged"] if c["flagged"] else 1.0
                reasons = ", ".join(f"{r} {c[f'flag_{r}']}/{c[f'flag_{r}_wrong']}"
                                    for r in ("uncertain", "negation", "number"))
                print(f"{shown:>9.2f} {language:<5} {scoring:<7} {c['words']:>6} {c['wrong']:>6} {c['flagged']:>8} "
                      f"{c['flagged'] / c['words']:>7.3f} {recall:>7.3f} {precision:>9.3f}  {reasons}")
    return 0


def score(clip_words, threshold, model_name, jiwer, review, strict: bool = False) -> dict[str, Counter]:  # noqa: ANN001
    counts: dict[str, Counter] = defaultdict(Counter)
    for clip, words in clip_words:
        limit = threshold if threshold is not None else review.confidence_threshold(model_name, clip.language)
        reasons = [review.review_reason(word.text, word.probability, clip.language, limit) for word in words]
        tokens = strict_tokens if strict else partial(number_tokens, language=clip.language)
        # A token made of several words ("hundrede og fyrre" -> 140) is flagged when one of them is.
        hyp = [(t.text, next((reasons[i] for i in t.sources if reasons[i]), None))
               for t in tokens([w.text for w in words])]
        reference = " ".join(t.text for t in tokens(clip.reference.split()))
        if not hyp or not reference:
            continue
        out = jiwer.process_words(reference, " ".join(h for h, _ in hyp))
        wrong = [False] * len(hyp)
        for chunk in out.alignments[0]:
            if chunk.type in ("substitute", "insert"):
                for i in range(chunk.hyp_start_idx, chunk.hyp_end_idx):
                    wrong[i] = True
        c = counts[clip.language]
        for (_, reason), bad in zip(hyp, wrong):
            c["words"] += 1
            c["wrong"] += bad
            if reason:
                c["flagged"] += 1
                c["flagged_wrong"] += bad
                c[f"flag_{reason}"] += 1
                c[f"flag_{reason}_wrong"] += bad
    return counts


if __name__ == "__main__":
    sys.exit(main())
