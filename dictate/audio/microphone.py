"""The microphone source, through sounddevice (PortAudio).

sounddevice is imported here and only here, on first use, so the rest of
dictate runs on machines without PortAudio. The audio callback only copies
blocks into a bounded queue; everything else happens on the consumer's side.
A watchdog notices when the callback stops (a headset unplugged), reports it,
keeps trying to reopen the device, and carries on when it is back.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np

from dictate.audio import SAMPLE_RATE
from dictate.audio.sources import SourceStatus, StatusCallback
from dictate.errors import DeviceError, PortAudioError

log = logging.getLogger(__name__)



def sounddevice():  # noqa: ANN201 - the module
    """Import sounddevice, turning a missing PortAudio into a clear hint."""
    try:
        import sounddevice as sd
    except OSError as exc:  # raised by sounddevice when libportaudio is not found
        raise PortAudioError(f"the PortAudio library is missing ({exc}); install it with "
                          "'sudo apt install libportaudio2' (Debian/Ubuntu) and try again") from None
    except ImportError:
        raise PortAudioError("the sounddevice package is not installed; install it with "
                          "'pip install sounddevice'") from None
    return sd


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    channels: int
    default_samplerate: float
    is_default: bool


def input_devices() -> list[InputDevice]:
    sd = sounddevice()
    try:
        default_in = sd.default.device[0]
        devices = sd.query_devices()
    except Exception as exc:  # PortAudioError: no audio system at all
        raise DeviceError(f"cannot list audio devices: {exc}") from None
    return [InputDevice(i, d["name"], d["max_input_channels"], float(d["default_samplerate"]), i == default_in)
            for i, d in enumerate(devices) if d["max_input_channels"] > 0]


def find_device(spec: str | int | None) -> InputDevice:
    """The input device by index, by (part of its) name, or the default one."""
    devices = input_devices()
    if not devices:
        raise DeviceError("no audio input device found; plug in a headset or microphone")
    if spec is None or spec == "":
        for device in devices:
            if device.is_default:
                return device
        return devices[0]
    text = str(spec).strip()
    if text.isdigit():
        for device in devices:
            if device.index == int(text):
                return device
    else:
        matches = [d for d in devices if text.casefold() == d.name.casefold()] or \
                  [d for d in devices if text.casefold() in d.name.casefold()]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            names = "; ".join(f"{d.index}: {d.name}" for d in matches)
            raise DeviceError(f"'{text}' matches several input devices ({names}); give the number")
    names = "; ".join(f"{d.index}: {d.name}" for d in devices)
    raise DeviceError(f"no input device '{text}' (available: {names}); see 'dictate devices'")


class _Resampler:
    """Device rate -> 16 kHz with FFmpeg's resampler (proper low-pass, state kept across blocks)."""

    def __init__(self, rate: int) -> None:
        import av

        self._av = av
        self.rate = rate
        self._resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)

    def __call__(self, block: np.ndarray) -> np.ndarray:
        frame = self._av.AudioFrame.from_ndarray(block.reshape(1, -1).astype(np.float32), format="flt",
                                                 layout="mono")
        frame.sample_rate = self.rate
        out = [f.to_ndarray().reshape(-1) for f in self._resampler.resample(frame)]
        return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)


