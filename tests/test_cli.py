"""The command line as people and scripts use it: a real `voice-guide` process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "voice", *args], input=stdin, capture_output=True, text=True, timeout=60
    )


def test_ask_names_the_six_causes() -> None:
    out = run("ask", "what causes leg pain")
    assert out.returncode == 0
    for cause in (
        "herniated disc",
        "pregnancy",
        "spinal stenosis",
        "degenerative disc disease",
        "arthritis",
        "injury or infection",
    ):
        assert cause in out.stdout.lower()


def test_ask_json_one_object_per_question_from_stdin() -> None:
    out = run("ask", "--json", stdin="what is a slipped disc\n\nnext\nwhat is the weather\n")
    lines = out.stdout.splitlines()
    answers = [json.loads(line) for line in lines]
    assert len(answers) == 3 and out.stderr == ""
    assert set(answers[0]) == {"heard", "intent", "section", "item", "reply", "confidence"}
    assert answers[0]["item"] == "herniated-disc" and "jelly-like center" in answers[0]["reply"]
    assert answers[1]["intent"] == "next" and answers[1]["section"] == "about"  # each line is fresh
    assert answers[2]["intent"] == "unknown" and answers[2]["section"] is None


def test_chat_walks_with_next_previous_repeat() -> None:
    turns = "causes\nnext\nmore\nnext\nprevious\nrepeat\nwhat is a slipped disc\nquit\nnever read\n"
    out = run("chat", "--json", stdin=turns)
    welcome, *replies = [json.loads(line) for line in out.stdout.splitlines()]
    assert welcome["intent"] == "welcome" and "not medical advice" in welcome["reply"]  # issue 12
    items = [r["item"] for r in replies[:6]]
    assert items == [None, "herniated-disc", "herniated-disc", "pregnancy", "herniated-disc", "herniated-disc"]
    assert replies[1]["reply"] != replies[2]["reply"]  # the long text in two parts
    assert replies[5]["reply"] == replies[4]["reply"]
    assert "jelly-like center" in replies[6]["reply"]
    assert replies[-1]["intent"] == "quit" and len(replies) == 8


def test_chat_text_mode_greets_and_captions() -> None:
    out = run("chat", stdin="symptoms\n")
    lines = out.stdout.splitlines()
    assert lines[0].startswith("Guide: Welcome") and "not medical advice" in lines[0]
    assert lines[1].startswith("Guide: Symptoms.")


def test_guides_lists_the_shipped_pack() -> None:
    out = run("guides")
    assert out.returncode == 0 and "leg_pain" in out.stdout and "Leg Pain & Weakness" in out.stdout


def test_validate_good_pack_reports_its_tests() -> None:
    pack = Path(__file__).resolve().parents[1] / "voice" / "content" / "packs" / "leg_pain.yaml"
    out = run("validate", str(pack))
    assert out.returncode == 0 and "OK" in out.stdout and "utterances understood" in out.stdout


def test_validate_broken_pack_is_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("title: x\nsections:\n  - id: a\n    name: [unclosed\n", encoding="utf-8")
    out = run("validate", str(broken))
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and f"{broken}:" in out.stderr


@pytest.mark.parametrize(
    "args", [("ask", "--guide", "no_such_guide", "hi"), ("ask", "--nonsense"), ("validate",), ("frobnicate",)]
)
def test_bad_arguments_are_one_line_and_nonzero(args: tuple[str, ...]) -> None:
    out = run(*args)
    assert out.returncode != 0 and out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


def test_guide_by_path(tmp_path: Path) -> None:
    pack = Path(__file__).resolve().parents[1] / "voice" / "content" / "packs" / "leg_pain.yaml"
    out = run("ask", "--guide", str(pack), "--json", "stenosis")
    assert json.loads(out.stdout)["item"] == "spinal-stenosis"
