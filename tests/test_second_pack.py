"""Any pack, no code changes: a small guide to a kettle (tests/packs/kettle.yaml), not about health,
through its own tests and through `voice-guide ask`, `chat`, `listen` and `validate`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.speech import speak
from voice.app.packtests import load_tests, pack_tests_path, run_dialogue, run_utterances
from voice.content.pack import Pack, load_pack
from voice.conversation.session import Session
from voice.understanding.router import Router
from voice.understanding.vocabulary import load_commands

KETTLE = Path(__file__).resolve().parent / "packs" / "kettle.yaml"
# Words of the health pack or of a health guide: none may reach a kettle's listener.
HEALTH_WORDS = ("symptom", "treatment", "cause", "doctor", "medical", "leg", "pain", "sciatica")


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "voice", *args], input=stdin, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def kettle() -> Pack:
    return load_pack(KETTLE)


def test_the_tests_mirror_the_pack(kettle: Pack) -> None:
    # The shipped pack's rule: every section, item and shared command has a test question.
    tests = load_tests(pack_tests_path(KETTLE))
    expected = {u.expect for u in tests.utterances} | {c for u in tests.utterances for c in u.choices}
    untested = (set(kettle.by_id) | set(load_commands()) | {"unknown"}) - expected - {"yes", "second", "no"}
    assert not untested, f"no utterance test expects: {sorted(untested)}"
    assert tests.pack == kettle.id and not kettle.try_saying
    assert any(not s.items for s in kettle.sections) and not any("health" in s.name.lower() for s in kettle.sections)


def test_utterances_reach_the_pack_floor_and_dialogues_pass(kettle: Pack) -> None:
    tests = load_tests(pack_tests_path(KETTLE))
    router = Router(kettle)
    misses = run_utterances(router, tests)
    rate = 1 - len(misses) / len(tests.utterances)
    assert rate >= tests.floor, [u.say for u, _ in misses]
    problems = [p for d in tests.dialogues for p in run_dialogue(kettle, router, d)]
    assert not problems, "\n".join(problems)


def _every_reply(pack: Pack) -> list[str]:
    """What the guide says at every place and to every command from there."""
    session = Session(pack)
    said = [session.welcome().text]
    for position in range(len(session.places)):
        for command in ("next", "previous", "repeat", "help", "what is the weather", "gibberish", "read all", "no"):
            session.reached(position)
            said.append(session.handle(command).text)
    for command in ("start over", "remember this", "go to my bookmark", "slower", "keys", "stop", "quit"):
        said.append(session.handle(command).text)
    return said


def test_nothing_said_comes_from_another_pack_or_is_left_empty(kettle: Pack) -> None:
    for text in _every_reply(kettle):
        words = set(re.findall(r"[a-z]+", text.lower()))
        assert not any(w.startswith(h) for w in words for h in HEALTH_WORDS), text
        assert "for example" not in text  # no try_saying, so no examples
        assert not re.search(r"\s[,.:]|,\s*[,.]|\(\s*\)|\{|\}", text), text  # an empty list or placeholder


def test_ask(tmp_path: Path) -> None:
    out = run("ask", "--guide", str(KETTLE), "--json", "how do i descale it")
    answer = json.loads(out.stdout)
    assert out.returncode == 0 and answer["item"] == "descaling"
    assert answer["reply"].startswith("Cleaning task 1 of 3: Descaling. In hard water areas")


def test_chat_text_and_json() -> None:
    out = run("chat", "--guide", str(KETTLE), stdin="cleaning\nnext\nmore\nleaks\nnext\n")
    lines = out.stdout.splitlines()
    assert lines[0] == (
        "Guide: Welcome. This guide tells you how to look after your kettle and what to do when it goes wrong. "
        "Unplug the kettle and let it cool before you clean it."
    )
    assert lines[1].startswith("Guide: Cleaning. Clean the kettle about once a month")
    assert "Say more to hear the rest." in lines[2] and "Rinse the kettle twice" in lines[3]
    assert lines[5].startswith("Guide: That is the end of the kettle guide.")
    out = run("chat", "--guide", str(KETTLE), "--json", stdin="problems\nnext\nquit\n")
    welcome, *replies = [json.loads(line) for line in out.stdout.splitlines()]
    assert welcome["intent"] == "welcome"
    assert [(r["section"], r["item"]) for r in replies[:2]] == [("problems", None), ("problems", "no-power")]
    assert replies[-1]["intent"] == "quit"


@pytest.mark.skipif(not (shutil.which("espeak-ng") and shutil.which("sox")), reason="needs espeak-ng and sox")
def test_listen_to_spoken_questions(tmp_path: Path) -> None:
    questions = {"how do i descale it": "descaling", "the filter": "filter", "next": None}
    files = [str(speak(q, "en-us", 150, tmp_path / f"{n}.wav")) for n, q in enumerate(questions)]
    out = run("listen", "--guide", str(KETTLE), "--engine", "sphinx", "--json", *files)
    assert out.returncode == 0, out.stderr
    answers = [json.loads(line) for line in out.stdout.splitlines()]
    assert [a["heard"] for a in answers] == list(questions)
    assert [a["item"] for a in answers] == list(questions.values())
    assert answers[2]["section"] == "about" and "1.7 litres" in answers[2]["reply"]


def test_validate_passes() -> None:
    out = run("validate", str(KETTLE))
    assert out.returncode == 0, out.stderr
    assert "OK: 'Kettle Care', 3 sections, 6 items" in out.stdout and "floor 90%" in out.stdout


def _copy(tmp_path: Path, tests: str) -> Path:
    pack = tmp_path / "kettle.yaml"
    shutil.copy(KETTLE, pack)
    (tmp_path / "kettle.tests.yaml").write_text(tests, encoding="utf-8")
    return pack


GOOD_TESTS = """\
pack: kettle-care
floor: 0.75
utterances:
  - {say: "descaling", expect: descaling}
  - {say: "leaks", expect: leaks}
  - {say: "the filter", expect: filter}
  - {say: "purple monkey dishwasher", expect: unknown}
