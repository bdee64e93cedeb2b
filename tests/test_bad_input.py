"""Bad input never breaks the guide, and nothing is lost (issue 13): every case a bad-input run
found, given to the real `voice-guide` command. The table is tests/bad_input.yaml; the cases
that need more than one step (two guides at once, a signal, a full disk) are written out below."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import stat
import struct
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from voice.conversation.memory import Memory, load_memory, save_memory
from voice.conversation.settings import Settings, load_settings, save_settings
from voice.hearing import models
from voice.hearing.wav import load_wav
from voice.understanding.normalize import MAX_HEARD_CHARS, capped, number_words, tokens
from voice.yamlfile import GuardedLoader, TooComplex, load_text, locked

CASES = yaml.safe_load((Path(__file__).with_name("bad_input.yaml")).read_text(encoding="utf-8"))
MODEL = "vosk-model-small-en-us-0.15"
MAX_RSS_MB = 400  # nothing here needs more than the guide itself (about 30 MB for typed use)


@dataclass
class Ran:
    code: int
    out: str
    err: str
    rss_mb: float  # the child's peak memory


def voice_guide(*args: str, stdin: str = "", timeout: float = 90, env: dict | None = None) -> Ran:
    """The real command; a hang fails the test at `timeout` instead of stalling the suite."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "voice", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    streams: dict[str, bytes] = {}

    def read(name: str, stream: object) -> None:
        streams[name] = stream.read()  # type: ignore[attr-defined]

    def write() -> None:
        try:
            proc.stdin.write(stdin.encode())  # type: ignore[union-attr]
            proc.stdin.close()  # type: ignore[union-attr]
        except BrokenPipeError:  # it ended without reading everything: its answer says why
            pass

    workers = [
        threading.Thread(target=read, args=("out", proc.stdout)),
        threading.Thread(target=read, args=("err", proc.stderr)),
        threading.Thread(target=write),
    ]
    for worker in workers:
        worker.start()
    deadline = time.monotonic() + timeout
    while True:  # os.wait4, not Popen.wait: it also gives the child's peak memory
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            proc.returncode = -9
            pytest.fail(f"voice-guide {' '.join(args)} did not finish within {timeout} s")
        time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)
    for worker in workers:
        worker.join(10)
    text = {k: v.decode("utf-8", "replace") for k, v in streams.items()}
    return Ran(proc.returncode, text.get("out", ""), text.get("err", ""), usage.ru_maxrss / 1024)


# --- making the bad input ---------------------------------------------------------------------


def _nested(key: str, depth: int) -> str:
    return f"{key}: " + "[" * depth + "]" * depth + "\n"


def _alias_bomb(key: str, levels: int) -> str:
    """Each level holds ten of the one before: 10**levels values from a few hundred bytes."""
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, levels)]
    return "\n".join([*lines, f"{key}: *l{levels - 1}", ""])


