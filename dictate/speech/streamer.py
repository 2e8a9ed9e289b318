"""Live transcription logic: audio frames in, Partial and Commit events out.

Pure logic around two callables, so unit tests can drive it with fakes:

- `transcribe(audio, prompt) -> list[Word]` decodes a stretch of audio (word
  times relative to its start);
- `vad(audio) -> probabilities`, one speech probability per 512 samples.

How it works (after ufal/whisper_streaming):

- Voice activity gates everything: silence is never decoded, and an
  utterance ends after `end_silence` seconds without speech.
- While an utterance goes on, its unconfirmed audio is re-decoded every
  `update_interval` seconds, or every `steady_interval` while the decodes
  agree. A word is committed once two consecutive decodes agree on it
  (LocalAgreement-2); the rest is shown as a Partial.
- The buffer is trimmed at committed words so that it never holds more than
  `max_buffer` seconds: the cost of an update stays bounded however long the
  dictation runs.
- At the end of an utterance the rest is decoded once more and committed. A
  short utterance soon after another is settled hearing the speech before it
  (`lead_in`): Whisper mishears short utterances alone.
- The prompt is the last ~200 characters of committed text.

Keeping up with the speaker on any CPU (see `StreamSettings.decode_budget`):
the streamer times its own decodes and knows how far it is behind the audio
(`lag`). Updates of an unfinished utterance are for the eye, so they give way:
they come less often when a decode is expensive, and wait while audio that
arrived during the last decode is still being taken in, so an update is never
made on stale audio. Decodes that commit words (at a pause, at the end of an
utterance) are never skipped. When even a sparse rhythm cannot keep up, live
updates stop (`too_slow`) and the words come at pauses; nothing is lost.
"""

from __future__ import annotations

import math
import re
import time
from collections import deque
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Callable, Union

import numpy as np
from rapidfuzz import fuzz

from dictate.audio import SAMPLE_RATE
from dictate.words import Word, join_words

VAD_CHUNK = 512  # Silero VAD works on 32 ms chunks at 16 kHz

