"""`voice-guide install-launcher` and `voice-guide uninstall`.

For someone who cannot see the screen, the guide has to start without reading anything: a menu
entry ("Voice guide") opens it in a terminal window, and an entry in the autostart folder can
start it at log-in, so it speaks as soon as the desktop is up. The files follow the XDG desktop
entry and autostart specifications; each carries a mark (MARK) so that uninstall removes only
what the guide wrote, together with the `voice-guide` link and PATH line the set-up added.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from pathlib import Path

import platformdirs

from .. import __version__
from ..conversation.memory import state_dir
from ..conversation.settings import PROFILE_ENV, config_dir, profile_folder
from ..errors import GuideError
from .profiles import current_profile

MARK = "X-Voice-Guide"  # our own key (desktop entries allow X- keys): "written by voice-guide"
BASHRC_START, BASHRC_END = "# >>> voice-guide >>>", "# <<< voice-guide <<<"  # as scripts/setup.sh writes them
_RESERVED = re.compile(r"[\s\"'\\<>~|&;$*?#()`]")  # characters that make an Exec argument need quotes


def _xdg(variable: str, default: str) -> Path:
    value = os.environ.get(variable, "")
    return Path(value) if os.path.isabs(value) else Path.home() / default  # the spec ignores relative paths


def applications_dir() -> Path:
    return _xdg("XDG_DATA_HOME", ".local/share") / "applications"


def autostart_dir() -> Path:
    return _xdg("XDG_CONFIG_HOME", ".config") / "autostart"


def link_path() -> Path:
    return Path.home() / ".local" / "bin" / "voice-guide"


def program() -> list[str]:
    """The command that starts this installation of the guide, with absolute paths, so that it
    runs from a menu whose PATH lacks ~/.local/bin, and keeps working if that link goes."""
    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script and script.name == "voice-guide":
        found = shutil.which(str(script)) or str(script)
        return [str(Path(found).resolve())]  # the venv's script, not the ~/.local/bin link to it
    return [sys.executable, "-m", "voice"]


def exec_value(argv: list[str]) -> str:
    """The Exec key's value for argv, quoted as the desktop entry specification says."""
    words = []
    for arg in argv:
        if "\n" in arg:
            raise GuideError(f"The guide's folder has a line break in its name ({arg!r}); move it to a plain folder.")
        arg = arg.replace("%", "%%")  # % starts a field code
        if not arg or _RESERVED.search(arg):
            arg = '"' + re.sub(r'(["`$\\])', r"\\\1", arg) + '"'
        words.append(arg)
    return " ".join(words).replace("\\", "\\\\")  # then escaped again as a string value


def entry_name(profile: str) -> str:
    return f"voice-guide-{profile_folder(profile)}.desktop" if profile else "voice-guide.desktop"


def desktop_entry(argv: list[str], profile: str, at_login: bool) -> str:
    title = f"Voice guide for {profile}" if profile else "Voice guide"
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.4",  # the newest desktop-file-validate (Debian 12) knows
        f"Name={title}",
        "GenericName=Spoken health guide",
        "Comment=Listens to questions and reads health information aloud, with no internet",
        f"Exec={exec_value(argv)}",
        "Terminal=true",  # the guide reads keys and prints captions in its terminal
        "Icon=audio-input-microphone",
        "Categories=Utility;Accessibility;",
        "Keywords=speech;voice;health;blind;low vision;talking;",
        "StartupNotify=false",
        f"{MARK}={__version__}",
    ]
    if at_login:
        lines.append("X-GNOME-Autostart-enabled=true")
    return "\n".join(lines) + "\n"


def install(profile: str = "", at_login: bool = False) -> list[Path]:
    """Write the menu entry (and the log-in entry, or take an old one away); returns what was written."""
    argv = [*program(), "run", *(["--profile", profile] if profile else [])]
    written = []
    menu = applications_dir() / entry_name(profile)
    _write(menu, desktop_entry(argv, profile, at_login=False))
    written.append(menu)
    login = autostart_dir() / entry_name(profile)
    if at_login:
        _write(login, desktop_entry(argv, profile, at_login=True))
        written.append(login)
    elif _ours(login):
        login.unlink()
    return written


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.new")
        temp.write_text(text, encoding="utf-8")
        temp.replace(path)
    except OSError as exc:
        raise GuideError(f"Could not write {path} ({exc.strerror or exc}).") from None


