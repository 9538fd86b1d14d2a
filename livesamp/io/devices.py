"""Audio devices, as ``livesamp devices`` prints them."""
from __future__ import annotations

from .portaudio import AudioUnavailable, import_sounddevice

__all__ = ["list_devices", "format_devices", "host_apis", "refresh"]


def refresh() -> None:
    """Re-scan devices (PortAudio only sees a JACK server started after its init)."""
    sd = import_sounddevice()
    sd._terminate()
    sd._initialize()


def host_apis() -> list[str]:
    """Names of the host APIs PortAudio offers (e.g. 'ALSA', 'JACK Audio Connection Kit')."""
    sd = import_sounddevice()
    return [api["name"] for api in sd.query_hostapis()]


def list_devices() -> list[dict]:
    """One dict per device: index, name, host_api, max_output_channels,
    default_samplerate, default_output (bool)."""
    sd = import_sounddevice()
    apis = sd.query_hostapis()
    try:
        default_out = sd.default.device[1]
    except Exception:   # noqa: BLE001 - sounddevice raises PortAudioError subclasses here
        default_out = -1
    out = []
    for i, d in enumerate(sd.query_devices()):
        out.append({
            "index": i,
            "name": d["name"],
            "host_api": apis[d["hostapi"]]["name"],
            "max_output_channels": d["max_output_channels"],
            "default_samplerate": d["default_samplerate"],
            "default_output": i == default_out,
        })
    return out


def format_devices() -> str:
    """A readable listing; never raises (says how to install PortAudio if missing)."""
    try:
        devices = list_devices()
    except AudioUnavailable as exc:
        return f"No audio devices: {exc}\nOffline rendering works without PortAudio."
    if not devices:
        return ("PortAudio found no audio devices. Start a JACK server (e.g. "
                "`jackd -d dummy -r 48000 -p 256`) or connect a sound card; livesamp "
                "can still render offline or play to the null output.")
    lines = []
    for d in devices:
        if d["max_output_channels"] < 1:
            continue
        mark = "*" if d["default_output"] else " "
        lines.append(f"{mark} {d['index']:>3}  {d['name']}  ({d['host_api']}, "
                     f"{d['max_output_channels']} out, {d['default_samplerate']:.0f} Hz)")
    if not lines:
        return "PortAudio found no output devices."
    return "output devices (* = default):\n" + "\n".join(lines)
