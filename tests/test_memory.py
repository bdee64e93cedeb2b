"""Where the user was: kept across runs, and a damaged file only costs the place, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from voice.conversation.memory import Memory, load_memory, memory_path, save_memory


def test_memory_path_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOICE_GUIDE_STATE_DIR", str(tmp_path))
    assert memory_path("diabetes") == tmp_path / "diabetes.yaml"
    assert memory_path("../evil").parent == tmp_path, "a pack id cannot leave the folder"


def test_memory_path_defaults_to_the_platform_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOICE_GUIDE_STATE_DIR", raising=False)
    assert memory_path("diabetes").parent.name == "voice-guide"


def test_round_trip_of_every_field(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOICE_GUIDE_STATE_DIR", str(tmp_path / "state"))
    memory = Memory(place="thirst", bookmark="treatment", visits=4)
    assert save_memory(memory, "diabetes") is None
    assert load_memory("diabetes") == (memory, None)
    assert load_memory("other-pack") == (Memory(), None), "each pack has its own memory"


def test_round_trip_of_empty_places_and_number_like_ids(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    for memory in (Memory(), Memory(place="2", bookmark=None, visits=0)):
        assert save_memory(memory, "p", path) is None
        assert load_memory("p", path) == (memory, None)


@pytest.mark.parametrize(
    "text, words",
    [
        ("place: [unclosed\n", "p.yaml, line "),
        ("- a list\n", "not a list of places"),
        ("place: thirst\nvisits: -1\n", "line 2: visits must be a whole number"),
        ("visits: many\n", "line 1: visits must be a whole number"),
        ("place: {a: 1}\n", "line 1: place must be a name from the guide"),
        ("place: thirst\nfavourite: x\n", 'line 2: "favourite" does not belong there'),
    ],
)
def test_damaged_memory_starts_fresh_with_a_notice(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(text)
    memory, notice = load_memory("p", path)
    assert memory == Memory()
    assert notice is not None
    assert words in notice
    assert notice.startswith("The guide could not remember where you were (")
    assert notice.endswith("Starting from the beginning. The old file is kept as p.damaged.yaml.")
    assert not path.exists(), "moved aside, so that saving the new place cannot overwrite it"
    assert (tmp_path / "p.damaged.yaml").read_text() == text, "nothing of the damaged file is lost"


def test_unwritable_state_folder_gives_a_notice(tmp_path: Path) -> None:
    (tmp_path / "state").write_text("a file where the folder should be")
    notice = save_memory(Memory(place="thirst"), "p", tmp_path / "state" / "p.yaml")
    assert notice is not None
    assert notice.startswith("The guide could not save where you were (")
