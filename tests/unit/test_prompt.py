"""The recogniser's hints from the templates, within Whisper's prompt limits."""

from __future__ import annotations

import numpy as np
import pytest

from dictate.catalog.loader import load_catalog
from dictate.speech.hotwords import HOTWORDS_BUDGET, MAX_PROMPT_TOKENS, build_hotwords

CATALOG = load_catalog()


def words(text: str) -> int:
    return len(text.split())


def test_keywords_first_triggers_within_half_the_budget_then_terms():
    autotexts = CATALOG.autotexts_for("da")
    terms = ["Panodil", "panodil", "Furix", "Marevan", "Eliquis"]
    hint = build_hotwords(CATALOG.commands["da"], autotexts, terms, "da", words, budget=10)
    # Each hint is a short sentence: a comma-separated list makes Whisper write lists.
    assert hint.endswith(".") and ", " not in hint
    items = [i.rstrip(".") for i in hint.split(". ")]
    assert items[:2] == ["Autotekst", "Overskrift"]
    first_triggers = {a.triggers["da"][0].capitalize() for a in autotexts}
    triggers = [i for i in items if i in first_triggers]
    assert triggers and sum(words(t) for t in triggers) <= 10 // 2
    assert items[2] == autotexts[0].triggers["da"][0].capitalize()
    assert "Panodil" in items and "panodil" not in items  # a repeat costs nothing extra
    assert sum(words(" " + i + ".") for i in items) <= 10
    assert "Eliquis" not in items  # over budget


def test_nothing_to_hint_gives_none():
    assert build_hotwords(None, [], [], "da", words) is None


@pytest.mark.model
def test_the_shipped_hints_fit_whispers_prompt_with_room_for_committed_text(transcriber):
    hint = build_hotwords(CATALOG.commands["da"], CATALOG.autotexts_for("da"), CATALOG.terms("da"), "da",
                          lambda text: transcriber.count_tokens(text, "da"))
    used = transcriber.count_tokens(" " + hint, "da")
    assert HOTWORDS_BUDGET - 10 <= used <= HOTWORDS_BUDGET + 2 < MAX_PROMPT_TOKENS
    assert "Sårpleje." in hint and "Panodil." in hint


@pytest.mark.model
def test_hints_and_a_long_prompt_stay_within_whispers_limit(transcriber):
    """Hints plus 223 tokens of committed text would overflow Whisper's 448-token
    window and leave no room for the answer; the committed text gives way."""
    hint = build_hotwords(CATALOG.commands["da"], CATALOG.autotexts_for("da"), CATALOG.terms("da"), "da",
                          lambda text: transcriber.count_tokens(text, "da"))
    long_prompt = " ".join(f"borgeren har spist {i} gange i dag" for i in range(80))
    tokens = transcriber.prompt_tokens("da", long_prompt, hint)
    # sot_prev + at most 223 prompt tokens + sot, language, task, no-timestamps
    assert MAX_PROMPT_TOKENS < len(tokens) <= 1 + MAX_PROMPT_TOKENS + 4
    text = transcriber.decode_text(tokens)
    assert "Autotekst." in text and "79 gange i dag" in text and " 0 gange" not in text
    short = transcriber.prompt_tokens("da", "kort tekst", None)
    assert len(short) < 12
    rng = np.random.default_rng(0)
    audio = (rng.standard_normal(16_000 * 2) * 0.01).astype(np.float32)
    assert isinstance(transcriber.decode_chunk(audio, "da", long_prompt, hotwords=hint, beam_size=1), list)
