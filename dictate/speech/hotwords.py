"""The recogniser's hint text ("hotwords") built from the templates.

Whisper reads a short text before the audio; words in it are recognised more
readily. The auto-text keyword and triggers come first (a missed trigger
breaks a command), then vocabulary terms in file order, until the token budget
is spent. Whisper allows 223 prompt tokens in all, and live dictation also
needs room for the text already committed, so the budget is well below that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from dictate.catalog.autotexts import AutoText
from dictate.catalog.commands import CommandSet

#: faster-whisper keeps at most max_length // 2 - 1 = 223 prompt tokens.
MAX_PROMPT_TOKENS = 223
#: Tokens spent on hotwords by default; the rest (about 70 tokens, some 200
#: characters of Danish) is left for the committed text in live dictation.
HOTWORDS_BUDGET = 150


def build_hotwords(commands: CommandSet | None, autotexts: Sequence[AutoText], terms: Iterable[str],
                   language: str, count_tokens: Callable[[str], int],
                   budget: int = HOTWORDS_BUDGET) -> str | None:
    """A comma-separated hint text within `budget` tokens, or None when there is nothing to hint.

    The command keywords come first. Auto-text triggers get at most half the
    budget, so that a large set of auto-texts cannot crowd out the drug names,
    which the model knows least; vocabulary terms fill the rest in file order.
    """
    budget = min(budget, MAX_PROMPT_TOKENS)
    keywords = [*commands.autotext[:1], *commands.heading[:1]] if commands is not None else []
    triggers = [a.triggers.get(language, ())[0] for a in autotexts if a.triggers.get(language)]
    chosen: list[str] = []
    seen: set[str] = set()
    used = 0

    def take(items: Iterable[str], limit: int) -> None:
        nonlocal used
        for item in items:
            key = item.casefold()
            if key in seen:
                continue
            cost = count_tokens(" " + _sentence(item))
            if used + cost > limit:
                continue  # a shorter item further on may still fit
            chosen.append(item)
            seen.add(key)
            used += cost

    take(keywords, budget)
    take(triggers, used + budget // 2)
    take(terms, budget)
    return " ".join(_sentence(item) for item in chosen) if chosen else None


def _sentence(item: str) -> str:
    """Each hint as a short sentence: a comma-separated list in the prompt makes
    Whisper write lists, with commas where the speaker paused for a full stop."""
    return item[:1].upper() + item[1:] + "."
