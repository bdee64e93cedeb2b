"""One memory per person: `--profile NAME` on any command, and `voice-guide forget`.

A profile is only a folder: the settings and places of "Anna" live in profiles/anna inside the
usual settings and state folders (settings.in_profile), so everything that loads or saves them
follows the profile without knowing about it. The choice travels in $VOICE_GUIDE_PROFILE, which
also lets a launcher or a caregiver's shell choose the person.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from ..conversation.memory import state_dir
from ..conversation.settings import PROFILE_ENV, SETTINGS_FILE, config_dir, profile_folder
from ..errors import GuideError

OPTION = "--profile"


def take_profile(argv: list[str]) -> list[str]:
    """Remove `--profile NAME` (or `--profile=NAME`) from anywhere in argv and make it the profile
    of this run; the rest of argv is returned. It is taken out before parsing so that it works
    before or after the command's name, as people type it."""
    rest: list[str] = []
    name: str | None = None
    args = iter(argv)
    for arg in args:
        if arg == OPTION:
            name = next(args, None)
            if name is None or name.startswith("-"):
                raise GuideError("Give the person's name after --profile, for example: voice-guide --profile Anna")
        elif arg.startswith(OPTION + "="):
            name = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    if name is not None:
        if not profile_folder(name):
            raise GuideError(f'"{name}" cannot be a profile name: use a name with letters, for example Anna.')
        os.environ[PROFILE_ENV] = name  # read by the settings and memory folders, and by child processes
    return rest


def current_profile() -> str:
    """The profile's name as given, or "" for the standard one."""
    name = os.environ.get(PROFILE_ENV, "").strip()
    return name if profile_folder(name) else ""


def whose() -> str:
    """ "Anna's" or "the standard profile's", for messages."""
    name = current_profile()
    return f"{name}'s" if name else "the standard profile's"


def _saved_files() -> list[Path]:
    """The files that hold this profile's settings and places. In the standard profile's folders,
    only its own files: the other people's profiles/ folders stay."""
    found: list[Path] = []
    settings = config_dir()
    if settings.is_dir():
        found += [p for p in settings.iterdir() if p.is_file() and p.name.startswith(SETTINGS_FILE)]
    places = state_dir()
    if places.is_dir():
        found += [p for p in places.iterdir() if p.is_file() and ".yaml" in p.name]
    return sorted(found)


def _confirmed(question: str, yes: bool) -> bool:
    if yes:
        return True
    if not sys.stdin.isatty():
        raise GuideError("Nothing was removed. To do it without being asked, add --yes.")
    answer = input(f"{question} Type yes to go on: ")
    return answer.strip().lower() in ("y", "yes")


def cmd_forget(args: argparse.Namespace) -> int:
    files = _saved_files()
    if not files:
        print(f"Nothing to forget: {whose()} settings and places are not saved yet ({config_dir()}, {state_dir()}).")
        return 0
    print(f"This forgets {whose()} settings (speaking rate, volume, ...), the place reached and the bookmark:")
    for path in files:
        print(f"  {path}")
    if not _confirmed("The next start will be like the very first.", args.yes):
        print("Nothing was removed.")
        return 0
    for path in files:
        path.unlink(missing_ok=True)
    if current_profile():  # a person's own folders are left empty: take them away too
        for folder in (config_dir(), state_dir()):
            shutil.rmtree(folder, ignore_errors=True)
    print(f"Done: {whose()} settings and places are forgotten. The next start will be like the very first.")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    forget = sub.add_parser(
        "forget", help="forget the saved settings, place and bookmark (of one --profile), to start fresh"
    )
    forget.add_argument("--yes", action="store_true", help="do not ask first")
    forget.set_defaults(func=cmd_forget)
