"""200 corrupt, truncated and garbage audio files through `dictate transcribe` in one
run: each gets a note or a clear error naming the file, never a crash, and the
good file among them is still transcribed."""

from __future__ import annotations

import random
import re

import pytest
from support import DATA, encode, run_cli

from dictate.audio.decode import load_audio

pytestmark = pytest.mark.model


def corrupt_files(folder) -> list:  # noqa: ANN001
    rng = random.Random(200)
    clip = load_audio(DATA / "en_soap.wav").samples[: 16_000 * 2]
    wav = (DATA / "en_soap.wav").read_bytes()[: 44 + 2 * 16_000 * 2]
    wav = wav[:4] + (len(wav) - 8).to_bytes(4, "little") + wav[8:40] + (len(wav) - 44).to_bytes(4, "little") + wav[44:]
    formats = {"flac": ("flac", 44_100), "ogg": ("libopus", 48_000), "mp3": ("libmp3lame", 44_100)}
    encoded = {ext: encode(clip, folder / f"clean.{ext}", codec, rate=rate).read_bytes()
               for ext, (codec, rate) in formats.items()}
    files = []

    def add(name: str, data: bytes) -> None:
        path = folder / f"{len(files):03d}_{name}"
        path.write_bytes(data)
        files.append(path)

    for _ in range(40):  # WAV cut anywhere
        add("cut.wav", wav[: rng.randrange(0, len(wav))])
    for _ in range(40):  # header bytes flipped
        data = bytearray(wav)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(0, 44)] ^= 1 << rng.randrange(8)
        add("header.wav", bytes(data))
    for _ in range(30):  # garbage of every size, under every name
        add(f"garbage.{rng.choice(['wav', 'mp3', 'flac', 'ogg', 'm4a', 'txt'])}",
            rng.randbytes(rng.choice([0, 1, 12, 44, 300, 5000, 50_000])))
    for ext, data in encoded.items():  # compressed files cut or with flipped bytes
        for _ in range(15):
            add(f"cut.{ext}", data[: rng.randrange(0, len(data))])
        for _ in range(14):
            damaged = bytearray(data)
            for _ in range(rng.randint(1, 20)):
                damaged[rng.randrange(0, len(damaged))] = rng.randrange(256)
            add(f"flipped.{ext}", bytes(damaged))
    for _ in range(2):  # sample bytes flipped: still audio, just noisy
        data = bytearray(wav)
        for _ in range(200):
            data[rng.randrange(44, len(data))] ^= 0xFF
        add("noisy.wav", bytes(data))
    add("silence.wav", wav[:44] + bytes(len(wav) - 44))
    assert len(files) == 200
    return files


def test_200_corrupt_files_each_get_a_note_or_a_clear_error(tmp_path):
    files = corrupt_files(tmp_path)
    good = DATA / "en_soap.wav"
    result = run_cli("transcribe", "-q", "-l", "en", "--layout", "soap", *map(str, files), str(good), timeout=900)
    assert result.returncode in (0, 65), result.stderr[-2000:]
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines()
              if line.startswith("dictate: ") and "could not be" not in line]
    name = re.compile(r"/(\d{3}_[a-z]+\.[a-z0-9]+)")
    headers = re.findall(r"==> (.+?) <==", result.stdout)
    transcribed = {h.rsplit("/", 1)[-1] for h in headers}
    # A transcribed file may have a line on stderr too: a notice about what was heard
    # ("a heading command without a heading name", for a clip cut after "Heading").
    failed = {m.group(1) for line in errors if (m := name.search(line))} - transcribed
    for path in files:
        assert path.name in failed or path.name in transcribed, f"{path.name}: neither a note nor an error"
    assert str(good) in headers and "Subjective" in result.stdout  # the good file still comes through
    assert len(failed) >= 150  # most of them are not usable audio
    summary = result.stderr.splitlines()[-1]
    assert re.match(rf"dictate: {len(failed)} of 201 file\(s\) could not be transcribed", summary), summary
