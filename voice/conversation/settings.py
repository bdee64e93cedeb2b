"""How the guide speaks and listens: the values a user can change, their bounds, and the saved file.

Loading and saving never raise: a guide that cannot read or write its settings still has to talk,
so problems come back as one plain notice for the user instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import yaml

from ..errors import GuideError
from ..yamlfile import keep_aside, locked, read_problem, read_yaml, write_atomic, write_problem
from .folders import APP_NAME, PROFILE_ENV, SETTINGS_FILE, config_dir, in_profile, profile_folder, settings_path  # noqa: F401  (the places callers find them)

# Words per minute. 150 is a calm reading pace; below 90 words fall apart, above 250
# few older listeners keep up.
RATE_MIN, RATE_MAX, RATE_STEP, RATE_DEFAULT = 90, 250, 20, 150
# Volume is pyttsx3's 0..1 scale; below 0.3 speech is lost on a laptop's speakers.
VOLUME_MIN, VOLUME_MAX, VOLUME_STEP, VOLUME_DEFAULT = 0.3, 1.0, 0.1, 0.9
ENGINES = ("auto", "vosk", "moonshine", "sphinx")
WAKE_PHRASE_DEFAULT = "guide"
# What the emergency reply tells people to call until a caregiver sets the real number.
EMERGENCY_NUMBER_DEFAULT = "your local emergency number"

_KEEP_FILE = "the file is left as it is until you change a setting."
_SHOWN_PROBLEMS = 3  # a notice is spoken: name the first few, count the rest


@dataclass
class Settings:
    rate: int = RATE_DEFAULT
    volume: float = VOLUME_DEFAULT
    voice: str = ""  # a pyttsx3 voice id or name; "" means the system default
    sound_cues: bool = True  # short tones for "listening" and "did not catch that"
    engine: str = "auto"  # speech recognizer: auto, vosk, moonshine or sphinx
    wake_phrase: str = WAKE_PHRASE_DEFAULT
    push_to_talk: bool = False
    welcome_back: bool = True  # offer to go back to where the user was last time
    emergency_number: str = EMERGENCY_NUMBER_DEFAULT  # said twice in every emergency reply

    def change_rate(self, steps: int) -> bool:
        """Move the rate by whole steps within bounds; False when already at the bound."""
        new = min(RATE_MAX, max(RATE_MIN, self.rate + steps * RATE_STEP))
        changed, self.rate = new != self.rate, new
        return changed

    def change_volume(self, steps: int) -> bool:
        new = round(min(VOLUME_MAX, max(VOLUME_MIN, self.volume + steps * VOLUME_STEP)), 2)
        changed, self.volume = new != self.volume, new
        return changed


# --- checking values --------------------------------------------------------------------------
# One checker per field serves both the saved file (YAML types) and the command line (strings),
# so both accept exactly the same values and explain refusals with the same words.


class _Bad(ValueError):
    """A value a field does not accept; the field's rule explains why."""


_TRUE = {"on", "yes", "true"}
_FALSE = {"off", "no", "false"}
_WORD = re.compile(r"^[^\W\d_]+(?:['-][^\W\d_]+)*$")  # letters, with inner ' or - ("o'clock", "hey-guide")


def _number(raw: object) -> float:
    if isinstance(raw, bool):  # YAML "yes" is a bool, and bool is an int: not a number here
        raise _Bad
    if isinstance(raw, (int, float)):
        return float(raw)
    if isinstance(raw, str):
        try:
            return float(raw.strip())
        except ValueError:
            raise _Bad from None
    raise _Bad


def _rate(raw: object) -> int:
    value = _number(raw)
    if not value.is_integer() or not RATE_MIN <= value <= RATE_MAX:
        raise _Bad
    return int(value)


def _volume(raw: object) -> float:
    value = _number(raw)
    if not VOLUME_MIN <= value <= VOLUME_MAX:
        raise _Bad
    return round(value, 2)


def _voice(raw: object) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise _Bad
    value = raw.strip()
    return "" if value.lower() == "default" else value


def _flag(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
        return raw.strip().lower() in _TRUE
    raise _Bad


def _engine(raw: object) -> str:
    if isinstance(raw, str) and raw.strip().lower() in ENGINES:
        return raw.strip().lower()
    raise _Bad


def _wake_phrase(raw: object) -> str:
    if not isinstance(raw, str):
        raise _Bad
    words = raw.lower().split()
    if not words or not all(_WORD.match(word) for word in words):
        raise _Bad
    return " ".join(words)


def _emergency_number(raw: object) -> str:
    # Digits ("999", "1 1 2") or words ("nine nine nine"); short, because it is said twice at once.
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str):
        raise _Bad
    value = " ".join(raw.split())
    if value.lower() == "default":
        return EMERGENCY_NUMBER_DEFAULT
    if not value or len(value) > 40 or not re.fullmatch(r"[\w' -]+", value):
        raise _Bad
    return value


@dataclass(frozen=True)
class _Rule:
    check: Callable[[object], Any]
    allowed: str  # completes "<key> must be ..."
    meaning: str  # shown by describe()


