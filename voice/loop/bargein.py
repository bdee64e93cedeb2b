"""What may cut in while the guide speaks, and how its own voice is told from the user's.

While the guide speaks it keeps listening, so the user can cut in ("stop", "next", or a new
question) or press a key. It must not take its own voice, picked up by the microphone, for the
user's. Two guards: a short command ("stop", "next") cuts in as soon as it is heard, because
people need that to work at once, and such words are rare in what the guide says; a longer
request only counts when it is not made of the words the guide is playing at that moment (an
echo). SpeechRecognition's energy threshold, which rises with the guide's own sound, keeps quiet
echo out of both.
"""

from __future__ import annotations

from ..understanding.normalize import tokens
from ..understanding.router import Request
from ..understanding.vocabulary import STOPWORDS

CONFIDENT = 0.8  # a request heard over the guide's voice counts from this confidence up
ECHO_SHARE = 0.6  # this share of the content words being played makes what was heard an echo

# What may cut in while the guide speaks, as soon as it is heard.
BARGE_IN = frozenset(
    {
        "stop",
        "next",
        "previous",
        "repeat",
        "quit",
        "help",
        "start_over",
        "slower",
        "faster",
        "louder",
        "quieter",
        "keys",
    }
)
# Keys whose press silences the guide at once (the action follows).
SILENCING_KEYS = frozenset({"stop", "next", "previous", "repeat", "quit", "help", "keys", "talk", "start_over"})


def key_silences(action: str) -> bool:
    """A key press that silences the guide at once, before the loop gets to its action."""
    return action in SILENCING_KEYS


def stops_at_once(request: Request | None) -> bool:
    """Heard in the middle of the guide's speech, before the user's pause: a short command that
    silences it now rather than after the pause ("stop" has to work at once)."""
    return request is not None and request.intent in BARGE_IN and request.confidence >= CONFIDENT


def is_echo(text: str, playing: str) -> bool:
    """Is `text` made of the words being played now? Only what is playing (this sentence and the
    last) can come back as echo: the user repeating an example from earlier in the reply is not."""
    said = set(tokens(playing))
    words = [w for w in tokens(text) if w not in STOPWORDS]
    return bool(words) and sum(w in said for w in words) >= ECHO_SHARE * len(words)


def cuts_in(text: str, request: Request, playing: str) -> bool:
    """A whole utterance heard while the guide speaks: does it interrupt the reading? A confident
    command always does; any other confident request does unless it is the guide's own echo."""
    if request.confidence < CONFIDENT or request.intent in ("unknown", "clarify"):
        return False
    return request.intent in BARGE_IN or not is_echo(text, playing)
