"""Was it said to the guide? One utterance heard two ways, a grammar phrase and open words,
made into one transcript that is acted on, or marked as not for the guide.

A grammar turns any speech into the nearest of the guide's phrases: "where are my car keys"
comes out as "wear and tear please". An open model hears the words as said. When the two agree
(in words, or in what they ask for), the phrase was most likely said to the guide. When they
do not, the open words are taken if they themselves ask the guide for something; otherwise the
speech was talk in the room, or the television, and is marked rejected. Emergencies are never
rejected.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..types import Transcript
from .router import Request

# Chosen on the dev splits of both blind spoken sets (espeak-ng voices; clean, 15 dB noise and
# reverberant), as the pair that gets the most right of in-scope requests and not-for-me speech
# together: AGREE, the engine's likeness of the two hearings (its confidence) from which they are
# one; OPEN_SURE, the router's confidence needed to act on open words alone. With 0.6 and 0.95:
# in-scope requests right 57.1%, talk left alone 88.2% (0.5 and 0.9, chosen before on the first
# set alone: 59.0% and 83.7%; the grammar alone: about 65% and under 15%).
AGREE = 0.6
OPEN_SURE = 0.95
# With Moonshine hearing the open words (far closer to what was said than PocketSphinx's open
# model), chosen the same way on the whole dev splits in three tuned voices (espeak-ng en-us and
# en-gb, and festival's ked, recorded diphones nearer real speech; clear words taken alone):
# AGREE 0.5 and OPEN_SURE 0.3 get 71.5% of in-scope requests right and leave 93.7% of talk alone
# (0.5 and 0.7, chosen before on espeak-ng alone: 67.9% and 94.0%; 0.6 and 0.3: 67.9%, 94.6%).
# Moonshine's words alone do worse on ked too (65.3% and 99.0%, against 77.0% and 94.5%): the
# grammar is what spells the medical names ("sciatica" is heard as "she atica").
WEIGHING = {"moonshine": (0.5, 0.3)}
# The grammar bends talk into its emergency phrases too ("did you ring the surgery" comes out as
# "the bleeding will not stop"). Below this likeness of the two hearings, an emergency phrase that
# the open words do not bear out is not answered as an emergency; the guide says it did not catch
# that and points to emergency help (dev, three tuned voices: talk left alone 93.7% -> 96.2%,
# emergencies answered as such 84.6% -> 82.7%, and those now pointed to help; 0.3: 97.3%, 80.6%).
EMERGENCY_AGREE = 0.2
# A word or two is taken as the grammar heard it: the open model often mishears a short command
# ("stop" as "tell", "next" as "make it"), and talk in a room is seldom this short. (No change to
# talk left alone on the dev split; the round trip's short commands depend on it.)
SHORT = 2


def _same(one: Request, other: Request) -> bool:
    return one.intent == other.intent and one.target == other.target and one.intent != "unknown"


# Open words that the router takes, alone, with this confidence need no grammar pass: the answer
# starts one decode sooner (dev: no request lost, 12% of espeak-ng utterances skip it).
WORDS_ENOUGH = 0.95


def clear_request(route: Callable[[str], Request]) -> Callable[[str], bool]:
    """For a recogniser whose open words are good (Moonshine): do these words alone clearly ask
    the guide for something?"""

    def clear(words: str) -> bool:
        request = route(words)
        return request.intent not in ("unknown", "clarify") and request.confidence >= WORDS_ENOUGH

    return clear


def judge(
    transcript: Transcript,
    route: Callable[[str], Request],
    emergency: Callable[[str], bool],
    near: Callable[[str], bool] = lambda text: False,
) -> Transcript:
    """The transcript to act on. An engine with no open hearing (Vosk, or --free) has already
    decided, and its decision is kept, but for an emergency: that is never rejected, however
    unsure the recogniser is (a missed emergency costs far more than a needless pointer to help).
    `near`: whether words could be an emergency misheard; speech rejected that could be is
    marked urgent, so that the guide points to emergency help as it says it did not catch it."""
    phrase, words = transcript.text, transcript.open_text
    if emergency(words):
        return replace(transcript, text=words, rejected=False)
    if emergency(phrase):
        if words and transcript.confidence < EMERGENCY_AGREE:
            return replace(transcript, text=words, rejected=True, urgent=True)
        return replace(transcript, rejected=False) if transcript.rejected else transcript
    decided = _weighed(transcript, route)
    if decided.rejected and not decided.urgent and near(decided.text):
        return replace(decided, urgent=True)
    return decided


def _weighed(transcript: Transcript, route: Callable[[str], Request]) -> Transcript:
    """The grammar's phrase or the open words, or neither (rejected): no emergency in either."""
    phrase, words = transcript.text, transcript.open_text
    if not words or transcript.rejected:
        return transcript
    likeness = transcript.confidence  # how alike the two hearings sound, from the engine
    agree, sure = WEIGHING.get(transcript.engine, (AGREE, OPEN_SURE))
    as_phrase, as_words = route(phrase), route(words)
    same = _same(as_phrase, as_words)
    short = len(phrase.split()) <= SHORT and len(words.split()) <= SHORT
    if phrase and (short or likeness >= agree or same):
        return replace(transcript, confidence=max(likeness, as_words.confidence if same else 0))
    if as_words.intent != "unknown" and as_words.confidence >= sure:
        return replace(transcript, text=words, confidence=as_words.confidence)
    return replace(transcript, text=words, confidence=likeness, rejected=True)
