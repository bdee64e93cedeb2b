"""Saved settings: round trips, damaged files, unwritable folders and values typed on the command line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from voice.conversation.settings import (
    RATE_MAX,
    RATE_MIN,
    Settings,
    config_dir,
    describe,
    load_settings,
    save_settings,
    set_value,
    settings_path,
)
from voice.errors import GuideError

CHANGED = Settings(
    rate=190,
    volume=0.5,
    voice="Daniel",
    sound_cues=False,
    engine="sphinx",
    wake_phrase="hello guide",
    push_to_talk=True,
    welcome_back=False,
)


def test_config_dir_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOICE_GUIDE_CONFIG_DIR", str(tmp_path / "conf"))
    assert config_dir() == tmp_path / "conf"
    assert settings_path() == tmp_path / "conf" / "settings.yaml"


def test_config_dir_defaults_to_the_platform_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOICE_GUIDE_CONFIG_DIR", raising=False)
    assert config_dir().name == "voice-guide"


def test_every_field_survives_a_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "folder" / "settings.yaml"  # save creates the folders
    assert save_settings(CHANGED, path) is None
    assert load_settings(path) == (CHANGED, None)
    assert not [p for p in path.parent.iterdir() if p.name != "settings.yaml"], "no temp file left behind"


def test_default_path_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOICE_GUIDE_CONFIG_DIR", str(tmp_path))
    assert save_settings(CHANGED) is None
    assert (tmp_path / "settings.yaml").exists()
    assert load_settings() == (CHANGED, None)


def test_missing_or_empty_file_gives_defaults_quietly(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "settings.yaml") == (Settings(), None)
    (tmp_path / "settings.yaml").write_text("")
    assert load_settings(tmp_path / "settings.yaml") == (Settings(), None)


def test_corrupt_yaml_gives_defaults_and_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text("rate: 150\nvolume: [0.5\nvoice: x\n")
    settings, notice = load_settings(path)
    assert settings == Settings()
    assert notice is not None
    assert notice.startswith("Your saved settings could not be read (settings.yaml, line ")
    assert "Using the standard settings" in notice


def test_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text("- rate\n- 150\n")
    settings, notice = load_settings(path)
    assert settings == Settings()
    assert notice and "not a list of settings" in notice


def test_binary_file_is_reported_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_bytes(b"\xff\xfe\x00rate")
    settings, notice = load_settings(path)
    assert settings == Settings()
    assert notice and "could not be read" in notice


@pytest.mark.parametrize(
    "line, field",
    [
        ("rate: fast", "rate"),
        ("rate: 400", "rate"),
        ("rate: 150.5", "rate"),
        ("rate: yes", "rate"),
        ("volume: 0.1", "volume"),
        ("volume: loud", "volume"),
        ("voice: [a, b]", "voice"),
        ("sound_cues: maybe", "sound_cues"),
        ("push_to_talk: 3", "push_to_talk"),
        ("engine: google", "engine"),
        ("wake_phrase: ''", "wake_phrase"),
        ("wake_phrase: 42", "wake_phrase"),
    ],
)
def test_bad_value_keeps_the_good_ones(tmp_path: Path, line: str, field: str) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text(
        f"welcome_back: false\n{line}\nengine: vosk\n"
        if field != "engine"
        else f"welcome_back: false\n{line}\nrate: 170\n"
    )
    settings, notice = load_settings(path)
    assert settings.welcome_back is False
    assert (settings.engine == "vosk") if field != "engine" else (settings.rate == 170)
    assert getattr(settings, field) == getattr(Settings(), field)
    assert notice is not None
    assert f"line 2: {field} must be" in notice
    assert notice.startswith("Some of your saved settings could not be read")


def test_all_bad_says_standard_settings(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text("rate: 1000\n")
    settings, notice = load_settings(path)
    assert settings == Settings()
    assert notice == (
        "Your saved settings could not be read (settings.yaml, line 1: rate must be a whole number "
        f"from {RATE_MIN} to {RATE_MAX}). Using the standard settings; the file is left as it is "
        "until you change a setting."
    )


def test_unknown_key_is_named_and_the_rest_kept(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text("rate: 110\ncolour: blue\n")
    settings, notice = load_settings(path)
    assert settings == Settings(rate=110)
    assert notice and 'line 2: "colour" is not a setting' in notice


def test_lenient_but_typed_values_in_the_file(tmp_path: Path) -> None:
    # Hand-edited files: YAML's yes/no, quoted numbers and a whole-number volume are all fine.
    path = tmp_path / "settings.yaml"
    path.write_text("rate: '130'\nvolume: 1\nsound_cues: no\npush_to_talk: 'on'\nengine: VOSK\nvoice: null\n")
    settings, notice = load_settings(path)
    assert notice is None
    assert settings == Settings(rate=130, volume=1.0, sound_cues=False, push_to_talk=True, engine="vosk")


def test_load_leaves_a_damaged_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    damaged = b"rate: 9999\nvolume: {{{\n"
    path.write_bytes(damaged)
    before = path.stat().st_mtime_ns
    load_settings(path)
    assert path.read_bytes() == damaged
    assert path.stat().st_mtime_ns == before
    assert [p.name for p in tmp_path.iterdir()] == ["settings.yaml"]


def _unwritable_settings_path(tmp_path: Path) -> Path:
    """A settings path whose folder cannot be written, even for root (who ignores chmod)."""
    if os.geteuid() == 0:
        blocker = tmp_path / "config"
        blocker.write_text("a file where the folder should be")
        return blocker / "settings.yaml"
    folder = tmp_path / "config"
    folder.mkdir()
    folder.chmod(0o500)
    return folder / "settings.yaml"


def test_unwritable_folder_gives_a_notice(tmp_path: Path) -> None:
    path = _unwritable_settings_path(tmp_path)
    try:
        notice = save_settings(CHANGED, path)
    finally:
        if path.parent.is_dir():
            path.parent.chmod(0o700)  # let pytest clean up
    assert notice is not None
    assert notice.startswith("Your settings could not be saved (the settings folder ")
    assert notice.endswith("they will last until the guide is closed.")


def test_folder_that_is_a_file_gives_a_notice(tmp_path: Path) -> None:
    (tmp_path / "config").write_text("")
    notice = save_settings(CHANGED, tmp_path / "config" / "settings.yaml")
    assert notice == (
        "Your settings could not be saved (the settings folder could not be created): "
        "they will last until the guide is closed."
    )


def test_save_replaces_a_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text("rate: [[[\n")
    assert save_settings(CHANGED, path) is None
    assert load_settings(path) == (CHANGED, None)


@pytest.mark.parametrize(
    "key, value, field, expected",
    [
        ("rate", "200", "rate", 200),
        ("rate", " 90 ", "rate", 90),
        ("volume", "0.55", "volume", 0.55),
        ("volume", "1", "volume", 1.0),
        ("voice", "Samantha", "voice", "Samantha"),
        ("voice", "default", "voice", ""),
        ("sound_cues", "off", "sound_cues", False),
        ("sound-cues", "No", "sound_cues", False),
        ("push_to_talk", "yes", "push_to_talk", True),
        ("welcome_back", "false", "welcome_back", False),
        ("engine", "Sphinx", "engine", "sphinx"),
        ("wake_phrase", "  Hello   Guide ", "wake_phrase", "hello guide"),
        ("WAKE_PHRASE", "o'clock", "wake_phrase", "o'clock"),
    ],
)
def test_set_value_accepts(key: str, value: str, field: str, expected: object) -> None:
    original = Settings()
    changed = set_value(original, key, value)
    assert getattr(changed, field) == expected
    assert original == Settings(), "set_value returns a new Settings"


@pytest.mark.parametrize(
    "key, value, words",
    [
        ("rate", "fast", "rate must be a whole number from 90 to 250"),
        ("rate", "251", "rate must be a whole number from 90 to 250"),
        ("rate", "120.5", "rate must be a whole number"),
        ("volume", "2", "volume must be a number from 0.3 to 1.0"),
        ("volume", "nan", "volume must be a number"),
        ("sound_cues", "maybe", "sound_cues must be on or off"),
        ("engine", "google", "engine must be auto, vosk, moonshine or sphinx"),
        ("wake_phrase", "   ", "wake_phrase must be one or more words"),
        ("wake_phrase", "guide 2", "wake_phrase must be one or more words"),
        ("colour", "blue", '"colour" is not a setting; the settings are rate, volume'),
    ],
)
def test_set_value_refuses_in_one_plain_line(key: str, value: str, words: str) -> None:
    with pytest.raises(GuideError) as caught:
        set_value(Settings(), key, value)
    message = str(caught.value)
    assert words in message
    assert "\n" not in message


def test_describe_lists_every_setting() -> None:
    lines = describe(CHANGED)
    assert lines[0] == "rate: 190 (words per minute, 90 to 250)"
    assert "sound_cues: off (short tones while listening, on or off)" in lines
    assert "engine: sphinx (speech recognizer: auto, vosk, moonshine or sphinx)" in lines
    assert len(lines) == 9
    assert describe(Settings())[2].startswith("voice: system default")


def test_change_rate_and_volume_still_step_within_bounds() -> None:
    settings = Settings(rate=RATE_MAX)
    assert settings.change_rate(1) is False
    assert settings.change_rate(-1) is True and settings.rate == RATE_MAX - 20
    assert Settings(volume=1.0).change_volume(1) is False


@pytest.mark.parametrize("number", ["000", "0118", "112", "'000'"])
def test_an_emergency_number_with_a_leading_zero_is_kept_as_written(tmp_path: Path, number: str) -> None:
    # Australia's 000 typed by hand, unquoted: YAML 1.1 would read it as the number 0, and every
    # emergency reply would tell people to call "0".
    path = tmp_path / "settings.yaml"
    path.write_text(f"emergency_number: {number}\nrate: 150\n")
    settings, notice = load_settings(path)
    assert notice is None
    assert settings.emergency_number == number.strip("'")
    assert settings.rate == 150  # other numbers are still numbers
