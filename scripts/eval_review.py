#!/usr/bin/env python3
"""How well the review flags point at the words the model got wrong.

    python scripts/eval_review.py [MANIFEST|FOLDER] [--model base] [--threshold 0.6]

Each clip is transcribed offline (as `dictate transcribe`); the recogniser's
words are aligned with the reference (jiwer, after lower-casing and removing
punctuation). A word is wrong when the alignment substitutes or inserts it. A
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
from pathlib import Path

from evallib import load_clips, machine, normalise

ROOT = Path(__file__).resolve().parent.parent

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--model", default="base")
    parser.add_argument("--threshold", type=float, default=None,
                        help="confidence threshold to try (default: dictate's, 0.6)")
    args = parser.parse_args(argv)

    import jiwer

    from dictate.audio.decode import load_audio
    from dictate.notes import review
    from dictate.speech.models import resolve_model
    from dictate.speech.whisper import WhisperTranscriber

    if args.threshold is not None:
        review.CONFIDENCE_THRESHOLD = args.threshold
    clips = load_clips(args.source)
    if not clips:
        print(f"no clips with references under {args.source}", file=sys.stderr)
        return 66
    transcriber = WhisperTranscriber(resolve_model(args.model))
    counts: dict[str, Counter] = defaultdict(Counter)
    for clip in clips:
        words = [w for u in transcriber.transcribe(load_audio(clip.audio).samples, clip.language) for w in u.words]
        hyp: list[tuple[str, str | None]] = []
        for word in words:
            reason = review.review_reason(word.text, word.probability, clip.language)
            hyp += [(piece, reason) for piece in normalise(word.text).split()]
        reference = normalise(clip.reference)
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
    print(f"machine: {machine()}")
    print(f"model {args.model}, confidence threshold {review.CONFIDENCE_THRESHOLD}")
    print(f"{'lang':<5} {'words':>6} {'wrong':>6} {'flagged':>8} {'recall':>7} {'precision':>9}  by reason "
          "(flags, of which on wrong words)")
    for language, c in sorted(counts.items()):
        recall = c["flagged_wrong"] / c["wrong"] if c["wrong"] else 1.0
        precision = c["flagged_wrong"] / c["flagged"] if c["flagged"] else 1.0
        reasons = ", ".join(f"{r} {c[f'flag_{r}']}/{c[f'flag_{r}_wrong']}" for r in ("uncertain", "negation", "number"))
        print(f"{language:<5} {c['words']:>6} {c['wrong']:>6} {c['flagged']:>8} {recall:>7.3f} {precision:>9.3f}  "
              f"{reasons}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
