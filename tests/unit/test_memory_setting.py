"""glibc's mmap threshold: set for offline transcription, glibc's default for live sessions."""

import pytest

from dictate.speech.whisper import MMAP_THRESHOLD, mmap_threshold


def test_offline_transcription_serves_large_blocks_with_mmap_and_a_live_session_keeps_glibcs_default(monkeypatch):
    monkeypatch.delenv("DICTATE_MMAP_THRESHOLD", raising=False)
    assert mmap_threshold(live=False) == MMAP_THRESHOLD == 2 * 1024 * 1024
    assert mmap_threshold(live=True) is None


@pytest.mark.parametrize("live", [False, True])
def test_the_variable_decides_for_both(monkeypatch, live):
    monkeypatch.setenv("DICTATE_MMAP_THRESHOLD", "65536")
    assert mmap_threshold(live=live) == 65536
    monkeypatch.setenv("DICTATE_MMAP_THRESHOLD", " OFF ")
    assert mmap_threshold(live=live) is None


def test_a_value_that_is_not_a_number_is_ignored_with_a_warning(monkeypatch, caplog):
    monkeypatch.setenv("DICTATE_MMAP_THRESHOLD", "lots")
    assert mmap_threshold(live=False) == MMAP_THRESHOLD
    assert mmap_threshold(live=True) is None
    assert "DICTATE_MMAP_THRESHOLD=lots" in caplog.text
