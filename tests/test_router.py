"""The router against the blind sets (voice/content/packs/leg_pain.blind/), a second pack on
another topic, and the issue's examples of requests that only share a word with the guide.

Floors are the issue's targets: 97% right on typed requests, 95% on paraphrases, 98% of
negatives declined and of safety questions kept from a section or an item. Where the router
does not reach a target yet, the test is marked xfail with the target and today's figure
(scripts/eval_router.py --heldout). The model was fitted on the dev split only
(scripts/fit_router.py); the held-out split and the fresh set are only measured.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from voice.app.blindsets import SAFETY, TYPED_SETS, is_right, load_set, set_kind
from voice.app.packtests import load_tests, run_utterances
from voice.content.pack import Pack, find_pack, load_pack
from voice.errors import GuideError
from voice.understanding.router import Router
from voice.understanding.vocabulary import command_phrases, recognizer_phrases, target_phrases

PACK_PATH = find_pack(None)
DEMO = Path(__file__).parent / "packs" / "router_demo.yaml"

# The targets: in scope, the meant target or command; negatives, declined; safety
# questions, never a section or an item.
TARGETS = {"typed_in_scope": 0.97, "typed_negatives": 0.98, "typed_safety": 0.98}
PARAPHRASE_TARGET = 0.95


def _not_yet(target: float, today: float) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=False, reason=f"target {target:.0%}, today {today:.1%}")


SETS = [
    ("typed_in_scope", "dev"),
    ("typed_negatives", "dev"),
    ("typed_safety", "dev"),
    pytest.param("typed_in_scope", "heldout", marks=_not_yet(0.97, 0.921)),
    pytest.param("typed_negatives", "heldout", marks=_not_yet(0.98, 0.967)),
    ("typed_safety", "heldout"),
    # The second, larger set by another blind writer (issue 11).
    pytest.param("typed_in_scope_2", "dev", marks=_not_yet(0.97, 0.856)),
    ("typed_negatives_2", "dev"),
    pytest.param("typed_safety_2", "dev", marks=_not_yet(0.98, 0.919)),
    pytest.param("typed_in_scope_2", "heldout", marks=_not_yet(0.97, 0.771)),
    pytest.param("typed_negatives_2", "heldout", marks=_not_yet(0.98, 0.975)),
    ("typed_safety_2", "heldout"),
]
# The second set's safety questions are fewer (37 dev, 18 held out).
MIN_ENTRIES = {"typed_safety_2": 15}


@pytest.mark.parametrize(("name", "split"), SETS)
def test_blind_sets(router: Router, name: str, split: str) -> None:
    entries = load_set(PACK_PATH, name, split)
    assert len(entries) >= MIN_ENTRIES.get(name, 40)
    misses = [(e, router.route(e.say)) for e in entries]
    misses = [(e, r) for e, r in misses if not is_right(r, e.expect)]
    rate = 1 - len(misses) / len(entries)
    print(f"\n{name} {split}: {rate:.1%} of {len(entries)}")
    assert rate >= TARGETS[set_kind(name)], f"{name} {split}: {rate:.1%} right"


@_not_yet(PARAPHRASE_TARGET, 0.861)
def test_heldout_paraphrases(router: Router) -> None:
    entries = [e for e in load_set(PACK_PATH, "typed_in_scope", "heldout") if not router.verbatim(e.say)]
    assert len(entries) >= 40
    rate = sum(is_right(router.route(e.say), e.expect) for e in entries) / len(entries)
    assert rate >= PARAPHRASE_TARGET, f"paraphrases: {rate:.1%} right"


def _fresh(part: str) -> list:
    entries = load_set(PACK_PATH, "typed_fresh")
    kinds = {"in scope": lambda e: e.expect != "unknown" and e.expect not in SAFETY}
    kinds |= {"negatives": lambda e: e.expect == "unknown", "safety": lambda e: e.expect in SAFETY}
    return [e for e in entries if kinds[part](e)]


FRESH = [
    pytest.param("in scope", 0.97, marks=_not_yet(0.97, 0.955)),
    pytest.param("negatives", 0.98, marks=_not_yet(0.98, 0.976)),
    ("safety", 0.98),
]


@pytest.mark.parametrize(("part", "target"), FRESH)
def test_fresh_set(router: Router, part: str, target: float) -> None:
    """A set written blind after the router was tuned (typed_fresh.yaml): never tuned on."""
    entries = _fresh(part)
    assert len(entries) >= 30
    rate = sum(is_right(router.route(e.say), e.expect) for e in entries) / len(entries)
    assert rate >= target, f"fresh {part}: {rate:.1%} right"


@pytest.mark.parametrize(
    "said",
    [
        "stop the pain",
        "how do i stop my leg hurting",
        "turn on the lights",
        "what can i take for sciatica",
        "should i take ibuprofen",
        "what causes migraines",
        "put the disc in the cd player",
        "the spine of this book has cracked",
    ],
)
def test_requests_that_share_a_word_get_no_answer(router: Router, said: str) -> None:
    assert router.route(said).intent not in ("section", "item", "clarify")


@pytest.mark.xfail(strict=True, reason="known miss: 'ear' is unexplained but 'infection' names an item")
def test_ear_infection_is_declined(router: Router) -> None:
    assert router.route("my ear infection").intent == "unknown"


def test_no_match_is_a_return_value(router: Router) -> None:
    for said in ("", "   ", "purple monkey dishwasher", "!!!", "x" * 500):
        request = router.route(said)
        assert request.intent == "unknown" and request.target is None


def test_confidence_behaves_like_a_probability(router: Router) -> None:
    """Of the answers given with a confidence of at least 0.9, about 9 in 10 or more are right,
    and the less confident answers are right less often."""
    results = [(e, router.route(e.say)) for name in TYPED_SETS for e in load_set(PACK_PATH, name)]
    given = [(e, r) for e, r in results if r.intent != "unknown"]
    sure = [is_right(r, e.expect) for e, r in given if r.confidence >= 0.9]
    unsure = [is_right(r, e.expect) for e, r in given if r.confidence < 0.7]
    assert len(sure) >= 100 and unsure
    assert sum(sure) / len(sure) >= 0.9
    assert sum(unsure) / len(unsure) < sum(sure) / len(sure)


def test_a_second_pack_on_another_topic_needs_no_code() -> None:
    pack = load_pack(DEMO)
    tests = load_tests(DEMO.with_name("router_demo.tests.yaml"))
    misses = run_utterances(Router(pack), tests)
    rate = 1 - len(misses) / len(tests.utterances)
    report = "\n".join(f"  '{u.say}': expected {u.expect}, got {r.target or r.intent}" for u, r in misses)
    assert rate >= 0.9, f"{rate:.1%}:\n{report}"


def test_a_section_named_like_a_command_stays_reachable() -> None:
    """The demo pack's sections do not clash with commands; a pack whose id does ("help")
    still reaches its section by name and the command by the command's words."""
    data = load_pack(DEMO)
    section = data.sections[2]
    renamed = Pack(
        **{**data.__dict__, "sections": (*data.sections[:2], type(section)(**{**section.__dict__, "id": "help"}))}
    )
    router = Router(renamed)
    assert router.route("what may help").target == "help"
    assert router.route("help").intent == "help"


