"""Model resolution: joining the embedded parts, checksums, and clear failures."""

from __future__ import annotations

import hashlib
import shutil
import socket
from pathlib import Path

import pytest
from support import DATA, run_cli

from dictate.errors import ModelError
from dictate.exit_codes import ExitCode
from dictate.speech.models import (
    EMBEDDED_SHA256,
    EmbeddedParts,
    check_model_dir,
    embedded_parts,
    join_parts,
    prepare_embedded,
    resolve_model,
    sha256_of,
)


def small_parts(tmp_path: Path, data: bytes = b"ab" * 5000) -> EmbeddedParts:
    src = tmp_path / "pkg"
    src.mkdir()
    (src / "model.bin.part1").write_bytes(data[:3000])
    (src / "model.bin.part2").write_bytes(data[3000:])
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        (src / name).write_text("{}")
    return EmbeddedParts(
        parts=(src / "model.bin.part1", src / "model.bin.part2"),
        extras=(src / "config.json", src / "tokenizer.json", src / "vocabulary.json"),
        sha256=hashlib.sha256(data).hexdigest(), label="tiny")


def test_join_writes_the_whole_model_and_its_files(tmp_path):
    parts = small_parts(tmp_path)
    info = prepare_embedded(parts, tmp_path / "cache")
    assert info.sha256 == parts.sha256
    assert (info.path / "model.bin").read_bytes() == b"ab" * 5000
    assert sorted(p.name for p in info.path.iterdir()) == ["config.json", "model.bin", "tokenizer.json",
                                                           "vocabulary.json"]


def test_a_wrong_part_never_becomes_a_model_and_both_hashes_are_named(tmp_path):
    parts = small_parts(tmp_path)
    parts.parts[1].write_bytes(b"damaged")
    with pytest.raises(ModelError) as err:
        join_parts(parts, tmp_path / "cache")
    message = str(err.value)
    assert parts.sha256 in message and hashlib.sha256(b"ab" * 1500 + b"damaged").hexdigest() in message
    assert str(parts.parts[0]) in message and str(parts.parts[1]) in message
    assert err.value.exit_code == ExitCode.UNAVAILABLE
    # Nothing half-written is left behind: no model.bin, no temporary file.
    assert list((tmp_path / "cache").iterdir()) == []


def test_missing_parts_are_named(tmp_path):
    parts = small_parts(tmp_path)
    parts.parts[0].unlink()
    with pytest.raises(ModelError, match="model.bin.part1"):
        prepare_embedded(parts, tmp_path / "cache")


def test_a_damaged_cached_model_is_rebuilt_from_the_packages(tmp_path, caplog):
    parts = small_parts(tmp_path)
    info = prepare_embedded(parts, tmp_path / "cache")
    (info.path / "model.bin").write_bytes(b"bit rot")
    again = prepare_embedded(parts, tmp_path / "cache")
    assert sha256_of(again.path / "model.bin") == parts.sha256
    assert hashlib.sha256(b"bit rot").hexdigest() in caplog.text and parts.sha256 in caplog.text


def test_unwritable_cache_is_a_model_error(tmp_path):
    parts = small_parts(tmp_path)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")  # even root cannot create a folder inside a file
    with pytest.raises(ModelError, match="cannot write the embedded model"):
        prepare_embedded(parts, blocker / "cache")


def test_the_installed_embedded_parts_join_to_the_published_hash(model_info):
    parts = embedded_parts()
    assert parts.sha256 == EMBEDDED_SHA256
    assert model_info.sha256 == EMBEDDED_SHA256
    assert sha256_of(model_info.path / "model.bin") == EMBEDDED_SHA256


def test_a_directory_that_is_not_a_model(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ModelError) as err:
        check_model_dir(tmp_path)
    assert "missing model.bin, config.json, tokenizer.json" in str(err.value)


def test_a_model_without_tokenizer_is_refused_before_any_download(tmp_path, model_info, monkeypatch):
    """faster-whisper would fetch a missing tokenizer from the hub; we refuse first."""
    for name in ("model.bin", "config.json", "vocabulary.json"):
        (tmp_path / name).symlink_to(model_info.path / name)

    def no_network(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    with pytest.raises(ModelError, match="tokenizer.json"):
        resolve_model(str(tmp_path))


def test_a_model_by_name_from_the_models_folder(tmp_path, model_info, monkeypatch):
    target = tmp_path / "mine"
    target.mkdir()
    for name in ("model.bin", "config.json", "tokenizer.json", "vocabulary.json"):
        (target / name).symlink_to(model_info.path / name)
    monkeypatch.setenv("DICTATE_MODELS_DIR", str(tmp_path))
    info = resolve_model("mine")
    assert info.name == "mine" and info.sha256 == EMBEDDED_SHA256


def test_a_checksum_file_next_to_a_model_is_enforced(tmp_path, model_info):
    for name in ("model.bin", "config.json", "tokenizer.json", "vocabulary.json"):
        (tmp_path / name).symlink_to(model_info.path / name)
    (tmp_path / "model.bin.sha256").write_text("0" * 64 + "  model.bin\n")
    with pytest.raises(ModelError) as err:
        resolve_model(str(tmp_path))
    assert "0" * 64 in str(err.value) and EMBEDDED_SHA256 in str(err.value)


def test_unknown_model_name_lists_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.setenv("DICTATE_MODELS_DIR", str(tmp_path))
    with pytest.raises(ModelError) as err:
        resolve_model("hviske-v2")
    assert str(tmp_path) in str(err.value)


@pytest.mark.parametrize("model_arg", ["/nonexistent/model", "no-such-model", "{tmp}"])
def test_cli_exits_69_when_no_usable_model(tmp_path, model_arg):
    result = run_cli("transcribe", "--model", model_arg.format(tmp=tmp_path), str(DATA / "en_dictation.wav"))
    assert result.returncode == ExitCode.UNAVAILABLE == 69
    assert result.stdout == ""
    assert "Traceback" not in result.stderr and "model" in result.stderr


def test_cli_exits_69_when_the_cache_cannot_hold_the_model(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run_cli("transcribe", str(DATA / "en_dictation.wav"), env={"DICTATE_CACHE_DIR": str(blocker)})
    assert result.returncode == 69
    assert "DICTATE_CACHE_DIR" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.model
def test_cli_exits_69_when_the_cached_model_cannot_be_loaded(tmp_path, model_info):
    """A directory with all the files but garbage inside: a clear message, not a crash."""
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        shutil.copy(model_info.path / name, tmp_path / name)
    (tmp_path / "model.bin").write_bytes(b"\0" * 1024)
    result = run_cli("transcribe", "--model", str(tmp_path), str(DATA / "en_dictation.wav"))
    assert result.returncode == 69
    assert "cannot load the model" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.model
def test_the_model_loads_int8_on_the_cpu_with_the_hub_offline(transcriber, monkeypatch):
    import os

    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert transcriber._model.model.compute_type.startswith("int8")
    assert transcriber._model.model.device == "cpu"
    assert {"da", "en"} <= set(transcriber.languages)