def _wav(rate: int = 16000, data: int = 0, tag: int = 1, width: int = 2, channels: int = 1, seconds: int = 0) -> bytes:
    """A WAV header and `data` bytes of sound; with `seconds`, the header of that much sound
    (the sound itself is left to the file: see _put, which makes it sparse)."""
    size = seconds * rate * width * channels if seconds else data
    fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * channels * width, channels * width, width * 8)
    head = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", size)
    sound = b"" if seconds else bytes(range(256))[:data] * (data // 256 + 1)
    return b"RIFF" + struct.pack("<I", 4 + len(head) + size) + head + sound[:data] + (b"\0" if data % 2 else b"")


def _fake_model(zf: zipfile.ZipFile, skip: tuple[str, ...] = ()) -> None:
    """The files a Vosk model must have (their contents are not loaded here)."""
    for part in ("am/final.mdl", "conf/model.conf", "graph/HCLG.fst"):
        if f"{MODEL}/{part}" not in skip:
            zf.writestr(f"{MODEL}/{part}", b"x" * 16)


def _zip(model: bool = True, link: str = "", extra: dict | None = None, declare: dict | None = None) -> bytes:
    """A model zip with one trick: a symlink entry, an extra entry, or members that declare
    (size, compressed size) far beyond what they hold (a zip bomb, described not built)."""
    from io import BytesIO

    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        if link:
            info = zipfile.ZipInfo(link)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc")
        for name, text in (extra or {}).items():
            zf.writestr(name, text)
        if model:
            _fake_model(zf, skip=tuple(declare or ()))
        for name, (size, packed) in (declare or {}).items():
            zf.writestr(name, b"\0" * 64)
            zf.filelist[-1].file_size, zf.filelist[-1].compress_size = size, packed
    return out.getvalue()


MAKERS: dict[str, Callable[..., object]] = {
    "nested": _nested,
    "alias_bomb": _alias_bomb,
    "text": lambda text: text,
    "many_keys": lambda count: "".join(f"k{i}: {i}\n" for i in range(count)),
    "repeat": lambda text, times, then="": text * times + "\n" + then,
    "wav": _wav,
    "bytes": lambda head, size=0: head.encode("latin-1").ljust(size, b"\0"),
    "zip": _zip,
    "fifo": lambda: None,
}


def _put(case: dict, tmp_path: Path) -> tuple[str, Path]:
    """Place the made input; returns what goes to stdin and the path given as {file}."""
    make = dict(case["make"])
    made = MAKERS[make.pop("kind")](**make)
    config, state = Path(os.environ["VOICE_GUIDE_CONFIG_DIR"]), Path(os.environ["VOICE_GUIDE_STATE_DIR"])
    target = {"settings": config / "settings.yaml", "memory": state / "leg-pain.yaml"}.get(case["put"])
    target = target or tmp_path / "input"
    target.parent.mkdir(parents=True, exist_ok=True)
    if case["put"] == "stdin":
        return str(made), target
    if made is None:
        os.mkfifo(target)  # nothing ever writes to it: reading it would wait forever
    elif isinstance(made, str):
        target.write_text(made, encoding="utf-8")
    else:
        target.write_bytes(made)
        seconds = case["make"].get("seconds")
        if seconds:  # the sound of a long recording, as a sparse file: no disk, no time
            os.truncate(target, len(made) + seconds * case["make"].get("rate", 16000) * 2)
    return case.get("stdin", ""), target


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bad_input_gets_one_plain_line(case: dict, tmp_path: Path) -> None:
    stdin, path = _put(case, tmp_path)
    args = [a.replace("{file}", str(path)).replace("{tmp}", str(tmp_path)) for a in case["run"]]
    ran = voice_guide(*args, stdin=stdin)
    assert "Traceback" not in ran.err, ran.err[-2000:]
    assert ran.code == case["code"], ran.err[-2000:]
    if "says" in case:
        # `run` says its notices in the welcome (captioned once); the other commands print them.
        said = [line for line in (ran.err + "\n" + ran.out).splitlines() if case["says"] in line]
        assert len(said) == 1, f"one line saying {case['says']!r}, got:\n{ran.err[-2000:]}\n{ran.out[-2000:]}"
        notice = said[0].split(" Welcome", 1)[0]  # in a caption, the welcome follows the notice
        assert len(notice) < 400, "a plain line, not a dump of the bad input"
    if ran.code != 0:
        assert len(ran.err.strip().splitlines()) == 1 and ran.err.startswith("voice-guide: ")
    if "answers" in case:
        assert case["answers"] in ran.out, ran.out[-2000:]
    assert ran.rss_mb < MAX_RSS_MB, f"{ran.rss_mb:.0f} MB"
    if case["put"] in ("settings", "memory") and case["make"]["kind"] != "fifo":
        kept = [p for p in path.parent.iterdir() if p.name.startswith(path.stem)]
        assert kept, "the damaged file is kept (as it is, or beside the new one)"


# --- reading the shared YAML helper (settings, memory; and packs, by subclassing) ----------------


def test_guarded_loader_limits_can_be_set_per_kind_of_file() -> None:
    class PackLoader(GuardedLoader):
        max_depth, max_nodes = 8, 50

    assert load_text("a: [[[[1]]]]\n", PackLoader)[0] == {"a": [[[[1]]]]}
    with pytest.raises(TooComplex, match="nested more than 8 levels deep"):
        load_text("a: " + "[" * 9 + "]" * 9 + "\n", PackLoader)
    with pytest.raises(TooComplex, match="more than 50 values"):
        load_text(_alias_bomb("a", 2), PackLoader)  # 100 values, from 2 lines
    shared = "a: &a [1, 2]\nb: *a\nc: *a\n"
    assert load_text(shared, PackLoader)[0] == {"a": [1, 2], "b": [1, 2], "c": [1, 2]}, "aliases still work"


# --- typed lines: numbers and the routing cap ---------------------------------------------------


def test_numbers_of_any_length_are_read_digit_by_digit() -> None:
    assert number_words("0042") == "forty two"
    assert number_words(7) == "seven" and number_words(305) == "three zero five"
    assert tokens("9" * 5000) == ["nine"] * 5000  # int() refuses more than 4,300 digits


def test_what_is_routed_is_capped_where_text_comes_in(pack: object) -> None:
    from voice.conversation.session import Session

    text = "what is " * 4000
    assert len(capped(text)) <= MAX_HEARD_CHARS and capped(text).endswith("is")
    assert capped("x" * 1000) == "x" * MAX_HEARD_CHARS
    assert capped("what is sciatica") == "what is sciatica"
    reply = Session(pack).handle(text)
    assert len(reply.heard.split()) <= MAX_HEARD_CHARS // 3, "the router saw only the start"


# --- recordings -------------------------------------------------------------------------------


def _pcm_wav(path: Path, samples: object, rate: int, tag: int = 1, width: int = 2) -> Path:
    import numpy as np

    data = np.asarray(samples)
    if tag == 3:
        data = (data / 32768.0).astype("<f4" if width == 4 else "<f8")
    else:
        data = data.astype("<i2")
    fmt = struct.pack("<HHIIHH", tag, 1, rate, rate * width, width, width * 8)
    body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", data.nbytes) + data.tobytes()
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


@pytest.mark.parametrize("width", [4, 8])
def test_float_wav_is_read_as_the_same_sound(tmp_path: Path, width: int) -> None:
    import numpy as np

    t = np.arange(16000) / 16000
    tone = (8000 * np.sin(2 * np.pi * (200 + 600 * t) * t)).astype(np.int16)  # a rising whistle
    plain = np.frombuffer(load_wav(_pcm_wav(tmp_path / "i.wav", tone, 16000)), "<i2").astype(int)
    floats = np.frombuffer(load_wav(_pcm_wav(tmp_path / "f.wav", tone, 16000, 3, width)), "<i2").astype(int)
    assert len(floats) == len(plain) == 16000
    assert np.abs(floats - plain).max() <= 2, "float samples become the same 16-bit sound"


# --- the settings and the memory: nothing is lost ---------------------------------------------


def test_a_guide_saves_only_what_it_changed(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    assert save_settings(Settings(rate=130), path) is None
    guide, _ = load_settings(path)  # a guide starts
    caregiver, _ = load_settings(path)
    from voice.conversation.settings import set_value

    changed = set_value(caregiver, "volume", "0.5")  # voice-guide settings volume 0.5, meanwhile
    assert save_settings(changed, path, before=caregiver) is None
    before = Settings(**vars(guide))
    guide.change_rate(+1)  # the user says "faster"
    assert save_settings(guide, path, before=before) is None
    assert load_settings(path) == (Settings(rate=150, volume=0.5), None), "both changes are kept"


def test_two_guides_take_turns_under_the_lock(tmp_path: Path) -> None:
    """One guide holds the lock while it writes; the other waits, then merges over its write."""
    path = tmp_path / "settings.yaml"
    assert save_settings(Settings(), path) is None
    started, done = threading.Event(), threading.Event()

    def second_guide() -> None:
        started.set()
        save_settings(Settings(sound_cues=False), path, before=Settings())
        done.set()

    with locked(path):
        worker = threading.Thread(target=second_guide)
        worker.start()
        started.wait(10)
        time.sleep(0.3)  # long enough for an unlocked save to finish (not a timing assertion)
        assert not done.is_set(), "the second guide waits for the lock"
        path.write_text("rate: 210\n")  # the first guide's write, inside its turn
    worker.join(10)
    assert done.is_set()
    assert load_settings(path) == (Settings(rate=210, sound_cues=False), None)


def test_a_damaged_settings_file_is_kept_aside_when_saving(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text("rate: 170\nvolume: [[\n")
    assert save_settings(Settings(volume=0.5), path, before=Settings()) is None
    assert (tmp_path / "settings.damaged.yaml").read_text() == "rate: 170\nvolume: [[\n"
    assert load_settings(path) == (Settings(volume=0.5), None)


def test_a_damaged_memory_keeps_its_bookmark_aside(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("bookmark: herniated-disc\nvisits: lots\n")
    memory, notice = load_memory("p", path)
    assert memory == Memory() and notice and "kept as p.damaged.yaml" in notice
    assert save_memory(Memory(visits=1), "p", path) is None
    assert "bookmark: herniated-disc" in (tmp_path / "p.damaged.yaml").read_text()
    path.write_text("{{{")
    load_memory("p", path)
    assert (tmp_path / "p.damaged-2.yaml").read_text() == "{{{", "a second damaged file does not replace the first"


def test_two_guides_keep_each_others_memory(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    save_memory(Memory(place="about", visits=3), "p", path)
    one, _ = load_memory("p", path)
    two, _ = load_memory("p", path)
    before_one, before_two = Memory(**vars(one)), Memory(**vars(two))
    one.bookmark = "pregnancy"
    save_memory(one, "p", path, before=before_one)
    two.place = "causes"
    save_memory(two, "p", path, before=before_two)
    assert load_memory("p", path) == (Memory(place="causes", bookmark="pregnancy", visits=3), None)


def test_a_caregivers_change_survives_the_users_next_faster() -> None:
    """End to end: `run` is talking; `voice-guide settings volume 0.5`; the user says faster."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "voice", "run", "--typed"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdin is not None
        _wait_for(proc, "Welcome")
        assert voice_guide("settings", "volume", "0.5").code == 0
        proc.stdin.write("faster\n")
        proc.stdin.flush()
        _wait_for(proc, "faster")
        proc.stdin.close()
        proc.wait(60)
    finally:
        proc.kill()
    settings, notice = load_settings()
    assert notice is None
    assert (settings.volume, settings.rate) == (0.5, 170)


def _wait_for(proc: subprocess.Popen, words: str) -> None:
    for line in proc.stdout:  # type: ignore[union-attr]
        if words in line:
            return
    pytest.fail(f"the guide ended before saying {words!r}: {proc.stderr.read()}")  # type: ignore[union-attr]


def test_chat_keeps_the_bookmark_it_promises() -> None:
    first = voice_guide("chat", "--json", stdin="tell me about pregnancy\nremember this\nwhat is sciatica\n")
    assert "even next time" in first.out
    later = voice_guide("chat", "--json", stdin="go to my bookmark\n")
    assert '"item": "pregnancy"' in later.out
    memory, _ = load_memory("leg-pain")
    assert memory.bookmark == "pregnancy" and memory.place == "pregnancy"


# --- the spoken guide ends cleanly on signals, and its speech is private ------------------------


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_run_leaves_no_speech_behind_after_a_signal(tmp_path: Path, sig: int) -> None:
    pytest.importorskip("pyttsx3")
    if not shutil.which("espeak-ng"):
        pytest.skip("the speaking voice needs espeak-ng")
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"} | {"TMPDIR": str(temp)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "voice", "run", "--typed", "--save-audio", str(tmp_path / "saved")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        proc.stdin.write("what is sciatica\n")  # type: ignore[union-attr]
        proc.stdin.flush()  # type: ignore[union-attr]
        _wait_for(proc, "sciatic nerve")
        saved = tmp_path / "saved"
        for _ in range(600):  # until the answer has been spoken (its copy is saved at the end)
            if len(list(saved.glob("*.wav"))) >= 2:
                break
            time.sleep(0.1)
        folders = list(temp.glob("voice-guide-*"))
        assert len(folders) == 1 and stat.S_IMODE(folders[0].stat().st_mode) == 0o700
        assert not any(folders[0].iterdir()), "no answer is left on disk between sentences"
        proc.send_signal(sig)
        code = proc.wait(60)
    finally:
        proc.kill()
    assert code == 128 + sig
    assert "Traceback" not in proc.stderr.read()  # type: ignore[union-attr]
    assert not list(temp.iterdir()), "the private folder is removed"


# --- speech models ----------------------------------------------------------------------------


def test_a_damaged_model_falls_back_in_one_line(tmp_path: Path) -> None:
    """Kaldi printed its whole option list (about 72 lines) before the guide's own notice."""
    pytest.importorskip("vosk")
    model = tmp_path / "models" / MODEL
    for part, text in (("am/final.mdl", "junk"), ("conf/model.conf", "--frame-subsa\n"), ("graph/HCLG.fst", "x")):
        (model / part).parent.mkdir(parents=True, exist_ok=True)
        (model / part).write_text(text)
    wav = _pcm_wav(tmp_path / "q.wav", [0] * 8000, 16000)
    ran = voice_guide("listen", str(wav), env=os.environ | {"VOSK_MODEL_PATH": str(tmp_path / "models")})
    assert ran.code == 0
    assert ran.err.splitlines() == [
        f"The speech model in {model} could not be loaded: it is damaged or incomplete. Copy or download it "
        "again. Using the built-in recogniser instead."
    ]


def _small_disk(tmp_path: Path) -> Path | None:
    """A folder on a tiny tmpfs of 40 inodes, in a private mount namespace; None when not possible."""
    if not shutil.which("unshare"):
        return None
    probe = subprocess.run(["unshare", "-rm", "mount", "-t", "tmpfs", "tmpfs", str(tmp_path)], capture_output=True)
    return tmp_path / "disk" if probe.returncode == 0 else None


def test_a_full_disk_during_install_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "model.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        _fake_model(zf)
        for i in range(100):  # more files than the disk has room for (inodes, a real ENOSPC)
            zf.writestr(f"{MODEL}/extra/{i}.txt", "y")
    disk = _small_disk(tmp_path)
    if disk is not None:
        script = (
            f"mkdir -p {disk} && mount -t tmpfs -o size=64m,nr_inodes=40 tmpfs {disk} && "
            f"{sys.executable} -m voice models install {archive} --to {disk}/models; echo rc=$?; ls -A {disk}/models"
        )
        out = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=120)
        assert "rc=1" in out.stdout and out.stdout.split("rc=1", 1)[1].strip() == "", "nothing is left behind"
        message = out.stderr.strip()
    else:  # no mount namespace here: the same error from a monkeypatched write
        real = zipfile.ZipFile.extractall

        def full(self: zipfile.ZipFile, *args: object, **kwargs: object) -> None:
            real(self, *args, **kwargs)
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(zipfile.ZipFile, "extractall", full)
        with pytest.raises(models.ModelError) as caught:
            models.install(archive, tmp_path / "models")
        message = f"voice-guide: {caught.value}"
        assert not any((tmp_path / "models").iterdir()), "nothing is left behind"
    assert message.startswith("voice-guide: The model could not be installed in ")
    assert "(the disk is full). Nothing was installed" in message and len(message.splitlines()) == 1


@pytest.mark.parametrize(
    "declare, model",
    [
        ({"big.bin": [5368709120, 3000000000]}, False),  # not a model
        ({"bomb.bin": [5368709120, 5000000]}, True),  # a bomb beside a model
        ({f"{MODEL}/am/final.mdl": [900000000000000, 800000000000000]}, True),  # more than the disk
    ],
    ids=["not a model", "a bomb", "too large"],
)
def test_a_refused_zip_is_never_unpacked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, declare: dict, model: bool
) -> None:
    def unpack(*args: object, **kwargs: object) -> None:
        pytest.fail("unpacked before it was checked")

    monkeypatch.setattr(zipfile.ZipFile, "extractall", unpack)
    monkeypatch.setattr(zipfile.ZipFile, "testzip", unpack)  # reading every member is unpacking too
    archive = tmp_path / "model.zip"
    archive.write_bytes(_zip(model=model, declare=declare))
    with pytest.raises(models.ModelError):
        models.install(archive, tmp_path / "models")
    assert not any((tmp_path / "models").iterdir())


def test_a_model_folder_with_a_looping_link_is_refused(tmp_path: Path) -> None:
    model = tmp_path / "usb" / MODEL
    for part in ("am/final.mdl", "conf/model.conf", "graph/HCLG.fst"):
        (model / part).parent.mkdir(parents=True, exist_ok=True)
        (model / part).write_text("x")
    (model / "graph" / "loop").symlink_to("..")
    with pytest.raises(models.ModelError, match=r"has a link \(graph/loop\) where a folder should be"):
        models.install(model, tmp_path / "models")
    assert not any((tmp_path / "models").iterdir())


def test_a_killed_installs_folder_is_cleared_by_the_next(tmp_path: Path) -> None:
    dest = tmp_path / "models"
    gone = subprocess.Popen(["true"])
    gone.wait()
    stale = [dest / f".installing-{gone.pid}-abc", dest / ".installing-x1y2"]  # a dead install; an old name
    running = dest / f".installing-{os.getpid()}-def"  # an install that is still running
    for folder in [*stale, running]:
        (folder / "half").mkdir(parents=True)
    archive = tmp_path / "model.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        _fake_model(zf)
    assert models.install(archive, dest) == dest / MODEL
    assert not any(p.exists() for p in stale) and running.exists()
    assert sorted(p.name for p in dest.iterdir()) == sorted([running.name, MODEL])


# --- checks that already held: kept -------------------------------------------------------------

TURNS = yaml.safe_load((Path(__file__).with_name("chat_soak.yaml")).read_text(encoding="utf-8"))


def _chat(turns: int) -> Ran:
    lines = "".join(f"{TURNS[i % len(TURNS)]}\n" for i in range(turns))
    ran = voice_guide("chat", "--json", stdin=lines, timeout=300)
    assert ran.code == 0 and len(ran.out.splitlines()) == turns + 1  # the welcome comes first
    return ran


def test_chat_soak_memory_stays_flat() -> None:
    """3,000 turns take no more memory than 300 (scripts/soak_chat.py runs 10,000)."""
    short, long = _chat(300), _chat(3000)
    assert long.rss_mb - short.rss_mb < 8, f"{short.rss_mb:.0f} MB -> {long.rss_mb:.0f} MB"


SOCKET_HOOK = """
import socket, sys
def hook(event, args):
    if event == "socket.__new__" and args[1] in (socket.AF_INET, socket.AF_INET6):
        sys.stderr.write("NETWORK SOCKET\\n"); sys.stderr.flush()
sys.addaudithook(hook)
from voice.app.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize(
    "args, stdin",
    [
        (["ask", "what is sciatica"], ""),
        (["chat", "--json"], "what is sciatica\nnext\nremember this\n"),
        (["listen", "--engine", "sphinx", "{wav}"], ""),
        (["run", "--typed"], "what is sciatica\nquit\n"),
    ],
    ids=["ask", "chat", "listen", "run"],
)
def test_no_network_socket_is_opened(args: list[str], stdin: str, tmp_path: Path) -> None:
    wav = _pcm_wav(tmp_path / "q.wav", [0] * 8000, 16000)
    args = [a.replace("{wav}", str(wav)) for a in args]
    command = [sys.executable, "-c", SOCKET_HOOK, *args]
    if shutil.which("strace"):  # sees the C libraries too (PortAudio, espeak, the recognisers)
        command = ["strace", "-f", "-qq", "-e", "trace=socket", "-o", str(tmp_path / "trace"), *command]
    out = subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "NETWORK SOCKET" not in out.stderr
    trace = tmp_path / "trace"
    if trace.exists():
        assert "AF_INET" not in trace.read_text(), trace.read_text()
