"""The caregiver's commands: `voice-guide settings` and `voice-guide models`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import GuideError
from . import profiles


def cmd_settings(args: argparse.Namespace) -> int:
    from ..conversation.settings import describe, load_settings, save_settings, set_value, settings_path

    settings, problem = load_settings()
    if problem:
        print(problem, file=sys.stderr)
    if args.key and args.value is None:
        raise GuideError(f"Give a value too: voice-guide settings {args.key} VALUE")
    if args.key:
        settings, before = set_value(settings, args.key, args.value), settings
        problem = save_settings(settings, before=before)  # only this one: a running guide's changes stay
        if problem:
            raise GuideError(problem)
    person = profiles.current_profile()
    print(f"Settings{f' for {person}' if person else ''} ({settings_path()}):")
    for line in describe(settings):
        print(f"  {line}")
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from ..hearing import models

    if args.action == "install":
        if not args.source:
            raise GuideError("Say which model to install: voice-guide models install ZIP_OR_FOLDER")
        target = models.install(args.source, Path(args.to) if args.to else None)
        print(f"Installed {target.name} in {target.parent}. The guide will use it the next time it starts.")
        return 0
    print("Speech models are looked for in:")
    for place in models.search_path(args.model):
        print(f"  {place}")
    found = models.find_models(args.model)
    if not found:
        from ..hearing.moonshine_engine import model_folder

        built_in = "Moonshine and PocketSphinx" if model_folder() is not None else "PocketSphinx"
        print(f"No Vosk model is installed: the guide uses its built-in recognisers ({built_in}).")
    for path, problem in found:
        language = models.guess_language(path.name) or "unknown language"
        state = f"BROKEN: it {problem}" if problem else "ready"
        print(f"  {path.name} ({language}): {state}  [{path}]")
    download = Path(__file__).resolve().parents[2] / "scripts" / "download_model.py"  # in the guide's folder
    print(
        "To add one: copy a Vosk model (for English: " + models.SMALL_ENGLISH + ".zip) from a USB "
        "stick and run 'voice-guide models install PATH'"
        + (f", or while this computer has internet run '{download}'." if download.is_file() else ".")
    )
    return 0