def _ours(path: Path) -> bool:
    try:
        return path.is_file() and any(line.startswith(MARK + "=") for line in path.read_text("utf-8").splitlines())
    except (OSError, UnicodeError):
        return False


def _entries() -> list[Path]:
    return [p for folder in (applications_dir(), autostart_dir()) for p in sorted(folder.glob("voice-guide*.desktop"))]


def _ask(question: str, default: bool) -> bool:
    answer = input(f"{question} [{'Y/n' if default else 'y/N'}] ").strip().lower()
    return default if not answer else answer.startswith("y")


def cmd_install_launcher(args: argparse.Namespace) -> int:
    profile = current_profile()
    at_login = args.at_login
    if args.ask:
        if not sys.stdin.isatty():
            return 0
        if not _ask("Add 'Voice guide' to the applications menu, to start it without typing?", True):
            print("No menu entry added. Later: voice-guide install-launcher")
            return 0
        at_login = _ask(
            "Also start the guide each time this user logs in (for someone who cannot see the screen)?", False
        )
    for path in install(profile, at_login):
        print(f"Added {path}")
    print("The guide opens in a terminal window and speaks at once. To take it away: voice-guide uninstall")
    return 0


def _remove_path_line(bashrc: Path) -> bool:
    try:
        text = bashrc.read_text(encoding="utf-8")
    except (OSError, UnicodeError):
        return False
    kept, inside = [], False
    for line in text.splitlines(keepends=True):
        if line.startswith(BASHRC_START):
            inside = True
        elif inside and line.startswith(BASHRC_END):
            inside = False
        elif not inside:
            kept.append(line)
    if len(kept) == len(text.splitlines()):
        return False
    bashrc.write_text("".join(kept), encoding="utf-8")
    return True


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0


def cmd_uninstall(args: argparse.Namespace) -> int:
    from ..hearing.models import user_models_dir

    removed = [p for p in _entries() if _ours(p)]
    for path in removed:
        path.unlink()
    link = link_path()
    if link.is_symlink() and Path(os.readlink(link)).name == "voice-guide":
        link.unlink()
        removed.append(link)
    bashrc = Path.home() / ".bashrc"
    if _remove_path_line(bashrc):
        removed.append(Path(f"{bashrc} (the voice-guide lines)"))
    # The recogniser's cache (as sphinx_engine.cache_dir finds it) is remade whenever it is needed.
    cache = Path(os.environ.get("VOICE_GUIDE_CACHE") or platformdirs.user_cache_dir("voice-guide", appauthor=False))
    if cache.is_dir():
        shutil.rmtree(cache, ignore_errors=True)
        removed.append(cache)
    for path in removed:
        print(f"Removed {path}")
    if not removed:
        print("No menu entry, log-in entry or command link of the guide was found.")
    # Settings and places (of every person) and models are the user's: removed only when asked.
    os.environ.pop(PROFILE_ENV, None)
    data = [p for p in (config_dir(), state_dir(), user_models_dir().parent) if p.is_dir()]
    if data:
        sizes = sum(_size(p) for p in data)
        print("Kept for now: the saved settings and places of everyone, and any speech models:")
        for folder in data:
            print(f"  {folder}")
        if args.all or (sys.stdin.isatty() and _ask(f"Remove these too ({sizes / 1e6:.1f} MB)?", False)):
            for folder in data:
                shutil.rmtree(folder, ignore_errors=True)
                print(f"Removed {folder}")
        elif not sys.stdin.isatty():
            print("To remove them too: voice-guide uninstall --all")
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file():
        print(f"The program itself is the folder {root}: delete it to remove the guide completely.")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    launcher = sub.add_parser("install-launcher", help="add 'Voice guide' to the applications menu (and at log-in)")
    launcher.add_argument("--at-login", action="store_true", help="also start the guide when this user logs in")
    launcher.add_argument("--ask", action="store_true", help=argparse.SUPPRESS)  # the set-up's one question
    launcher.set_defaults(func=cmd_install_launcher)
    uninstall = sub.add_parser("uninstall", help="remove the menu entries and the command link the guide added")
    uninstall.add_argument("--all", action="store_true", help="also remove everyone's settings, places and models")
    uninstall.set_defaults(func=cmd_uninstall)