#: transcribe(audio, prompt, final=False): `final` marks the last decode of an
#: utterance, which may afford a wider beam.
ChunkTranscriber = Callable[..., list[Word]]
VoiceActivity = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class StreamSettings:
    #: Seconds of audio between two decodes of an unfinished utterance. Danish
    #: uses 0.6 s (with end_silence 0.6 and agreement 80; `live.LANGUAGE_RHYTHM`);
    #: for English that once changed the live test dictation's words, and English
    #: meets its targets with 1.0 s.
    update_interval: float = 1.0
    #: While decodes agree, the next one comes after this much audio instead.
    #: When the model hears the speaker clearly (English on the eval set), a
    #: sooner second opinion commits words sooner at no cost in accuracy; when
    #: it keeps changing its mind (Danish with base), early agreement between
    #: decodes of nearly the same audio is where wrong words got committed, so
    #: there the rhythm stays at `update_interval`. 0 turns it off.
    steady_interval: float = 0.6
    #: The first decode of an utterance comes sooner, so words show up quickly.
    first_update: float = 0.5
    max_buffer: float = 15.0
    #: Past this much audio the buffer is cut at the last committed word, which
    #: keeps updates cheap; `max_buffer` is the hard limit for run-on speech.
    trim_at: float = 8.0
    end_silence: float = 0.7
    #: Speech starts when the probability reaches `vad_onset` and goes on while it
    #: stays above `vad_offset` (hysteresis, so a soft syllable does not end it).
    vad_onset: float = 0.5
    vad_offset: float = 0.35
    #: A word is committed only once this much audio follows it, so a word the
    #: model has barely heard is not made final. (No measurable effect on the
    #: shared eval set, where most commits come at the end of an utterance.)
    commit_holdback: float = 0.5
    #: Audio kept from before the onset, so the first consonant is not clipped.
    pre_roll: float = 0.3
    #: After an earlier utterance, up to this much of the pause before the next
    #: one is decoded with it. Measured on tests/data/en_live.wav: a short
    #: command after a pause was heard as "and out" with 0.3 s before it and as
    #: "end note" with the pause; for the first utterance of a stream a long
    #: lead-in of silence did harm (Danish WER 0.54 -> 0.83), so it gets pre_roll.
    context: float = 3.0
    #: Whisper hears a short utterance alone far worse than in the flow of speech:
    #: live, "End note." after a sentence and a pause came out as "And load." or
    #: "In that note.", which offline transcription heard right. So the decodes that
    #: settle an utterance of less than `lead_in_below` seconds of audio, begun within
    #: `context` of the speech before it, hear up to `lead_in` seconds of the stream
    #: before it too (speech included); what they hear there was committed already.
    #: On the English command set live recall went from 0.64 to 0.76 (docs/benchmarks.md),
    #: with Danish and English dictation unchanged. Longer utterances have context of
    #: their own, and a lead-in for them cost Danish 0.2-0.3 s of commit latency. 0 turns it off;
    #: it is left out while the streamer is behind the speaker (`max_lag`) or `too_slow`.
    lead_in: float = 5.0
    lead_in_below: float = 2.5
    prompt_chars: int = 200
    #: A decode that says its prompt again (`echoes`) is made once more without it.
    echo_retry: bool = True
    #: How alike two decodes' words must be to agree (rapidfuzz ratio, 100 = equal).
    #: Whisper base often respells a Danish word between decodes ("hjørn" /
    #: "hjørne"); Danish uses 80 (`live.LANGUAGE_RHYTHM`), which lets such words agree.
    agreement: float = 100.0
    #: Utterances shorter than this are noise bursts (a cough, a click).
    min_utterance: float = 0.25
    #: A pause this long inside an utterance settles what was said before it: the
    #: audio so far is decoded as at the end of an utterance (with the wider beam)
    #: and committed, while the utterance itself (for spoken commands) goes on
    #: until `end_silence`. Base changes its mind about Danish words from one
    #: update to the next, so few Danish words are settled by agreement; a pause
    #: is the next natural point. 0 turns it off.
    pause_commit: float = 0.4
    #: Updates of an unfinished utterance may take at most this share of the
    #: time. While an update costs no more than `decode_budget * update_interval`
    #: (0.5 s), the rhythm above stands, so a machine that keeps up gives the
    #: same words from the same audio every time. Past that, updates are spaced
    #: in steps of `spacing_step` to cost/budget, and come back when the cost
    #: falls a quarter below a step (hysteresis: no flapping on a noisy machine).
    #: The rest of the time is left for audio, the decodes that commit, and the view.
    decode_budget: float = 0.5
    spacing_step: float = 0.5
    #: An update waits while the streamer is more than this behind the audio
    #: (seconds of audio waiting to be taken in): it would show stale words,
    #: and the decodes that commit come first. Above the longest decode of a
    #: machine that keeps up (about 1 s for a retried beam-5 decode), so that
    #: such a machine never skips one.
    max_lag: float = 1.0
    #: When updates would have to be this far apart to keep up, the machine is
    #: too slow for live display: updates stop and words come at pauses.
    too_slow_interval: float = 3.0


@dataclass(frozen=True)
class Partial:
    """Words that may still change; for display only."""

    words: tuple[Word, ...]
    #: Stream time (seconds of audio consumed) when the event was emitted.
    emitted_at: float

    @property
    def text(self) -> str:
        return join_words(self.words)


@dataclass(frozen=True)
class Commit:
    """Final words, in order, never repeated. Commits alone rebuild the note."""

    words: tuple[Word, ...]
    end_of_utterance: bool
    emitted_at: float

    @property
    def text(self) -> str:
        return join_words(self.words)


StreamEvent = Union[Partial, Commit]


def _key(text: str) -> str:
    return re.sub(r"[^\w]+", "", text.casefold())


def _norm(word: Word) -> str:
    return _key(word.text)


def agreed_prefix(previous: list[Word], current: list[Word], similarity: float = 100.0) -> int:
    """How many leading words two hypotheses agree on (LocalAgreement-2).

    With `similarity` below 100, words count as the same when their rapidfuzz
    ratio reaches it ("hjørn" / "hjørne"); the newer decode's spelling is the
    one committed.
    """
    n = 0
    for a, b in zip(previous, current):
        x, y = _norm(a), _norm(b)
        if x != y and (similarity >= 100.0 or fuzz.ratio(x, y) < similarity):
            break
        n += 1
    return n