dialogues:
  - name: one
    turns:
      - {say: "leaks", expect: leaks, reply_has: ["stop using the kettle"]}
"""


def test_validate_fails_below_the_floor(tmp_path: Path) -> None:
    assert run("validate", str(_copy(tmp_path, GOOD_TESTS))).returncode == 0
    # One wrong expectation of four: 75% still meets a floor of 0.75, not one of 0.8.
    wrong = GOOD_TESTS.replace('{say: "leaks", expect: leaks}', '{say: "leaks", expect: filter}')
    assert run("validate", str(_copy(tmp_path, wrong))).returncode == 0
    out = run("validate", str(_copy(tmp_path, wrong.replace("floor: 0.75", "floor: 0.8"))))
    assert out.returncode == 1 and "75.0% of utterances understood is below the floor of 80%" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_validate_fails_a_failing_dialogue_and_a_floor_left_out(tmp_path: Path) -> None:
    out = run("validate", str(_copy(tmp_path, GOOD_TESTS.replace("stop using the kettle", "descale it"))))
    assert out.returncode == 1 and "1 dialogue failed" in out.stderr and "0 of 1 dialogues pass" in out.stdout
    # No floor: every utterance must be understood.
    wrong = GOOD_TESTS.replace("floor: 0.75\n", "").replace("expect: leaks}", "expect: filter}")
    out = run("validate", str(_copy(tmp_path, wrong)))
    assert out.returncode == 1 and "below the floor of 100%" in out.stderr


def test_validate_flags_names_not_in_the_pack(tmp_path: Path) -> None:
    tests = GOOD_TESTS.replace("pack: kettle-care", "pack: kettle").replace("expect: filter}", "expect: filtre}")
    tests = tests.replace("expect: unknown}", "expect: clarify, choices: [leaks, lid]}")
    out = run("validate", str(_copy(tmp_path, tests)))
    assert out.returncode == 1 and "3 names not in the pack" in out.stderr
    assert "pack: is 'kettle', but the pack's id is 'kettle-care'" in out.stdout
    assert "kettle.tests.yaml:6: utterances[2].expect: 'filtre' is not a section, item or intent" in out.stdout
    assert "kettle.tests.yaml:7: utterances[3].choices: 'lid' is not a section or item" in out.stdout


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (("floor: 0.75", "floor: 75"), "kettle.tests.yaml:2: floor: must be a share between 0 and 1"),
        (('  - {say: "leaks", expect: leaks}', '  - {say: "leaks"}'), "kettle.tests.yaml:5: utterances[1].expect"),
        (("reply_has:", "reply_hass:"), "kettle.tests.yaml:11: dialogues[0].turns[0].reply_hass"),
        (("floor: 0.75", "floor: 0.75\nfloor: 0.5"), "kettle.tests.yaml:3: floor: appears twice (also line 2)"),
    ],
)
def test_a_broken_tests_file_is_one_line(tmp_path: Path, change: tuple[str, str], where: str) -> None:
    out = run("validate", str(_copy(tmp_path, GOOD_TESTS.replace(*change))))
    assert out.returncode == 1 and where in out.stderr, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
