"""Turn recognised utterances into note edits. Pure: no audio, no I/O.

- Spoken marks ("punktum", "komma", "ny linje") become punctuation wherever
  they stand as words, except after an article ("et punktum"), where they are
  nouns.
- Structural commands (auto-text, next/previous field, undo, end note) act only
  when they stand alone: a whole utterance, a whole sentence of one, or a stretch
  between pauses, the way Dragon separates commands by pauses: "hun har fortrudt"
  stays text.
- A heading command ("overskrift ernæring") acts at the start of an utterance,
  a sentence or a stretch after a pause, and may be followed by text in the same
  breath.
- The pause is what the speaker did; the recogniser's punctuation is a guess
  ("this morning, heading nutrition." on one CPU, "this morning. Heading
  nutrition." on another). So a gap of PAUSE seconds between two words' times
  counts as a boundary too.
- A misheard heading command ("Having nutrition.", "Head and sleep.",
  "Headingskin.") counts only as a whole sentence with a close heading name, and
  never in a sentence with a subject ("He didn't sleep.") or from a word that
  begins with another consonant ("Reading the paper.").
- Auto-text triggers are fuzzy-matched (rapidfuzz); a trigger is inserted only
  when it scores above a threshold and beats every other auto-text by a
  margin. Near ties are offered as a choice, never inserted.
- Numbers in words become digits and units their abbreviations (numbers.py);
  near-miss care terms are snapped to the vocabulary (correction.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz, process

from dictate.catalog.autotexts import AutoText
from dictate.catalog.commands import CommandSet
from dictate.catalog.layouts import Layout
from dictate.catalog.phrases import normalise as _normalise
from dictate.catalog.phrases import squash as _squash
from dictate.interpret.correction import Corrector
from dictate.interpret.edits import (
    AddMark,
    AddWord,
    Edit,
    EndNote,
    GoToSection,
    InsertAutoText,
    NextField,
    PreviousField,
    Undo,
    UnknownHeading,
)
from dictate.interpret.numbers import find_numbers
from dictate.interpret.soundalike import CLEAR, begins_like, loose_keyword_score
from dictate.words import ABBREVIATIONS, Utterance, Word

#: Minimum rapidfuzz ratio for the command word itself ("overskrif" still counts); below it
#: a word is at best a misheard command word (soundalike.CLEAR).
KEYWORD_THRESHOLD = CLEAR
#: ... and for a notice that the heading's name matched none, or was missing: "Heating
#: pad." and "Heeding." (85.7) are not a nurse asking for a heading; "overskrif" (94.7)
#: and "headings" (93.3) are.
NOTICE_KEYWORD_THRESHOLD = 90.0
#: Minimum ratio for the spoken heading name against a heading or alias.
HEADING_THRESHOLD = 80.0
#: When the command is the whole sentence ("Having nutrition." for "Heading
#: nutrition.", a typical mishearing of a short command), a looser command word
#: is accepted if the heading name matches closely.
LOOSE_KEYWORD_THRESHOLD = 60.0
LOOSE_HEADING_THRESHOLD = 88.0
#: ... and must be heard as at least this many letters: "head" is a word of its own.
MIN_LOOSE_KEYWORD_LETTERS = 5
#: Longest heading name, in words, that is tried after the command word.
MAX_HEADING_WORDS = 6
#: A heading command whose name matches none offers the closest headings scoring at
#: least this much, at most CANDIDATES of them. Unrelated words score about 30-56
#: against the FSIII and SOAP names ("kaffemaskine": 50, "subjective" in FSIII: 46);
#: near misses 60 and up ("hjerte" -> smerte 67, "plan" -> pain 75, "objection" -> objective 78).
CANDIDATE_THRESHOLD = 60.0
CANDIDATES = 3
#: An auto-text trigger must score this much, and beat the best trigger of any
#: other auto-text by MARGIN; otherwise the candidates are offered as a choice.
AUTOTEXT_THRESHOLD = 78.0
AUTOTEXT_MARGIN = 8.0
#: When only the end of the auto-text keyword was heard ("… text skin check"), the trigger
#: must match at least this well.
LOOSE_TRIGGER_THRESHOLD = 90.0
#: An auto-text keyword bent into one word must end in this many of its letters ("ogotext").
LOOSE_KEYWORD_END = 5
#: A gap between two words at least this long (s) is a pause: a command may start after it.
#: Within ordinary sentences of the eval clips, gaps of 0.3 s and more come only at
#: commas (4 of 334 word pairs); a nurse pauses about 0.4-1 s around a command.
PAUSE = 0.3
#: A sentence that starts with one of these is a sentence, not a misheard heading command:
#: base hears "Heading sleep." as "He didn't sleep.", which a nurse also says.
_SUBJECTS = frozenset({"he", "she", "they", "we", "i", "you", "it",
                       "han", "hun", "de", "vi", "jeg", "du", "den", "det", "man"})

_SPLIT = re.compile(r"^(\W*)(.*?)(\W*)$", re.DOTALL)
_SENTENCE_END = ".?!"


def command_threshold(length: int, words: int = 1) -> float:
    """Long command phrases may differ by a few more letters than short ones.

    One wrong letter in a seven-letter command ("and note" for "end note",
    "slæt det") scores about 86 and must still count; "fortrudt" against
    "fortryd" scores 80 and must not. A command of two or more words has more
    to go by, and Whisper bends one of its words ("and do that" for "undo that"
    82, "next feel" for "next field" 84, on the audio set of
    scripts/eval_command_audio.py): 81 there, above "and that" (80).
    """
    if words > 1:
        return 81.0
    return 85.0 if length <= 12 else 82.0


@dataclass(frozen=True)
class _Token:
    word: Word
    lead: str
    core: str
    trail: str

    @property
    def norm(self) -> str:
        return _normalise(self.core)

    @property
    def ends_sentence(self) -> bool:
        if not any(c in self.trail for c in _SENTENCE_END):
            return False
        return self.core.casefold() not in ABBREVIATIONS

    @property
    def display(self) -> str:
        return f"{self.lead}{self.core}{self.trail}"


@dataclass(frozen=True)
class Notice:
    """Something the person should know. `message` holds no transcript text: it is logged.

    `choices` holds auto-text ids when a trigger was a near tie between them.
    """

    at: float
    message: str
    choices: tuple[str, ...] = ()
    #: stable id for views that say it in the user's language ("autotext_choice", ...)
    code: str = ""
    #: "heading_unknown": the words taken for the heading's name. Transcript text: for the
    #: screen, stdout and the note only, never for a log
    heard: str = ""
    #: "heading_unknown": the closest headings as (section key, heading), best first
    candidates: tuple[tuple[str, str], ...] = ()


def _sentence_ends_at(tokens: list[_Token], end: int) -> bool:
    """tokens[:end] ends a sentence: the last token, or one with a sentence mark."""
    return end >= len(tokens) or tokens[end - 1].ends_sentence


def _tokens(utterance: Utterance) -> list[_Token]:
    tokens = []
    for word in utterance.words:
        text = word.text.strip()
        if not text:
            continue
        lead, core, trail = _SPLIT.match(text).groups()  # type: ignore[union-attr]
        if not core:  # a bare punctuation token from the recogniser
            lead, core, trail = "", "", text
        tokens.append(_Token(word, lead, core, trail))
    return tokens


def _pause_before(tokens: list[_Token], i: int) -> bool:
    return i > 0 and tokens[i].word.start - tokens[i - 1].word.end >= PAUSE


def _comma_before(tokens: list[_Token], i: int) -> bool:
    """The recogniser wrote a comma before word i: where the speaker most often paused.

    Word times do not always show that pause: the model may stretch the word before or
    after over it ("husband, auto[12.76-13.54] text"), so a comma counts as a boundary
    too, for a command that must then match on its own (a whole clause, or a heading).
    """
    return i > 0 and "," in tokens[i - 1].trail


def _clause_ends(tokens: list[_Token], end: int) -> bool:
    """Nothing follows tokens[:end] in its clause: the end, a comma, a sentence end or a pause."""
    return (end >= len(tokens) or tokens[end - 1].ends_sentence or "," in tokens[end - 1].trail
            or _pause_before(tokens, end))


def _between_pauses(sentence: list[_Token]) -> list[list[_Token]]:
    """The sentence cut at every pause: the stretches a command can stand alone in."""
    return _cut(sentence, _pause_before)


def _clauses(sentence: list[_Token]) -> list[list[_Token]]:
    """The sentence cut at every pause and every comma the recogniser wrote."""
    return _cut(sentence, lambda tokens, i: _pause_before(tokens, i) or _comma_before(tokens, i))


def _cut(sentence: list[_Token], boundary) -> list[list[_Token]]:  # noqa: ANN001 - (tokens, i) -> bool
    stretches: list[list[_Token]] = [[]]
    for i, token in enumerate(sentence):
        if boundary(sentence, i):
            stretches.append([])
        stretches[-1].append(token)
    return stretches


def _close_before(command: Edit, edits: list[Edit]) -> None:
    """The comma the recogniser wrote at the pause before a command was the pause.

    A heading, an auto-text or the end of the note ends the sentence before it
    ("this morning, | heading nutrition" reads "this morning."); before a field
    move or an undo the comma just goes.
    """
    if edits and isinstance(edits[-1], AddWord) and edits[-1].text.endswith(","):
        ending = "." if isinstance(command, (GoToSection, InsertAutoText, EndNote)) else ""
        edits[-1] = replace(edits[-1], text=edits[-1].text[:-1] + ending)


def _sentences(tokens: list[_Token]) -> list[list[_Token]]:
    sentences: list[list[_Token]] = [[]]
    for token in tokens:
        sentences[-1].append(token)
        if token.ends_sentence:
            sentences.append([])
    return [s for s in sentences if s]


@dataclass
class Interpreter:
    layout: Layout
    commands: CommandSet
    language: str
    autotexts: Sequence[AutoText] = ()
    corrector: Corrector | None = None
    notices: list[Notice] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Longest phrases first so "ny linje" wins over a one-word phrase.
        self._marks = sorted(((tuple(_normalise(p).split()), m) for p, m in self.commands.marks.items()),
                             key=lambda item: -len(item[0]))
        self._not_after = frozenset(_normalise(w) for w in self.commands.not_after)
        # Phrases that sound like a command and are text ("next feed"), squashed.
        self._plain = frozenset(_squash(p) for p in self.commands.not_commands if _squash(p))
        self._plain_words = max((len(p.split()) for p in self.commands.not_commands), default=0)
        self._keywords = [tuple(_normalise(p).split()) for p in self.commands.heading]
        self._autotext_keywords = [_squash(p) for p in self.commands.autotext if _squash(p)]
        self._whole: list[tuple[str, Edit, int]] = []  # (squashed phrase, edit, words in the phrase)
        for phrases, edit in ((self.commands.end_note, EndNote()), (self.commands.undo, Undo()),
                              (self.commands.next_field, NextField()),
                              (self.commands.previous_field, PreviousField())):
            self._whole += [(_squash(p), edit, len(p.split())) for p in phrases if _squash(p)]
        self._names: list[tuple[str, str]] = []  # (normalised spoken name, section key)
        for section in self.layout.all_sections:
            for name in section.spoken_names(self.language):
                self._names.append((_normalise(name), section.key))
        self._section_keys = {s.key for s in self.layout.all_sections}
        self._triggers: list[str] = []
        self._trigger_owner: list[AutoText] = []
        for autotext in self.autotexts:
            for trigger in autotext.triggers.get(self.language, ()):
                if _squash(trigger):
                    self._triggers.append(_squash(trigger))
                    self._trigger_owner.append(autotext)

    def feed(self, utterance: Utterance) -> list[Edit]:
        """The edits for one utterance, in order."""
        edits: list[Edit] = []
        for sentence in _sentences(_tokens(utterance)):
            noticed = len(self.notices)
            command = self._whole_sentence_command(sentence)
            if command == [] and len(_between_pauses(sentence)) > 1:
                # An auto-text command that matched nothing as a whole sentence may
                # still be one stretch of it: "autotekst sårpleje ... venstre underben".
                del self.notices[noticed:]
                command = None
            if command is None:
                ended = self._stretch_commands(sentence, edits)
            else:
                edits += command
                ended = any(isinstance(e, EndNote) for e in command)
            if ended:
                break  # what follows "afslut notat" is not part of the note
        return edits

    def _stretch_commands(self, sentence: list[_Token], edits: list[Edit]) -> bool:
        """Text of the sentence, with the commands that stand alone between pauses acted on.

        Appends to `edits`; True when the note was ended. Text keeps its whole
        sentence around the commands, so numbers and marks read as before.
        """
        text: list[_Token] = []
        pauses = {id(stretch[0]) for stretch in _between_pauses(sentence)}
        clauses = _clauses(sentence)
        for j, stretch in enumerate(clauses):
            noticed = len(self.notices)
            command = self._whole_sentence_command(stretch) if len(stretch) < len(sentence) else None
            if not command and 0 < j < len(clauses) - 1:
                # "…, auto text, blood pressure and pulse.": the recogniser's comma inside the
                # command; the rest of the sentence from here may be the whole command.
                tried = len(self.notices)
                whole = self._whole_sentence_command([t for clause in clauses[j:] for t in clause])
                del self.notices[tried:]
                if whole:
                    del self.notices[noticed:]
                    edits += self._text(text)
                    _close_before(whole[0], edits)
                    edits += whole
                    return any(isinstance(e, EndNote) for e in whole)
            if command == [] and id(stretch[0]) not in pauses:
                # A clause after a comma acts only as a whole command: "…, auto text" with
                # nothing after the comma stays text, without a notice.
                del self.notices[noticed:]
                command = None
            if command is None:
                text += stretch
                continue
            edits += self._text(text)
            text = []
            if command:
                _close_before(command[0], edits)
            edits += command
            if any(isinstance(e, EndNote) for e in command):
                return True
        edits += self._text(text)
        return False

    # -- whole-sentence commands --------------------------------------------------

    def _plain_at(self, tokens: list[_Token], i: int) -> bool:
        """The clause from i is one of the phrases that only sound like a command."""
        for n in range(1, self._plain_words + 2):  # a phrase may be heard in one more word
            if i + n > len(tokens):
                break
            if _clause_ends(tokens, i + n) and "".join(t.norm for t in tokens[i:i + n]).replace(" ", "") in self._plain:
                return True
        return False

    def _whole_sentence_command(self, sentence: list[_Token]) -> list[Edit] | None:
        spoken = "".join(t.norm.replace(" ", "") for t in sentence)
        if not spoken or spoken in self._plain:
            return None
        if self._whole:
            # A phrase heard as one word has no more to go by than a one-word command:
            # "afsluttet" (finished) is a word of its own, not "afslut note".
            heard = sum(len(t.norm.split()) for t in sentence)
            scored = [(fuzz.ratio(spoken, phrase), min(words, heard), edit) for phrase, edit, words in self._whole]
            passing = [(score, edit) for score, words, edit in scored
                       if score >= command_threshold(len(spoken), words)]
            if passing:
                return [max(passing, key=lambda item: item[0])[1]]
        return self._autotext_command(sentence)

    def _autotext_command(self, sentence: list[_Token]) -> list[Edit] | None:
        if not self._autotext_keywords:
            return None
        words = [t.norm.replace(" ", "") for t in sentence]
        rest: str | None = None
        best_keyword = 0.0
        for keyword in self._autotext_keywords:
            # "auto tekst" arrives as one, two or three words.
            for n in range(1, min(3, len(words) - 1) + 1):
                score = fuzz.ratio("".join(words[:n]), keyword)
                if score >= KEYWORD_THRESHOLD and score > best_keyword:
                    best_keyword, rest = score, "".join(words[n:])
            # ... or glued to the trigger: "autotekstsårpleje".
            if rest is None and words[0].startswith(keyword) and len(words[0]) > len(keyword):
                best_keyword, rest = 100.0, words[0][len(keyword):] + "".join(words[1:])
        loose = False
        if rest is None:
            # The end of the keyword heard, its start not: "I'll go text skin check", "Argo
            # text dressing change" (base on "auto text"), or bent into one word that ends
            # like it and begins like it ("Ogotext skin check"). At most two words before
            # it, and the rest of the stretch must then be a trigger, closely.
            for k in range(min(3, len(words) - 1)):
                if len(words[k]) >= 4 and any(kw.endswith(words[k]) or self._bent_keyword(words[k], kw)
                                              for kw in self._autotext_keywords):
                    rest, loose = "".join(words[k + 1:]), True
                    break
        if rest is None:
            return None
        at = sentence[0].word.start
        if not rest:
            self._notice(at, "autotext_no_trigger", "an auto-text command without a trigger")
            return []
        found = process.extract(rest, self._triggers, scorer=fuzz.ratio,
                                score_cutoff=AUTOTEXT_THRESHOLD - AUTOTEXT_MARGIN, limit=12)
        by_autotext: dict[str, tuple[float, AutoText]] = {}
        for _, score, index in found:
            owner = self._trigger_owner[index]
            if owner.id not in by_autotext or score > by_autotext[owner.id][0]:
                by_autotext[owner.id] = (score, owner)
        ranked = sorted(by_autotext.values(), key=lambda item: -item[0])
        if loose and (not ranked or ranked[0][0] < LOOSE_TRIGGER_THRESHOLD
                      or (len(ranked) > 1 and ranked[0][0] - ranked[1][0] < AUTOTEXT_MARGIN)):
            return None  # no clear trigger: the words are text, and nothing to say
        if not ranked or ranked[0][0] < AUTOTEXT_THRESHOLD:
            self._notice(at, "autotext_unknown", "an auto-text command that matches no auto-text")
            return []
        score, autotext = ranked[0]
        close = [a.id for s, a in ranked if score - s < AUTOTEXT_MARGIN]
        if len(close) > 1:
            self._notice(at, "autotext_choice", "an auto-text trigger that matches several auto-texts; choose one",
                         choices=tuple(close))
            return []
        section = autotext.section_for(self.layout.id, self._section_keys)
        if section is None:
            self._notice(at, "autotext_no_section",
                         f"auto-text '{autotext.id}' names no section of layout '{self.layout.id}'; "
                         "inserted where you are")
        return [InsertAutoText(autotext, section)]

    @staticmethod
    def _bent_keyword(word: str, keyword: str) -> bool:
        """ "ogotext" for "autotext": the keyword's last five letters, and its onset
        ("brødtekst" and "context" are other words)."""
        return (len(word) > LOOSE_KEYWORD_END and word[-LOOSE_KEYWORD_END:] == keyword[-LOOSE_KEYWORD_END:]
                and begins_like(word, keyword))

    # -- text, headings, marks and numbers ----------------------------------------

    def _text(self, tokens: list[_Token]) -> list[Edit]:
        edits: list[Edit] = []
        numbers = {span.start: span for span in find_numbers([t.display for t in tokens], self.language)}
        i = 0
        sentence_start = True
        while i < len(tokens):
            comma_only = not sentence_start and not _pause_before(tokens, i) and _comma_before(tokens, i)
            if sentence_start or _pause_before(tokens, i) or comma_only:
                # After a pause or a comma inside a sentence a heading must match; no notice if it does not.
                heading = self._match_heading(tokens, i, quiet=not sentence_start)
                if comma_only and isinstance(heading, tuple) and not _clause_ends(tokens, heading[1]):
                    # After a comma alone the heading must be its whole clause ("…, heading
                    # nutrition."): "…a small grave, herding wound is lower back" is text.
                    heading = None
                if isinstance(heading, UnknownHeading):
                    edits.append(heading)  # marks the place; the words said stay text after it
                elif heading is not None:
                    key, i = heading
                    _close_before(GoToSection(key), edits)
                    edits.append(GoToSection(key))
                    sentence_start = tokens[i - 1].ends_sentence or i >= len(tokens)
                    continue
            span = numbers.get(i)
            if span is not None:
                covered = [t.word for t in tokens[span.start:span.end]]
                merged = Word(span.text, covered[0].start, covered[-1].end,
                              min(w.probability for w in covered))
                edits.append(AddWord(merged, span.text))
                sentence_start = tokens[span.end - 1].ends_sentence
                i = span.end
                continue
            mark = self._match_mark(tokens, i)
            if mark is not None:
                symbol, i = mark
                edits.append(AddMark(symbol))
                sentence_start = symbol in _SENTENCE_END or symbol.startswith("\n")
                continue
            token = tokens[i]
            if token.core:
                edit, i = self._word(tokens, i, numbers)
                edits.append(edit)
            else:
                if token.trail.strip():
                    # Punctuation the recogniser wrote as a separate token.
                    edits.append(AddMark(token.trail.strip()[0]))
                i += 1
            sentence_start = tokens[i - 1].ends_sentence
        return edits

    def _word(self, tokens: list[_Token], i: int, numbers: dict) -> tuple[AddWord, int]:
        """One dictated word, snapped to the vocabulary when it clearly is a care term."""
        token = tokens[i]
        if self.corrector is not None:
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if (nxt is not None and nxt.core and not token.trail and not nxt.lead and i + 1 not in numbers
                    and self.corrector.correct(token.core) is None):
                fix = self.corrector.correct_pair(token.core, nxt.core)
                if fix is not None:
                    word = Word(fix.term, token.word.start, nxt.word.end,
                                min(token.word.probability, nxt.word.probability))
                    return AddWord(word, f"{token.lead}{fix.term}{nxt.trail}",
                                   corrected_from=f"{token.core} {nxt.core}", score=fix.score), i + 2
            fix = self.corrector.correct(token.core)
            if fix is not None:
                return AddWord(token.word, f"{token.lead}{fix.term}{token.trail}", corrected_from=token.core,
                               score=fix.score), i + 1
        return AddWord(token.word, token.display), i + 1

    def _match_mark(self, tokens: list[_Token], i: int) -> tuple[str, int] | None:
        if i > 0 and tokens[i - 1].norm in self._not_after and not tokens[i - 1].trail:
            return None  # "et punktum", "a comma": a noun, not a command
        for phrase, symbol in self._marks:
            n = len(phrase)
            window = tokens[i:i + n]
            if len(window) == n and tuple(t.norm for t in window) == phrase:
                return symbol, i + n
            # Recognisers sometimes glue a two-word command: "nylinje".
            if n > 1 and tokens[i].norm == "".join(phrase):
                return symbol, i + 1
        return None

    def _match_keywords(self, tokens: list[_Token], i: int) -> list[tuple[float, int]]:
        """(score, index after the command word(s)) for each way a heading command may
        start at i, best first: one phrase may be heard in one more word than it has."""
        found: dict[int, float] = {}
        for phrase in self._keywords:
            target = "".join(phrase)
            # Try as many tokens as the phrase has, and one more ("over skrift").
            for n in (len(phrase), len(phrase) + 1):
                window = tokens[i:i + n]
                if len(window) < n or any(t.ends_sentence for t in window[:-1]):
                    continue
                # "Reading the paper.", "Shedding skin.": another word, not a mishearing (0).
                score = loose_keyword_score("".join(t.norm for t in window), target,
                                             one_word=len(phrase) == 1, split=n > 1)
                if score >= LOOSE_KEYWORD_THRESHOLD and score > found.get(i + n, 0.0):
                    found[i + n] = score
        return sorted(((score, after) for after, score in found.items()), reverse=True)

    def _match_heading(self, tokens: list[_Token], i: int,
                       quiet: bool = False) -> tuple[str, int] | UnknownHeading | None:
        """(section key, index after the heading's name) for a heading command at i.

        A clear heading command whose name matches no heading gives an UnknownHeading
        (and a notice) with the closest headings; anything else that is not one, None.
        """
        if self._plain and self._plain_at(tokens, i):
            return None
        found = self._keyword_heading(tokens, i, quiet)
        return self._glued_heading(tokens, i) if found is None else found

    def _keyword_heading(self, tokens: list[_Token], i: int, quiet: bool) -> tuple[str, int] | UnknownHeading | None:
        keywords = self._match_keywords(tokens, i)
        if not keywords:
            return None
        if keywords[0][0] >= KEYWORD_THRESHOLD:
            found = self._named_heading(tokens, i, keywords[0][1],
                                        notify=not quiet and keywords[0][0] >= NOTICE_KEYWORD_THRESHOLD)
            return found[:2] if isinstance(found, tuple) else found
        if tokens[i].norm in _SUBJECTS:
            return None  # "He didn't sleep.", "She had pain.": a sentence, however close it sounds
        for _, after_keyword in keywords:
            if len("".join(t.norm for t in tokens[i:after_keyword])) < MIN_LOOSE_KEYWORD_LETTERS:
                continue  # "Head wound." is a wound on the head
            # A misheard command word ("Having pain.", "Head and sleep."): the heading's name
            # must match closely and end the sentence.
            found = self._named_heading(tokens, i, after_keyword, notify=False)
            if not isinstance(found, tuple):
                continue
            key, end, score = found
            if _sentence_ends_at(tokens, end) and score >= LOOSE_HEADING_THRESHOLD:
                return key, end
        return None

    def _named_heading(self, tokens: list[_Token], i: int, after_keyword: int,
                       notify: bool) -> tuple[str, int, float] | UnknownHeading | None:
        """(section key, index after the name, its score) for the heading whose name follows
        the command word(s) ending at after_keyword; with `notify`, an unknown name is said."""
        if tokens[after_keyword - 1].ends_sentence or after_keyword >= len(tokens):
            if notify:
                self._notice(tokens[i].word.start, "heading_no_name", "a heading command without a heading name")
            return None
        best: tuple[float, int, str] | None = None
        for score, n, key in self._heading_scores(tokens, after_keyword):
            # Ties go to the longer name: "søvn og hvile" over "søvn".
            if score >= HEADING_THRESHOLD and (best is None or (score, n) > best[:2]):
                best = (score, n, key)
        if best is None:
            if notify:
                return self._unknown_heading(tokens, i, after_keyword)
            return None
        return best[2], after_keyword + best[1], best[0]

    def _glued_heading(self, tokens: list[_Token], i: int) -> tuple[str, int] | None:
        """A heading command heard as one word: "headingskin", "Headenskin." (base on espeak).

        The word must split into something like the command word and a heading's name
        (or its first word), the name must match closely and end a sentence, so a word
        that merely starts like the command ("headache") stays text. No notice: a
        glued word that is not a heading is an ordinary word.
        """
        word = tokens[i].norm
        best: tuple[float, int] | None = None  # (name score, index after the name)
        key = ""
        for phrase in self._keywords:
            target = "".join(phrase)
            for k in range(max(3, len(target) - 3), min(len(target) + 3, len(word) - 2)):
                if loose_keyword_score(word[:k], target, one_word=len(phrase) == 1) < LOOSE_KEYWORD_THRESHOLD:
                    continue
                for n in range(0, MAX_HEADING_WORDS):
                    window = tokens[i + 1:i + 1 + n]
                    if len(window) < n or (n and tokens[i + n - 1].ends_sentence):
                        break
                    end = i + 1 + n
                    if not _sentence_ends_at(tokens, end):
                        continue
                    spoken = " ".join([word[k:], *(t.norm for t in window)])
                    for name, section in self._names:
                        score = fuzz.ratio(spoken, name)
                        if score >= LOOSE_HEADING_THRESHOLD and (best is None or (score, end) > best):
                            best, key = (score, end), section
        return (key, best[1]) if best is not None else None

    def _heading_scores(self, tokens: list[_Token], after_keyword: int) -> Iterator[tuple[float, int, str]]:
        """(score, words, section key): every heading name against one to MAX_HEADING_WORDS
        words after the command; a heading name does not run past the end of a sentence."""
        for n in range(1, MAX_HEADING_WORDS + 1):
            window = tokens[after_keyword:after_keyword + n]
            if len(window) < n:
                break
            spoken = " ".join(t.norm for t in window)
            for name, key in self._names:
                yield fuzz.ratio(spoken, name), n, key
            if window[-1].ends_sentence:
                break

    def _unknown_heading(self, tokens: list[_Token], i: int, after_keyword: int) -> UnknownHeading:
        """The notice and the mark for a heading command whose name matched no heading.

        Every heading is scored against the words after the command (one to
        MAX_HEADING_WORDS of them, within the sentence); the best few above
        CANDIDATE_THRESHOLD are offered. `heard` is the words the best one was matched
        with, or without a candidate the words up to the end of the sentence.
        """
        scores: dict[str, tuple[float, int]] = {}  # section key -> (best score, words)
        words = 0
        for score, n, key in self._heading_scores(tokens, after_keyword):
            words = n
            if score >= CANDIDATE_THRESHOLD and (score, n) > scores.get(key, (0.0, 0)):
                scores[key] = (score, n)
        ranked = sorted(scores, key=lambda key: scores[key], reverse=True)[:CANDIDATES]
        window = tokens[after_keyword:after_keyword + (scores[ranked[0]][1] if ranked else words)]
        heard = " ".join(t.core for t in window if t.core)
        names = tuple((key, self.layout.section(key).heading(self.language)) for key in ranked)
        at = tokens[i].word.start
        closest = ", ".join(name for _, name in names) or "none"
        self._notice(at, "heading_unknown",
                     f"a heading command that matches no heading in layout '{self.layout.id}' "
                     f"(closest: {closest})", heard=heard, candidates=names)
        return UnknownHeading(heard=heard, candidates=tuple(ranked), at=at)

    def _notice(self, at: float, code: str, message: str, choices: tuple[str, ...] = (), *, heard: str = "",
                candidates: tuple[tuple[str, str], ...] = ()) -> None:
        self.notices.append(Notice(at=at, message=message, choices=choices, code=code, heard=heard,
                                   candidates=candidates))