def _drop_overlap(committed: list[Word], words: list[Word], longest: int = 5) -> list[Word]:
    """Drop a head of `words` that repeats the tail of what was committed.

    Word times are approximate, so a committed word near the cut can come back
    in the next decode; comparing the text of up to 5 words catches it.
    """
    tail = [_norm(w) for w in committed]
    head = [_norm(w) for w in words]
    for n in range(min(longest, len(tail), len(head)), 0, -1):
        if tail[-n:] == head[:n]:
            return words[n:]
    return words


def _after_heard_again(before: list[Word], words: list[Word]) -> list[Word]:
    """The words after the last run that repeats `before` (the committed words in a lead-in):
    a decode that also hears a lead-in writes those words first, and sometimes gives them
    times after it. A run counts from three words, or two at the start of the decode;
    a shorter one ("on her") may be what the speaker says next."""
    old = [_norm(w) for w in before]
    new = [_norm(w) for w in words]
    last = 0
    for _, b, size in SequenceMatcher(None, old, new, autojunk=False).get_matching_blocks():
        if size >= 3 or (size == 2 and b <= 1):
            last = max(last, b + size)
    return words[last:]


#: Whisper saying its prompt again shows as a run of at least this many of the prompt's
#: words, ECHO_UNTIMED of them squeezed into no time at all: the model wrote them, but
#: found no audio for them ("the[6.17-6.17] past[6.17-6.17] detail.[6.17-6.17]") ...
ECHO_WORDS = 3
ECHO_UNTIMED = 2
#: ... or as a run this long, whatever its times ("woke up twice during the night.
#: Scratch that." again, where the speaker said "Auto text catheter care."). A speaker
#: hardly says five words of the last sentences again in a row; when one does, the
#: decode without the prompt hears them too.
ECHO_LONG = 5


def echoes(words: list[Word], prompt: str) -> bool:
    """Whether `words` say a run of the prompt again without audio for it."""
    said = [k for k in map(_key, prompt.split()) if k]
    runs = {tuple(said[i:i + ECHO_WORDS]) for i in range(len(said) - ECHO_WORDS + 1)}
    keys = [_norm(w) for w in words]
    for i in range(len(keys) - ECHO_WORDS + 1):
        if tuple(keys[i:i + ECHO_WORDS]) not in runs:
            continue
        # The run as long as it goes on repeating the prompt.
        j = i + ECHO_WORDS
        while j < len(keys) and tuple(keys[j - ECHO_WORDS + 1:j + 1]) in runs:
            j += 1
        if j - i >= ECHO_LONG or sum(w.end - w.start < 0.02 for w in words[i:j]) >= ECHO_UNTIMED:
            return True
    return False


#: A phrase of this many words said twice in a row is Whisper repeating itself
#: into the silence after a short utterance ("Left lower leg. Left lower leg."),
#: not the speaker: people repeat a word ("nej, nej"), hardly ever a phrase.
MIN_REPEATED_PHRASE = 3


