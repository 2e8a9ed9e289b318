"""Probes from outside: audio that arrives in unusual ways or with a lying header.

To add a probe: copy the nearest test, change how the audio is handed over, and assert
that the note is the same as from the plain file, or that a clear error names the input.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import threading

import pytest
from support import DATA, ROOT, run_cli

from dictate.audio.decode import load_audio
from dictate.errors import AudioError
from dictate.exit_codes import ExitCode

CLIP = DATA / "nst_danspeech_u0042008.wav"


@pytest.fixture(scope="module")
def samples():
    return load_audio(CLIP).samples


def test_a_fifo_is_opened_once_and_read_by_its_bytes(tmp_path, samples):
    import os

    fifo = tmp_path / "incoming"  # no extension: the format comes from the bytes
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(CLIP.read_bytes()))
    writer.start()
    decoded = load_audio(fifo).samples
    writer.join(timeout=30)
    assert not writer.is_alive()  # it was read to the end: no SIGPIPE, no hang
    assert len(decoded) == len(samples)


@pytest.mark.model
def test_stdin_and_process_substitution_give_the_same_note_as_the_file(tmp_path):
    plain = run_cli("transcribe", "-f", "json", str(CLIP))
    assert plain.returncode == 0, plain.stderr
    stdin = subprocess.run([sys.executable, "-m", "dictate", "transcribe", "-f", "json", "-"], cwd=ROOT,
                           input=CLIP.read_bytes(), capture_output=True, timeout=300)
    assert stdin.returncode == 0, stdin.stderr
    if shutil.which("bash") is None:
        pytest.fail("bash is needed for process substitution")
    command = f"exec {sys.executable} -m dictate transcribe -f json <(cat {CLIP})"
    substituted = subprocess.run(["bash", "-c", command], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert substituted.returncode == 0, substituted.stderr

    def sections(stdout):  # noqa: ANN001, ANN202
        import json

        return json.loads(stdout)["sections"]

    assert sections(stdin.stdout.decode()) == sections(plain.stdout) == sections(substituted.stdout)


def _with_data_size(tmp_path, size: int):
    data = bytearray(CLIP.read_bytes())
    at = data.index(b"data")
    data[at + 4:at + 8] = struct.pack("<I", size)
    path = tmp_path / "lying.wav"
    path.write_bytes(bytes(data))
    return path


def test_a_wav_header_that_claims_less_data_is_refused_not_cut(tmp_path):
    with pytest.raises(AudioError, match="damaged WAV header: it says 1000 bytes") as caught:
        load_audio(_with_data_size(tmp_path, 1000))
    assert caught.value.exit_code == ExitCode.DATAERR
    # A chunk after the data (LIST, id3) is not a lie.
    path = tmp_path / "with-list.wav"
    info = b"LIST" + struct.pack("<I", 4) + b"INFO"
    path.write_bytes(CLIP.read_bytes() + info)
    assert len(load_audio(path).samples) > 0


@pytest.mark.model
def test_a_file_name_with_a_newline_stays_on_one_line(tmp_path):
    odd = tmp_path / "visit\nFAKE HEADER.wav"
    shutil.copy(CLIP, odd)
    result = run_cli("transcribe", str(odd), str(CLIP))
    assert result.returncode == 0, result.stderr
    header = next(line for line in result.stdout.splitlines() if line.startswith("==> ") and "visit" in line)
    assert header.endswith("visit\\nFAKE HEADER.wav <==")
    assert not any(line.startswith("FAKE HEADER") for line in result.stdout.splitlines())
    assert all("FAKE" not in line or "visit\\n" in line for line in result.stderr.splitlines())