@dataclass
class MicrophoneSource:
    device: str | int | None = None
    block_seconds: float = 0.1
    #: How much audio may wait for the consumer before blocks are dropped (and counted).
    queue_seconds: float = 20.0
    #: No audio for this long means the device is gone.
    watchdog_seconds: float = 2.0
    #: How often to try the device again after it was lost.
    retry_seconds: float = 1.0
    #: Give up after the device has been gone this long (None: keep trying).
    give_up_seconds: float | None = None
    on_status: StatusCallback | None = None
    overflows: int = 0
    status_flags: dict[str, int] = field(default_factory=dict)
    description: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._info = find_device(self.device)
        self.description = {"kind": "microphone", "device": self._info.name, "index": self._info.index}

    def stop(self) -> None:
        self._stop.set()

    def _report(self, code: str, message: str, fatal: bool = False) -> None:
        log.warning("%s", message)
        if self.on_status:
            self.on_status(SourceStatus(code, message, fatal))

    def _open(self, blocks: queue.Queue):  # noqa: ANN202 - sd.InputStream
        sd = sounddevice()
        info = self._info
        rate = SAMPLE_RATE
        try:
            sd.check_input_settings(device=info.index, channels=1, samplerate=SAMPLE_RATE, dtype="int16")
        except Exception:
            rate = int(info.default_samplerate)  # the device cannot do 16 kHz: resample ourselves
        self.description["samplerate"] = rate
        resample = _Resampler(rate) if rate != SAMPLE_RATE else None

        def callback(indata, frames, time_info, status) -> None:  # noqa: ANN001 - PortAudio callback
            if status:
                for flag in ("input_overflow", "input_underflow"):
                    if getattr(status, flag, False):
                        self.status_flags[flag] = self.status_flags.get(flag, 0) + 1
            try:
                # 16-bit integers are what headsets deliver natively.
                blocks.put_nowait(indata[:, 0].astype(np.float32) / 32768.0)
            except queue.Full:
                self.overflows += 1

        stream = sd.InputStream(device=info.index, channels=1, samplerate=rate, dtype="int16",
                                blocksize=int(rate * self.block_seconds), callback=callback)
        stream.start()
        return stream, resample

    def frames(self) -> Iterator[np.ndarray]:
        capacity = max(2, int(self.queue_seconds / self.block_seconds))
        blocks: queue.Queue = queue.Queue(maxsize=capacity)
        stream, resample = self._open_or_raise(blocks)
        reported_overflows, reported_flags, reported_at = 0, 0, float("-inf")
        try:
            while not self._stop.is_set():
                try:
                    block = blocks.get(timeout=self.watchdog_seconds)
                except queue.Empty:
                    _close(stream)
                    stream, resample = self._wait_for_device(blocks)
                    if stream is None:
                        return
                    continue
                if time.monotonic() - reported_at >= 5.0:
                    # At most one report every 5 s, however much went wrong.
                    if self.overflows > reported_overflows:
                        self._report("overflow", f"the computer fell behind: {self.overflows - reported_overflows}"
                                                 " audio block(s) were dropped")
                        reported_overflows, reported_at = self.overflows, time.monotonic()
                    flags = sum(self.status_flags.values())
                    if flags > reported_flags:
                        detail = ", ".join(f"{k.replace('_', ' ')} x{v}" for k, v in sorted(self.status_flags.items()))
                        self._report("status", f"the audio device reported problems ({detail})")
                        reported_flags, reported_at = flags, time.monotonic()
                yield resample(block) if resample else block
        finally:
            _close(stream)

    def _open_or_raise(self, blocks: queue.Queue):  # noqa: ANN202
        try:
            return self._open(blocks)
        except DeviceError:
            raise
        except Exception as exc:  # PortAudioError and friends
            raise DeviceError(f"cannot open the input device '{self._info.name}': {exc}") from None

    def _wait_for_device(self, blocks: queue.Queue):  # noqa: ANN202
        self._report("device_lost", f"no audio from '{self._info.name}' for {self.watchdog_seconds:g} s; "
                                    "the device may be unplugged. Waiting for it to come back")
        lost_at = time.monotonic()
        while not self._stop.is_set():
            if self.give_up_seconds is not None and time.monotonic() - lost_at > self.give_up_seconds:
                self._report("device_lost", f"'{self._info.name}' did not come back; stopping", fatal=True)
                return None, None
            time.sleep(self.retry_seconds)
            try:
                self._info = find_device(self.device if self.device is not None else self._info.name)
                stream, resample = self._open(blocks)
            except Exception:  # still gone
                continue
            self._report("device_back", f"'{self._info.name}' is back; listening again")
            return stream, resample
        return None, None


def _close(stream) -> None:  # noqa: ANN001
    try:
        stream.stop()
        stream.close()
    except Exception:  # already gone with the device
        pass
