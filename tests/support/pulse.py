"""A private PulseAudio server that keeps real time, standing in for a laptop's sound hardware.

Two null sinks (see shared/notes/audio-without-hardware.md): the guide plays into `speaker` and
hears `micfeed.monitor`; whatever is played into `micfeed` is what its microphone hears. A
laptop is more than that, and the rig can add it:
- `echo(level_db)`: the loudspeaker heard by the microphone, a loopback from speaker.monitor into
  micfeed at a chosen level (-36 dB and -24 dB are typical; louder is common);
- `play(..., wait=False)`: a second talker in the room (see room.py), mixed into micfeed.
PulseAudio volumes are cubic: pactl's "-36dB" is 25%, "-24dB" about 40%.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .procs import end, readline, stop_pid
from .sound import wav_seconds

TOOLS = ("pulseaudio", "pactl", "paplay", "parec")
# Opens a PyAudio default output stream and holds it, so the server can be asked whether it shows.
PROBE = """
import sys, pyaudio
p = pyaudio.PyAudio()
s = p.open(format=pyaudio.paInt16, channels=1, rate=16000, output=True)
s.write(bytes(3200))
print("open", flush=True)
sys.stdin.readline()
"""


class RigError(Exception):
    """The rig, or the guide in it, did not do what was needed; `log` is worth showing."""

    def __init__(self, message: str, log: Path | None = None) -> None:
        super().__init__(message)
        self.log = log


def missing(*extra: str) -> list[str]:
    """The command-line tools this rig needs that are not installed."""
    return [tool for tool in (*TOOLS, *extra) if shutil.which(tool) is None]


def pa_volume(level_db: float) -> int:
    """PulseAudio's volume number (65536 is 100%) for a level in dB: volume is cubic in amplitude."""
    return max(0, round(65536 * 10 ** (level_db / 60)))