_RULES: dict[str, _Rule] = {
    "rate": _Rule(
        _rate, f"a whole number from {RATE_MIN} to {RATE_MAX}", f"words per minute, {RATE_MIN} to {RATE_MAX}"
    ),
    "volume": _Rule(_volume, f"a number from {VOLUME_MIN} to {VOLUME_MAX}", f"{VOLUME_MIN} to {VOLUME_MAX}"),
    "voice": _Rule(_voice, "a voice name or id, or default", "a voice name or id, or default"),
    "sound_cues": _Rule(_flag, "on or off", "short tones while listening, on or off"),
    "engine": _Rule(_engine, "auto, vosk, moonshine or sphinx", "speech recognizer: auto, vosk, moonshine or sphinx"),
    "wake_phrase": _Rule(_wake_phrase, "one or more words, such as guide", "the word that gets the guide's attention"),
    "push_to_talk": _Rule(_flag, "on or off", "listen only while a key is held, on or off"),
    "welcome_back": _Rule(_flag, "on or off", "offer to go back to where you were, on or off"),
    "emergency_number": _Rule(
        _emergency_number,
        "a phone number such as 999, 911 or 112 (or default)",
        "the number every emergency reply tells people to call",
    ),
}
assert set(_RULES) == {f.name for f in fields(Settings)}, "every setting needs a rule"


def _key(name: str) -> str:
    """Accept "sound-cues" and "Sound_Cues" from the command line as "sound_cues"."""
    return name.strip().lower().replace("-", "_")


def set_value(settings: Settings, key: str, value: str) -> Settings:
    """A copy of settings with key set from a typed string (``voice-guide settings KEY VALUE``)."""
    name = _key(key)
    rule = _RULES.get(name)
    if rule is None:
        raise GuideError(f'"{key}" is not a setting; the settings are {", ".join(_RULES)}.')
    try:
        parsed = rule.check(value)
    except _Bad:
        raise GuideError(f'{name} must be {rule.allowed}, not "{value}".') from None
    return replace(settings, **{name: parsed})


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if value == "":
        return "system default"
    return str(value)


def describe(settings: Settings) -> list[str]:
    """One line per setting, e.g. "rate: 150 (words per minute, 90 to 250)"."""
    return [f"{name}: {_shown(getattr(settings, name))} ({rule.meaning})" for name, rule in _RULES.items()]


# --- reading the file -------------------------------------------------------------------------


def _read_fields(data: dict, lines: dict[str, int]) -> tuple[dict[str, Any], list[str]]:
    """The good values of a settings mapping, and a plain description of each bad one."""
    good: dict[str, Any] = {}
    problems: list[str] = []
    for raw_key, raw in data.items():
        key = str(raw_key)
        where = f"line {lines[key]}: " if key in lines else ""
        rule = _RULES.get(key)
        if rule is None:
            problems.append(f'{where}"{key}" is not a setting')
            continue
        try:
            good[key] = rule.check(raw)
        except _Bad:
            problems.append(f"{where}{key} must be {rule.allowed}")
    return good, problems


def _read_file(path: Path) -> tuple[dict[str, Any], list[str], str | None]:
    """The file's good values, its bad ones described, and why none could be read (or None)."""
    try:
        data, lines = read_yaml(path)
    except FileNotFoundError:
        return {}, [], None
    except (OSError, UnicodeError, yaml.YAMLError) as exc:
        return {}, [], f", {read_problem(exc)}"
    if data is None:  # an empty file holds no choices, which is not an error
        return {}, [], None
    if not isinstance(data, dict):
        return {}, [], ": it is not a list of settings"
    return (*_read_fields(data, lines), None)


def load_settings(path: Path | None = None) -> tuple[Settings, str | None]:
    """The saved settings, or the standard ones; never raises. The notice says what could not be used."""
    path = path or settings_path()
    good, problems, unreadable = _read_file(path)
    if unreadable:
        return Settings(), (
            f"Your saved settings could not be read ({path.name}{unreadable}). "
            f"Using the standard settings; {_KEEP_FILE}"
        )
    if not problems:
        return Settings(**good), None
    listed = "; ".join(problems[:_SHOWN_PROBLEMS])
    if len(problems) > _SHOWN_PROBLEMS:
        listed += f"; and {len(problems) - _SHOWN_PROBLEMS:,} more"
    if not good:
        return Settings(), (
            f"Your saved settings could not be read ({path.name}, {listed}). Using the standard settings; {_KEEP_FILE}"
        )
    return Settings(**good), (
        f"Some of your saved settings could not be read ({path.name}, {listed}). "
        f"Those use the standard value and the rest are kept; {_KEEP_FILE}"
    )


# --- saving -----------------------------------------------------------------------------------


def save_settings(settings: Settings, path: Path | None = None, before: Settings | None = None) -> str | None:
    """Save settings to YAML; never raises. Returns a plain notice when they could not be saved.

    With `before` (the settings as loaded or last saved), only the settings that changed since
    are written, over the file as it is now: what a caregiver (`voice-guide settings`) or another
    guide saved meanwhile is kept. Without it every setting is written. A damaged file is kept
    aside (settings.damaged.yaml), never overwritten."""
    path = path or settings_path()
    names = [f.name for f in fields(Settings)]
    changed = {n: getattr(settings, n) for n in names if before is None or getattr(settings, n) != getattr(before, n)}
    if not changed:
        return None
    try:
        with locked(path):  # read, merge and write in one turn: another guide waits
            kept, problems, unreadable = _read_file(path)
            values = {**(kept if before is not None else {}), **changed}
            text = "# voice-guide settings. Change them with: voice-guide settings NAME VALUE\n" + yaml.safe_dump(
                {n: values[n] for n in names if n in values}, sort_keys=False, allow_unicode=True
            )
            if problems or unreadable:
                keep_aside(path)
            write_atomic(path, text)
    except OSError as exc:
        reason = write_problem(exc).replace("the folder", "the settings folder")
        return f"Your settings could not be saved ({reason}): they will last until the guide is closed."
    return None