def test_what_can_be_heard_can_be_understood(pack: Pack, router: Router) -> None:
    """The recognisers' phrases are a sample of the router's own templates: each is understood
    as what it was sampled from."""
    wrong = [(p, i) for i, ps in command_phrases().items() for p in ps if router.route(p).intent != i]
    total = sum(len(ps) for ps in command_phrases().values())
    assert len(wrong) <= total * 0.01, wrong
    names = [(p, t) for t, ps in target_phrases(pack).items() for p in ps]
    wrong = [(p, t) for p, t in names if (r := router.route(p)).target != t and t not in r.choices]
    assert len(wrong) <= len(names) * 0.01, wrong
    phrases = recognizer_phrases(pack, ("hey guide",))
    assert phrases.extra == ("hey guide",) and phrases.leads and phrases.tails
    assert set(phrases.commands) <= set(phrases.whole) and set(phrases.names) <= set(phrases.whole)


def test_a_wrong_template_in_a_pack_names_the_place(pack: Pack) -> None:
    section = pack.sections[0]
    broken = type(section)(**{**section.__dict__, "words": ("what (is it",)})
    bad = Pack(**{**pack.__dict__, "sections": (broken, *pack.sections[1:])})
    with pytest.raises(GuideError, match=r"about.*what \(is it"):
        Router(bad)


def test_a_template_too_big_to_expand_is_refused_not_cut_short(pack: Pack) -> None:
    section = pack.sections[0]
    huge = " ".join(["(a|b|c|d)"] * 6)  # 4096 sentences: cut at the limit, phrases would go missing unsaid
    broken = type(section)(**{**section.__dict__, "words": (huge,)})
    bad = Pack(**{**pack.__dict__, "sections": (broken, *pack.sections[1:])})
    with pytest.raises(GuideError, match=r"about.*more than 2000 sentences"):
        Router(bad)


@pytest.mark.parametrize(
    ("said", "target"),
    [("what are the symtoms", "symptoms"), ("tell me about sciatia", "about"), ("what is a lamintomy", "laminotomy")],
)
def test_a_typing_slip_is_read_as_the_guides_word(router: Router, said: str, target: str) -> None:
    assert router.route(said).target == target


def test_a_real_word_is_never_respelt_as_the_guides(router: Router) -> None:
    # "ear" is one letter from "wear", "lights" near "leads": everyday words stay as they are.
    assert [router.index.respelt(w) for w in ("ear", "lights", "migraines")] == ["ear", "lights", "migraines"]
