"""Where a person's settings and places are kept: the platform's per-user folders, one folder
per profile inside them, or the folders the environment names (tests, caregivers)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import platformdirs

APP_NAME = "voice-guide"
CONFIG_ENV = "VOICE_GUIDE_CONFIG_DIR"
# One person's settings and places each, on a shared account: `--profile NAME` sets this.
PROFILE_ENV = "VOICE_GUIDE_PROFILE"
PROFILES_FOLDER = "profiles"
SETTINGS_FILE = "settings.yaml"


def profile_folder(name: str) -> str:
    """The folder of a person's profile: "Anna Smith" -> "anna-smith"; "" when the name has no letters."""
    return "-".join(re.findall(r"[^\W_]+", name.lower()))[:40].strip("-")


def in_profile(base: Path) -> Path:
    """`base` for the standard profile; base/profiles/NAME while $VOICE_GUIDE_PROFILE names a person."""
    folder = profile_folder(os.environ.get(PROFILE_ENV, ""))
    return base / PROFILES_FOLDER / folder if folder else base


def config_dir() -> Path:
    """The settings folder: $VOICE_GUIDE_CONFIG_DIR, or the platform's per-user config folder (and
    the profile's own folder inside it)."""
    override = os.environ.get(CONFIG_ENV)
    base = Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    return in_profile(base)


def settings_path() -> Path:
    return config_dir() / SETTINGS_FILE
