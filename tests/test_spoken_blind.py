"""The blind spoken set's dev split, spoken by two voices the guide was never tuned on (flite and
festival), clean and at 15 dB pink noise, heard by the recogniser the app chooses (Moonshine with
PocketSphinx's grammar where Moonshine is installed, else PocketSphinx alone).

Floors are the issue's targets (issue 10), not today's figures: where a target is not met yet
the test is marked xfail with the target and today's figure. The full picture (more voices, a
reverberant room, the heldout and fresh splits) is scripts/bench_hearing.py.
"""

from __future__ import annotations

import shutil

import pytest

from tests.support.hearing import KINDS, Outcome, Sentence, hear_all, sentences, share
from tests.support.voices import VOICES
from voice.content.pack import find_pack, load_pack
from voice.understanding.safety import safety_for

# Chosen before any figure was seen: one voice of each set-aside engine.
TEST_VOICES = ("flite-slt", "festival-kal")
IN_SCOPE = {"clean": 0.92, "noise15": 0.85}  # issue 10: in-scope requests on voices not tuned on
LEFT_ALONE = 0.95  # issue 10: not-for-me speech left alone

pytestmark = pytest.mark.skipif(
    not all(VOICES[v].available() for v in TEST_VOICES) or not shutil.which("sox"),
    reason="flite, festival with festvox-kallpc16k, and sox make the set-aside voices (scripts/setup.sh --test)",
)


def lean(found: list[Sentence]) -> list[Sentence]:
    """Every in-scope sentence, and every other one of the rest (not for me, emergencies), to
    stay near a minute on 2 cores."""
    return [s for kind in KINDS for s in [f for f in found if f.kind == kind][:: 1 if kind == "in_scope" else 2]]


@pytest.fixture(scope="module")
def heard() -> list[Outcome]:
    found = lean(sentences(find_pack(None), ["dev"], files=("spoken.yaml",)))  # the first set: CI time
    tasks = [(s, VOICES[v], c) for v in TEST_VOICES for c in IN_SCOPE for s in found]
    outcomes = hear_all(tasks, engine="auto", workers=2)
    assert len(outcomes) == len(tasks)
    for condition in IN_SCOPE:
        chosen = [o for o in outcomes if o.condition == condition]
        figures = {kind: share(chosen, kind) for kind in ("in_scope", "not_for_me", "emergency")}
        print(condition, ", ".join(f"{k} {r}/{t}" for k, (r, t) in figures.items()))
    return outcomes


def _share(outcomes: list[Outcome], kind: str, condition: str | None = None) -> float:
    right, total = share([o for o in outcomes if condition in (None, o.condition)], kind)
    assert total, f"no {kind} sentences in the dev split"
    return right / total


@pytest.mark.xfail(strict=False, reason="target 92% clean (issue 10); today 79% (89/112; 65% with PocketSphinx alone)")
def test_in_scope_clean(heard: list[Outcome]) -> None:
    assert _share(heard, "in_scope", "clean") >= IN_SCOPE["clean"]


@pytest.mark.xfail(
    strict=False, reason="target 85% at 15 dB (issue 10); today 71% (79/112; 57% with PocketSphinx alone)"
)
def test_in_scope_at_15_db(heard: list[Outcome]) -> None:
    assert _share(heard, "in_scope", "noise15") >= IN_SCOPE["noise15"]


@pytest.mark.xfail(
    strict=False, reason="target 95% left alone (issue 10); today 91% (120/132; 71% at 15 dB with PocketSphinx alone)"
)
def test_not_for_me_left_alone(heard: list[Outcome]) -> None:
    assert _share(heard, "not_for_me") >= LEFT_ALONE


def test_emergencies_heard_are_never_rejected(heard: list[Outcome]) -> None:
    # An emergency the recogniser heard (in either hearing) is never taken for talk without a
    # pointer to emergency help; one it did not hear at all cannot be told from talk, and is
    # counted by the benchmark, not here.
    emergencies = [o for o in heard if o.kind == "emergency"]
    assert emergencies, "no emergency sentences in the dev split"
    emergency = safety_for(load_pack(find_pack(None))).emergency
    rejected = [
        f"{o.voice} {o.condition}: '{o.say}' heard as '{o.heard}' ('{o.phrase}')"
        for o in heard
        if o.rejected and not o.pointed and (emergency(o.heard) or emergency(o.phrase))
    ]
    assert not rejected, "emergencies rejected as not for the guide:\n" + "\n".join(rejected)
    assert any(not o.rejected and o.answered == "emergency" for o in emergencies)