def without_repetition(words: list[Word], max_repeats: int = 3, max_ngram: int = 4) -> list[Word]:
    """Cut a hypothesis where an n-gram starts repeating itself more than `max_repeats` times,
    or where a phrase of three or more words comes twice in a row.

    Whisper's failure mode on unclear audio is a loop ("og og og og ..."); this
    is the backstop that keeps such a loop out of the note.
    """
    keys = [_norm(w) for w in words]
    for start in range(len(keys)):
        for n in range(MIN_REPEATED_PHRASE, (len(keys) - start) // 2 + 1):
            phrase = keys[start:start + n]
            # "og så og så" is a short loop, left to the n-gram rule below.
            if len(set(phrase)) >= MIN_REPEATED_PHRASE and phrase == keys[start + n:start + 2 * n]:
                return words[:start + n]
    for start in range(len(keys)):
        for n in range(1, max_ngram + 1):
            gram = keys[start:start + n]
            if len(gram) < n:
                break
            repeats = 1
            pos = start + n
            while keys[pos:pos + n] == gram:
                repeats += 1
                pos += n
            if repeats > max_repeats:
                return words[:start + n * max_repeats]
    return words


@dataclass
class Streamer:
    transcribe: ChunkTranscriber
    vad: VoiceActivity
    config: StreamSettings = field(default_factory=StreamSettings)
    #: Wall clock for decode costs and lag; tests and replays on a simulated clock pass theirs.
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self._pending = np.zeros(0, dtype=np.float32)   # not yet through the VAD
        self._consumed = 0                               # samples through the VAD
        # The latest audio before an utterance, kept as its lead-in (`pre_roll`, `context`).
        self._recent: deque[np.ndarray] = deque(
            maxlen=math.ceil((max(self.config.pre_roll, self.config.context) + self.config.lead_in)
                             * SAMPLE_RATE / VAD_CHUNK) + 1)
        self._outside = 0                                # samples since the last utterance ended
        self._lead_in = np.zeros(0, dtype=np.float32)    # the stream just before the buffer
        self._buffer: list[np.ndarray] = []              # the utterance's unconfirmed audio
        self._buffer_samples = 0
        self._buffer_start = 0                           # absolute sample of buffer[0]
        self._in_utterance = False
        self._speech_samples = 0
        self._silence = 0
        self._since_decode = 0
        self._hypothesis: list[Word] = []                # last decode's uncommitted words
        self._committed_end = 0.0                        # absolute seconds
        self._committed_words: list[Word] = []
        self._onset: float | None = None
        self._last_speech_end: int | None = None         # absolute sample
        self._speech_since_commit = 0                    # speech samples not yet settled at a pause
        self._interval = self.config.update_interval     # seconds to the next update
        self.decodes = 0
        self.echo_retries = 0                            # decodes made again without the prompt (echo)
        self._origin: float | None = None                # wall time at which audio time 0 was spoken
        self._update_cost: float | None = None           # smoothed wall seconds of one update
        self._spacing = 0.0                              # 0: the configured rhythm; else seconds between updates
        self._updates_timed = 0
        self.too_slow = False
        self.updates_skipped = 0

    # -- public API ------------------------------------------------------------

    @property
    def stream_time(self) -> float:
        return self._consumed / SAMPLE_RATE

    @property
    def in_utterance(self) -> bool:
        return self._in_utterance

    @property
    def lag(self) -> float:
        """Seconds of audio that have arrived but are not yet taken in (0 when keeping up)."""
        if self._origin is None:
            return 0.0
        return max(0.0, self.clock() - self._origin - (self._consumed + len(self._pending)) / SAMPLE_RATE)

    def resync(self) -> None:
        """The audio had a gap (a pause that dropped or held audio): start measuring lag afresh."""
        self._origin = None

    @property
    def utterance_onset(self) -> float | None:
        """Stream time at which the current (or last) utterance's speech began."""
        return self._onset

    def feed(self, frames: np.ndarray) -> list[StreamEvent]:
        """Take any number of new samples (float32, mono, 16 kHz)."""
        samples = np.concatenate([self._pending, np.asarray(frames, dtype=np.float32).reshape(-1)])
        # The audio up to here has been spoken by now: the earliest such moment
        # over the stream is when audio time 0 was (fetching late never moves it).
        spoken = self.clock() - (self._consumed + len(samples)) / SAMPLE_RATE
        self._origin = spoken if self._origin is None else min(self._origin, spoken)
        whole = len(samples) // VAD_CHUNK * VAD_CHUNK
        self._pending = samples[whole:]
        if not whole:
            return []
        chunks = samples[:whole].reshape(-1, VAD_CHUNK)
        probabilities = self._voice(samples[:whole])
        events: list[StreamEvent] = []
        for chunk, p in zip(chunks, probabilities):
            events.extend(self._step(chunk, float(p)))
        return events

    def finish(self) -> list[StreamEvent]:
        """End of stream: flush what is left as a final commit."""
        events: list[StreamEvent] = []
        if len(self._pending):
            padded = np.concatenate([self._pending,
                                     np.zeros(VAD_CHUNK - len(self._pending), dtype=np.float32)])
            self._pending = np.zeros(0, dtype=np.float32)
            events.extend(self.feed(padded))
        if self._in_utterance:
            events.extend(self._end_utterance())
        return events

    # -- steps -----------------------------------------------------------------

    def _voice(self, audio: np.ndarray) -> np.ndarray:
        probabilities = np.asarray(self.vad(audio), dtype=np.float32).reshape(-1)
        if len(probabilities) != len(audio) // VAD_CHUNK:
            raise ValueError("the VAD must give one probability per 512 samples")
        return probabilities

    def _step(self, chunk: np.ndarray, p: float) -> list[StreamEvent]:
        self._consumed += len(chunk)
        cfg = self.config
        if not self._in_utterance:
            if p >= cfg.vad_onset:
                self._start_utterance(chunk)
                return []
            self._recent.append(chunk)
            self._outside += len(chunk)
            return []

        self._recent.append(chunk)
        self._append(chunk)
        if p >= cfg.vad_offset:
            self._silence = 0
            self._speech_samples += len(chunk)
            self._speech_since_commit += len(chunk)
        else:
            self._silence += len(chunk)
        if self._silence >= cfg.end_silence * SAMPLE_RATE:
            return self._end_utterance()
        events: list[StreamEvent] = []
        if (cfg.pause_commit and self._silence >= cfg.pause_commit * SAMPLE_RATE
                and self._silence - len(chunk) < cfg.pause_commit * SAMPLE_RATE
                and self._speech_since_commit >= cfg.min_utterance * SAMPLE_RATE):
            return self._settle_at_pause()
        if (self._since_decode >= self._interval * SAMPLE_RATE
                and self._speech_samples >= cfg.min_utterance * SAMPLE_RATE and self._update_due()):
            events.extend(self._update())
        if self._buffer_samples > cfg.max_buffer * SAMPLE_RATE:
            events.extend(self._trim())
        elif self._buffer_samples > cfg.trim_at * SAMPLE_RATE:
            self._cut(self._committed_end)
        return events

    def _update_due(self) -> bool:
        """Whether an update of the unfinished utterance may run now (see the module docstring)."""
        if self.too_slow:
            return False
        if self.lag > self.config.max_lag:
            self.updates_skipped += 1
            return False
        return True

    def _timed_update_cost(self, seconds: float) -> None:
        """Learn what an update costs here and space the updates to fit `decode_budget`."""
        cfg = self.config
        self._updates_timed += 1
        # The first decode of a session warms the model up; it says little.
        if self._updates_timed == 1 or not cfg.decode_budget:
            return
        self._update_cost = seconds if self._update_cost is None else 0.7 * self._update_cost + 0.3 * seconds
        needed = self._update_cost / cfg.decode_budget
        step = cfg.spacing_step
        if needed > max(self._spacing, cfg.update_interval):
            self._spacing = math.ceil(needed / step) * step
        elif self._spacing and needed < 0.75 * self._spacing:
            self._spacing = 0.0 if needed <= 0.75 * cfg.update_interval else math.ceil(needed / step) * step
        if self._updates_timed >= 3 and self._spacing > cfg.too_slow_interval:
            self.too_slow = True

    def _spaced(self, interval: float) -> float:
        """`interval`, or the spacing the machine needs (see `decode_budget`)."""
        return max(interval, self._spacing) if self._spacing else interval

    def _start_utterance(self, chunk: np.ndarray) -> None:
        self._in_utterance = True
        self._onset = (self._consumed - len(chunk)) / SAMPLE_RATE
        # A longer lead-in only after an earlier utterance (see `context`).
        keep, lead = int(self.config.pre_roll * SAMPLE_RATE), 0
        if self._last_speech_end is not None:
            since = self._consumed - len(chunk) - self._last_speech_end
            if since < self.config.context * SAMPLE_RATE:
                keep = int(self.config.context * SAMPLE_RATE)
                lead = int(self.config.lead_in * SAMPLE_RATE)
        recent = np.concatenate(self._recent) if self._recent else np.zeros(0, dtype=np.float32)
        keep = min(keep, self._outside, len(recent))
        pre_roll = recent[len(recent) - keep:]
        before = recent[:len(recent) - keep]
        self._lead_in = before[max(0, len(before) - lead):] if lead else before[:0]
        self._buffer = [pre_roll, chunk] if len(pre_roll) else [chunk]
        self._buffer_samples = sum(len(b) for b in self._buffer)
        self._buffer_start = self._consumed - self._buffer_samples
        self._recent.append(chunk)
        self._speech_samples = len(chunk)
        self._speech_since_commit = len(chunk)
        self._silence = 0
        # Count the first update from an earlier start, so it comes after `first_update`.
        self._since_decode = len(chunk) + int((self.config.update_interval - self.config.first_update)
                                              * SAMPLE_RATE)
        self._hypothesis = []
        # The first update keeps its time (`first_update`) on any machine: it shows
        # that speech was heard. The spacing applies from the second on.
        self._interval = self.config.update_interval

    def _append(self, chunk: np.ndarray) -> None:
        self._buffer.append(chunk)
        self._buffer_samples += len(chunk)
        self._since_decode += len(chunk)

    def _audio(self) -> np.ndarray:
        if len(self._buffer) > 1:
            self._buffer = [np.concatenate(self._buffer)]
        return self._buffer[0] if self._buffer else np.zeros(0, dtype=np.float32)

    def _decode(self, final: bool = False) -> list[Word]:
        """Decode the buffer; return the new words (absolute times) after what is committed."""
        self._since_decode = 0
        audio = self._audio()
        if not len(audio):
            return []
        # The lead-in makes a decode longer: on a machine that is behind the speaker, or too
        # slow for live updates, the settling decodes go without it; keeping up comes first.
        if (final and len(self._lead_in) and len(audio) < self.config.lead_in_below * SAMPLE_RATE
                and not self.too_slow and self.lag <= self.config.max_lag):
            words = self._hear(np.concatenate([self._lead_in, audio]), self._buffer_start - len(self._lead_in),
                               final)
            if words:
                return words
            # Nothing new heard with the lead-in (the model took it all for what
            # was said before, or for silence): the utterance alone, as without one.
        return self._hear(audio, self._buffer_start, final)

    def _hear(self, audio: np.ndarray, start: int, final: bool) -> list[Word]:
        """Decode `audio`, which begins at absolute sample `start`; the new words."""
        self.decodes += 1
        # The prompt is committed text from before the audio. Text that is
        # also in the audio stays out of it: Whisper tends to skip audio whose
        # words it was just given, and that audio is what it must align.
        before = start / SAMPLE_RATE + 0.05
        prompt = join_words(w for w in self._committed_words if w.end <= before)
        prompt = prompt[-self.config.prompt_chars:]
        offset = start / SAMPLE_RATE
        decoded = self.transcribe(audio, prompt, final=final)
        if not decoded and prompt and self._speech_samples >= self.config.min_utterance * SAMPLE_RATE:
            # A long prompt sometimes convinces Whisper that all was said
            # already; one retry without it costs less than a lost sentence.
            decoded = self.transcribe(audio, "", final=final)
        elif prompt and self.config.echo_retry and echoes(decoded, prompt):
            # Whisper wrote its prompt again where the speaker said something new
            # ("Scratch that." once more: a false undo). The words it had no audio
            # for give it away; once more without the prompt hears the audio.
            self.echo_retries += 1
            decoded = self.transcribe(audio, "", final=final)
        words = [Word(w.text, w.start + offset, w.end + offset, w.probability) for w in decoded]
        # What the model hears again before the end of the committed words was
        # committed already (the buffer keeps committed audio for context).
        floor = self._committed_end - 0.1
        if start < self._buffer_start:
            # With a lead-in that is earlier utterances, so they go first: a phrase
            # said again after it ("afslut notat", twice) is no repetition. (Not the
            # buffer's start: a decode with a lead-in may place the first new word
            # a few tenths early, into the pause.) The model may also place words it
            # heard again late, so they go by their text too.
            heard_before = [w for w in self._committed_words if w.end > start / SAMPLE_RATE - 0.1]
            words = [w for w in _after_heard_again(heard_before, words) if w.start >= floor]
        # Repetition is judged on the whole decode: a phrase repeated into the
        # silence may have its first copy partly committed already.
        words = without_repetition(words)
        words = [w for w in words if w.start >= floor]
        # Only words whose audio is still in the buffer can come back: a new utterance
        # that says the last one again ("afslut notat", twice, to confirm) is new text.
        in_buffer = self._buffer_start / SAMPLE_RATE - 0.1
        words = _drop_overlap([w for w in self._committed_words[-5:] if w.end > in_buffer], words)
        return without_repetition(words)

    def _update(self) -> list[StreamEvent]:
        began = self.clock()
        current = self._decode()
        self._timed_update_cost(self.clock() - began)
        n = agreed_prefix(self._hypothesis, current, self.config.agreement)
        # Steady: this decode confirmed all the last one said, except perhaps its
        # last word, which was cut off by the end of the audio then.
        steady = n > 0 and n >= len(self._hypothesis) - 1
        self._interval = self._spaced(self.config.steady_interval if steady and self.config.steady_interval
                                      else self.config.update_interval)
        settled = (self._buffer_start + self._buffer_samples) / SAMPLE_RATE - self.config.commit_holdback
        while n and current[n - 1].end > settled:
            n -= 1
        events: list[StreamEvent] = []
        if n:
            events.append(self._commit(current[:n], end_of_utterance=False))
        self._hypothesis = current[n:]
        events.append(Partial(tuple(self._hypothesis), self.stream_time))
        return events

    def _settle_at_pause(self) -> list[StreamEvent]:
        """Commit everything said before a pause, decoded as carefully as an utterance's end."""
        self._speech_since_commit = 0
        settled = self._decode(final=True)
        self._hypothesis = []
        events: list[StreamEvent] = []
        if settled:
            events.append(self._commit(settled, end_of_utterance=False))
        events.append(Partial((), self.stream_time))
        return events

    def _end_utterance(self) -> list[StreamEvent]:
        cfg = self.config
        events: list[StreamEvent] = []
        # Nothing said since a pause settled it all: the utterance just ends.
        unsettled = not cfg.pause_commit or self._speech_since_commit > 0
        final = self._decode(final=True) if (self._speech_samples >= cfg.min_utterance * SAMPLE_RATE
                                             and unsettled) else []
        if final or self._committed_in_utterance():
            events.append(self._commit(final, end_of_utterance=True))
        self._in_utterance = False
        self._last_speech_end = self._consumed - self._silence
        self._outside = 0
        self._buffer, self._buffer_samples = [], 0
        self._hypothesis = []
        self._silence = 0
        return events

    def _committed_in_utterance(self) -> bool:
        return self._onset is not None and self._committed_end > self._onset

    def _trim(self) -> list[StreamEvent]:
        """Keep the buffer bounded: cut it at the last committed word.

        If nothing could be committed for `max_buffer` seconds (a run-on
        without agreement), the current hypothesis is committed as it stands,
        so the cost per update stays bounded.
        """
        events: list[StreamEvent] = []
        cut = self._committed_end
        if cut <= self._buffer_start / SAMPLE_RATE + 1.0:
            forced = self._hypothesis or self._decode()
            if forced:
                events.append(self._commit(forced, end_of_utterance=False))
                self._hypothesis = []
            cut = max(self._committed_end, self.stream_time - self.config.max_buffer / 2)
        self._cut(cut)
        return events

    def _cut(self, seconds: float) -> None:
        """Drop buffered audio before `seconds` (absolute)."""
        drop = int(seconds * SAMPLE_RATE) - self._buffer_start
        if drop > 0:
            self._lead_in = self._lead_in[:0]  # no longer next to the buffer
            audio = self._audio()
            self._buffer = [audio[drop:]]
            self._buffer_samples = len(self._buffer[0])
            self._buffer_start += drop

    def _commit(self, words: list[Word], end_of_utterance: bool) -> Commit:
        if words:
            self._committed_end = max(self._committed_end, words[-1].end)
            self._committed_words = (self._committed_words + list(words))[-200:]
        return Commit(tuple(words), end_of_utterance, self.stream_time)