class Pulse:
    """The server, its environment (give `env` to every child), and the work folder it lives in."""

    def __init__(self, work: Path) -> None:
        self.work = work
        runtime = work / "runtime"
        runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if k != "VOICE_GUIDE_DEBUG_AUDIO"}
        self.env["XDG_RUNTIME_DIR"] = str(runtime)
        self.env["PULSE_SERVER"] = f"unix:{runtime}/pulse/native"  # never someone else's server
        # PyAudio's default device, explicitly through ALSA's pulse plugin (libasound2-plugins).
        conf = work / "asound-pulse.conf"
        conf.write_text("pcm.!default { type pulse }\nctl.!default { type pulse }\n", encoding="utf-8")
        self.env["ALSA_CONFIG_PATH"] = f"/usr/share/alsa/alsa.conf:{conf}"
        self.pid: int | None = None
        self._pid_file = runtime / "pulse" / "pid"
        self._players: list[subprocess.Popen] = []

    def start(self) -> None:
        """Start the server and check that PyAudio reaches it; RigError says why not."""
        started = subprocess.run(
            [
                "pulseaudio",
                "-D",
                "-n",
                "--exit-idle-time=-1",
                "--load=module-native-protocol-unix",
                "--load=module-null-sink sink_name=speaker",
                "--load=module-null-sink sink_name=micfeed",
            ],
            env=self.env,
            timeout=20,
            capture_output=True,
            text=True,
        )
        if self._pid_file.exists():
            self.pid = int(self._pid_file.read_text().split()[0])
        if started.returncode != 0 or self.pid is None:
            raise RigError(f"the PulseAudio server did not start: {started.stderr.strip()[-300:]}")
        self.pactl("set-default-sink", "speaker")  # what the guide plays goes here
        self.pactl("set-default-source", "micfeed.monitor")  # what the guide hears comes from here
        if not self.probe():
            raise RigError(
                "PyAudio's default output does not reach PulseAudio (ALSA pulse plugin missing? "
                "Debian: libasound2-plugins)"
            )

    def __enter__(self) -> Pulse:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def pactl(self, *words: str) -> str:
        done = subprocess.run(["pactl", *words], env=self.env, check=True, timeout=10, capture_output=True, text=True)
        return done.stdout

    def probe(self) -> bool:
        """Does a PyAudio default output stream show up as a sink input on this server?"""
        child = subprocess.Popen(
            [sys.executable, "-c", PROBE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=self.env,
            text=True,
        )
        try:
            return readline(child.stdout, 15.0) == "open" and bool(self.pactl("list", "short", "sink-inputs").strip())
        finally:
            end(child)

    def play(
        self, path: Path, device: str = "micfeed", level_db: float = 0.0, wait: bool = True
    ) -> subprocess.Popen | None:
        """Play a WAV into `device` in real time; `wait=False` returns at once (a talker in the room)."""
        words = ["paplay", f"--device={device}", f"--volume={pa_volume(level_db)}", str(path)]
        if wait:
            subprocess.run(words, env=self.env, check=True, timeout=wav_seconds(path) + 10, capture_output=True)
            return None
        proc = subprocess.Popen(words, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._players.append(proc)
        return proc

    def echo(self, level_db: float, latency_ms: int = 30) -> int:
        """The loudspeaker heard by the microphone at `level_db`; returns the module, for unload()."""
        module = self.pactl(
            "load-module",
            "module-loopback",
            "source=speaker.monitor",
            "sink=micfeed",
            f"latency_msec={latency_ms}",
            # A laptop's loudspeaker and microphone share one clock, so its echo comes back
            # with a fixed delay; the loopback's own rate adjustment would make it drift.
            "adjust_time=0",
            "source_dont_move=true",
            "sink_dont_move=true",
        ).strip()
        limit = time.monotonic() + 5
        while time.monotonic() < limit:
            sink_input = _owned_by(self.pactl("list", "sink-inputs"), module)
            if sink_input is not None:
                self.pactl("set-sink-input-volume", sink_input, str(pa_volume(level_db)))
                return int(module)
            time.sleep(0.05)
        self.unload(int(module))
        raise RigError("the echo loopback never showed up as a sink input")

    def echo_level_db(self, module: int) -> float | None:
        """The level the loopback really plays at, as PulseAudio reports it (None: not found)."""
        listing = self.pactl("list", "sink-inputs")
        block = _block_owned_by(listing, str(module))
        for line in block.splitlines():
            if line.strip().startswith("Volume:") and "dB" in line:
                return float(line.split("/")[2].strip().split()[0])
        return None

    def unload(self, module: int) -> None:
        self.pactl("unload-module", str(module))

    def suspend(self, sink: str, suspended: bool) -> None:
        self.pactl("suspend-sink", sink, "1" if suspended else "0")

    def close(self) -> None:
        for proc in self._players:
            end(proc)
        try:
            subprocess.run(["pactl", "exit"], env=self.env, timeout=5, capture_output=True)
        except (OSError, subprocess.TimeoutExpired):
            pass
        if self.pid is not None:
            stop_pid(self.pid)
            self.pid = None


def private_server(prefix: str) -> Iterator[Pulse]:
    """A started server in a fresh folder, for a fixture to yield from: the test is skipped, with
    the reason, when it cannot start here; afterwards it is stopped and its folder removed."""
    server = Pulse(Path(tempfile.mkdtemp(prefix=prefix)))
    try:
        server.start()
    except RigError as exc:
        server.close()
        shutil.rmtree(server.work, ignore_errors=True)
        pytest.skip(str(exc))
    try:
        yield server
    finally:
        server.close()
        shutil.rmtree(server.work, ignore_errors=True)


def _block_owned_by(listing: str, module: str) -> str:
    for block in listing.split("\n\n"):
        if any(line.strip() == f"Owner Module: {module}" for line in block.splitlines()):
            return block
    return ""


def _owned_by(listing: str, module: str) -> str | None:
    """The sink input (its number) that a module owns, in `pactl list sink-inputs` output."""
    block = _block_owned_by(listing, module)
    head = block.strip().splitlines()[0] if block.strip() else ""
    return head.split("#", 1)[1].strip() if head.startswith("Sink Input #") else None
