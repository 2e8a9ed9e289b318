#!/usr/bin/env python3
"""WER and CER of offline and of live (streaming) transcription on any eval manifest.

    python scripts/eval.py MANIFEST.tsv|FOLDER [--model NAME] [--language da]

MANIFEST is a tab-separated file with at least the columns `lang` and `file`
(the audio, relative to the manifest; the reference text is next to it as
.txt), as in ../shared/eval/MANIFEST.tsv; a FOLDER of LANG/NAME.wav + NAME.txt
works too. Offline is the `dictate transcribe` path; live replays each clip
through the streamer as fast as possible. Scores are jiwer's, after
lower-casing, removing punctuation and collapsing whitespace.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from evallib import load_clips, replay, wer_cer

from dictate.audio import SAMPLE_RATE

ROOT = Path(__file__).resolve().parent.parent

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--model", default="base")
    parser.add_argument("--language", help="only clips in this language")
    args = parser.parse_args(argv)

    from dictate.audio.decode import load_audio
    from dictate.speech.live import make_streamer
    from dictate.speech.models import resolve_model
    from dictate.speech.whisper import StreamingVad, WhisperTranscriber

    clips = [c for c in load_clips(args.source) if not args.language or c.language == args.language]
    if not clips:
        print(f"no clips with reference texts in {args.source}", file=sys.stderr)
        return 66
    transcriber = WhisperTranscriber(resolve_model(args.model))
    print(f"{'lang':<5} {'clips':>5} {'WER offline':>11} {'WER live':>8} {'CER offline':>11} {'CER live':>8}")
    for language in sorted({c.language for c in clips}):
        mine = [c for c in clips if c.language == language]
        offline, live = [], []
        for clip in mine:
            samples = load_audio(clip.audio).samples
            offline.append(" ".join(w.text for u in transcriber.transcribe(samples, language) for w in u.words))
            pad = np.zeros(SAMPLE_RATE, dtype=np.float32)
            result = replay(np.concatenate([pad, samples, pad]),
                            lambda wrap: make_streamer(transcriber, language, vad=StreamingVad(), wrap=wrap))
            live.append(" ".join(w.text for w in result.words))
        refs = [c.reference for c in mine]
        wer_off, cer_off = wer_cer(refs, offline)
        wer_live, cer_live = wer_cer(refs, live)
        print(f"{language:<5} {len(mine):>5} {wer_off:>11.3f} {wer_live:>8.3f} {cer_off:>11.3f} {cer_live:>8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
