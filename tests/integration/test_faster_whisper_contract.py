"""The faster-whisper internals dictate relies on, checked one by one.

dictate.speech.fasterwhisper is the only module that reaches past faster-whisper's
public `transcribe`. When a release changes one of the internals it uses, a test
here fails and names it; pyproject.toml pins the releases this file has passed on.
"""

from __future__ import annotations

import inspect
import sys
from importlib.metadata import version

import numpy as np
import pytest
from packaging.requirements import Requirement
from support import DATA, ROOT

from dictate.audio.decode import load_audio

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def pinned(name: str) -> Requirement:
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    return next(r for r in map(Requirement, dependencies) if r.name == name)


@pytest.mark.parametrize("name", ["faster-whisper", "ctranslate2"])
def test_the_installed_release_is_one_this_contract_was_checked_on(name):
    requirement = pinned(name)
    assert requirement.specifier, f"{name} must be pinned to the tested range"
    assert version(name) in requirement.specifier, (name, version(name), str(requirement.specifier))


def parameters(function) -> list[str]:  # noqa: ANN001
    return [p for p in inspect.signature(function).parameters if p != "self"]


def test_the_signatures_of_the_internals():
    from faster_whisper import WhisperModel
    from faster_whisper.tokenizer import Tokenizer
    from faster_whisper.transcribe import get_compression_ratio, get_suppressed_tokens, merge_punctuations

    assert parameters(WhisperModel.get_prompt)[:5] == ["tokenizer", "previous_tokens", "without_timestamps",
                                                       "prefix", "hotwords"]
    assert parameters(WhisperModel.find_alignment)[:4] == ["tokenizer", "text_tokens", "encoder_output", "num_frames"]
    assert parameters(WhisperModel.encode) == ["features"]
    assert parameters(merge_punctuations) == ["alignment", "prepended", "appended"]
    assert parameters(get_suppressed_tokens) == ["tokenizer", "suppress_tokens"]
    assert parameters(get_compression_ratio) == ["text"]
    assert parameters(Tokenizer.__init__)[:4] == ["tokenizer", "multilingual", "task", "language"]


@pytest.fixture(scope="module")
def whisper(model_info):
    from dictate.speech import fasterwhisper

    return fasterwhisper.load(str(model_info.path), compute_type="int8", cpu_threads=0)


@pytest.mark.model
def test_the_model_object_has_what_the_seam_uses(whisper):
    from dictate.speech import fasterwhisper

    for attribute in ("feature_extractor", "encode", "find_alignment", "get_prompt", "hf_tokenizer",
                      "supported_languages", "max_length"):
        assert hasattr(whisper, attribute), attribute
    assert hasattr(whisper.model, "generate") and isinstance(whisper.model.is_multilingual, bool)
    assert fasterwhisper.max_length(whisper) == 448
    assert {"da", "en"} <= set(fasterwhisper.supported_languages(whisper))


@pytest.mark.model
def test_encode_prompt_generate_and_align_on_real_speech(whisper):
    """One live decode through the seam, as dictate.speech.whisper makes it, with the shapes checked."""
    from dictate.speech import fasterwhisper

    audio = load_audio(DATA / "en_soap.wav").samples[: 16_000 * 4]
    audio = np.concatenate([audio, np.zeros(16_000 * 6, dtype=np.float32)])
    tok = fasterwhisper.tokenizer(whisper, "en")
    encoder_output, frames = fasterwhisper.encode(whisper, audio)
    assert frames % 2 == 0 and 900 <= frames <= 1000  # 100 frames a second
    prompt = fasterwhisper.prompt(whisper, tok, tok.encode(" The resident"), None)
    assert isinstance(prompt, list) and all(isinstance(t, int) for t in prompt)
    assert prompt[-1] == tok.no_timestamps  # decoded without timestamps
    decoded = fasterwhisper.generate(whisper, tok, encoder_output, prompt, beam_size=2, max_length=200)
    assert decoded.tokens and all(isinstance(t, int) and t < tok.eot for t in decoded.tokens)
    assert 0.0 <= decoded.no_speech_prob <= 1.0 and decoded.avg_logprob < 0
    assert "subjective" in tok.decode(decoded.tokens).casefold()
    assert fasterwhisper.compression_ratio(tok.decode(decoded.tokens)) > 0
    alignment = fasterwhisper.align(whisper, tok, decoded.tokens, encoder_output, frames)
    assert alignment and all({"word", "start", "end", "probability"} <= set(w) for w in alignment)
    assert all(0 <= w["start"] <= w["end"] <= 10 for w in alignment)


@pytest.mark.model
def test_the_vad_session_takes_blocks_and_carries_its_state():
    from dictate.speech import fasterwhisper

    session = fasterwhisper.vad_session()
    assert [i.name for i in session.get_inputs()] == ["input", "h", "c"]
    batch = np.zeros((3, 576), dtype=np.float32)
    h = c = np.zeros((1, 1, 128), dtype=np.float32)
    output, h2, c2 = session.run(None, {"input": batch, "h": h, "c": c})
    assert np.asarray(output).reshape(-1).shape == (3,) and h2.shape == h.shape and c2.shape == c.shape
