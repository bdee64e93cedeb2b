"""The conversation: where the user is in the guide, and what the guide says next.

Pure logic over text: it never touches audio, so it behaves the same typed and spoken. What is
said about each place is in reading.py, the guide's own sentences in texts.yaml, and the commands
that change the voice or the bookmark in controls.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..content.model import Item, Pack, Section
from ..understanding.normalize import capped
from ..understanding.router import Request, Router
from ..understanding.vocabulary import load_commands
from .controls import Controls
from .intents import Intent, as_intent, check_commands
from .memory import Memory
from .picking import WELCOME, Picking
from .reading import Reading
from .reply import Reply
from .safety_replies import SafetyGuide, SafetyReply
from .settings import Settings
from .texts import Texts, inline

__all__ = ["HANDLERS", "WELCOME", "Reply", "Session"]


class Session(Controls, Picking):
    """One person's conversation with one pack."""

    def __init__(
        self, pack: Pack, router: Router | None = None, settings: Settings | None = None, memory: Memory | None = None
    ) -> None:
        check_commands(load_commands().phrases, HANDLERS)  # a phrase for an intent nobody answers: fail now
        self.pack = pack
        self.texts = Texts(pack)  # a pack's own wording of the guide's texts is checked here too
        self.reading = Reading(pack, self.texts)
        self.router = router or Router(pack)
        self.settings = settings or Settings()
        self.memory = memory or Memory(place=None, bookmark=None)
        self.places: list[tuple[Section, Item | None]] = self.reading.places
        self.position = WELCOME
        self.pages: list[str] = []  # what is said at this place, page by page
        self.page = 0
        self.last_text = ""
        self.choices: tuple[str, ...] = ()
        self.misunderstood = 0
        self.resume: str | None = None  # offered at start: "continue" goes back there
        self.told_name_only = False  # the full "no more information" note is said once
        self.safety = SafetyGuide(pack, self.router, inline)

    @property
    def place_id(self) -> str | None:
        """The section or item the user is at, as kept between runs."""
        if self.position == WELCOME:
            return None
        section, item = self.places[self.position]
        return item.id if item else section.id

    def topics(self) -> str:
        """The sections a person can ask for, as a spoken list."""
        return self.texts.values["topics"]

    # --- starting ----------------------------------------------------------------------

    def welcome(self, intent: Intent = Intent.WELCOME) -> Reply:
        """The full welcome of a first start: what this is, the disclaimer, things to try."""
        self._at(WELCOME)
        text = self.texts.say("welcome", welcome=self.pack.welcome, disclaimer=self.pack.disclaimer)
        if self.pack.try_saying:
            examples = self.texts.spoken_list([f'"{t}"' for t in self.pack.try_saying], "or")
            text += " " + self.texts.say("try_saying", examples=examples)
        return self._said(Reply(text, intent))

    def not_caught(self, urgent: bool = False) -> Reply:
        """Said to speech not acted on; `urgent` (perhaps an emergency) points to emergency help."""
        number = self.settings.emergency_number
        return Reply(self.safety.not_caught_urgent(number) if urgent else self.texts.say("not_caught"), "not_caught")

    def greeting(self, offer_resume: bool = True) -> Reply:
        """What is said at start: the full welcome the first time, a short one after that,
        offering to go back to where the user was."""
        first = self.memory.visits == 0
        self.memory.visits += 1
        if first:
            return replace(self.welcome(), memory_changed=True)
        self._at(WELCOME)
        text = self.texts.say("welcome_back", disclaimer=self.pack.disclaimer)
        place = self.memory.place
        if offer_resume and self.settings.welcome_back and place in self.pack.by_id:
            self.resume = place
            text += " " + self.texts.say("resume_offer", place=inline(self.pack.by_id[place].spoken))
        else:
            text += " " + self.texts.say("ask_about")
        return self._said(Reply(text, Intent.WELCOME, memory_changed=True))

    # --- turns -------------------------------------------------------------------------

    def handle(self, text: str) -> Reply:
        """Answer one utterance and move through the guide accordingly."""
        text = capped(text)  # a pasted page must not stall routing
        said = self.safety.answer(text, self.settings.emergency_number, self.choices)
        if isinstance(said, SafetyReply):  # emergencies before anything else, in every state (issue 12)
            return self._safe(said)
        request = said or self.router.route(text, self.choices)
        reply = self.respond(request)
        reply = replace(reply, heard=request.heard, confidence=request.confidence)
        if reply.section is None and self.position != WELCOME and reply.intent != Intent.UNKNOWN:
            section, item = self.places[self.position]
            reply = replace(reply, section=section.id, item=item.id if item else None)
        return reply

    def respond(self, request: Request) -> Reply:
        intent = as_intent(request.intent)
        if intent is not Intent.CLARIFY:
            self.choices = ()
        resume, self.resume = self.resume, None
        if resume and intent in (Intent.READ_ALL, Intent.YES, Intent.NEXT):
            # "Say continue, or start over": continue means back to where we were.
            return self._go_to(resume, Intent.RESUME)
        if intent is Intent.UNKNOWN:
            return self._said(self._unknown(request))
        reply = HANDLERS.get(intent, Session._unexpected_answer)(self, request)
        if reply.intent != Intent.UNKNOWN:  # a "yes" to no question is not understood either
            self.misunderstood = 0
        return reply

    def reached(self, position: int) -> None:
        """The listener stopped a long reading here: "next" and next time go on from this place."""
        self._at(max(WELCOME, min(position, len(self.places) - 1)))
        self.memory.place = self.place_id

    # --- moving --------------------------------------------------------------------------

    def _at(self, position: int, pages: list[str] | None = None) -> None:
        self.position, self.pages, self.page = position, pages or [], 0

    def _safe(self, said: SafetyReply) -> Reply:
        # The place is kept; a pending question is dropped; "yes" reads what was offered.
        self.choices, self.resume, self.misunderstood = (), said.offer, 0
        return self._said(Reply(said.text, said.intent, heard=said.heard, confidence=1.0))

    def _said(self, reply: Reply) -> Reply:
        if not reply.stop:
            self.last_text = reply.text
        return reply

    def _position_of(self, target: str) -> int:
        for position, (section, item) in enumerate(self.places):
            if (item and item.id == target) or (item is None and section.id == target):
                return position
        raise KeyError(target)

    def _go(self, position: int, intent: Intent) -> Reply:
        section, item = self.places[position]
        self._at(position, self.reading.pages(position, self.told_name_only))
        self.told_name_only |= item is not None and item.name_only
        self.memory.place = self.place_id
        ids = {"section": section.id, "item": item.id if item else None}
        return self._said(Reply(self.pages[0], intent, memory_changed=True, **ids))

    def _go_to(self, target: str, intent: Intent) -> Reply:
        return self._go(self._position_of(target), intent)

    def _here(self) -> tuple[str, str] | None:
        return None if self.position == WELCOME else (self.place_id or "", self.reading.name_at(self.position))

    def _turn_page(self, step: int, intent: Intent) -> Reply:
        self.page += step
        return self._said(Reply(self.pages[self.page], intent))

    def _place(self, request: Request) -> Reply:
        if not request.target or request.target not in self.pack.by_id:
            return self._said(self._unknown(request))
        return self._go_to(request.target, as_intent(request.intent))

    def _next(self, request: Request) -> Reply:
        if self.page + 1 < len(self.pages):
            return self._turn_page(1, Intent.NEXT)  # the rest of a long text first
        if self.position + 1 >= len(self.places):
            return self._said(Reply(self.texts.say("end"), Intent.NEXT))
        return self._go(self.position + 1, Intent.NEXT)

    def _previous(self, request: Request) -> Reply:
        if self.page > 0:
            return self._turn_page(-1, Intent.PREVIOUS)
        if self.position <= 0:
            self._at(WELCOME)
            return self._said(Reply(self.texts.say("beginning"), Intent.PREVIOUS))
        return self._go(self.position - 1, Intent.PREVIOUS)

    def _repeat(self, request: Request) -> Reply:
        if not self.last_text:
            return self.welcome(Intent.REPEAT)  # nothing said yet: the welcome is what there is to repeat
        return Reply(self.last_text, Intent.REPEAT)

    def _start_over(self, request: Request) -> Reply:
        return self.welcome(Intent.START_OVER)

    def _read_all(self, request: Request) -> Reply:
        # The rest of the page being read, then everything after it, then the end.
        parts = [(self.position, page) for page in self.pages[self.page + 1 :]]
        parts += self.reading.read_all(self.position + 1)
        if not parts:
            return self._said(Reply(self.texts.say("end"), Intent.READ_ALL))
        parts.append((len(self.places) - 1, self.texts.say("end")))
        # read all says the note about names in full, if it read any
        self.told_name_only |= any(i is not None and i.name_only for _, i in self.places[self.position + 1 :])
        self.reached(len(self.places) - 1)
        text = " ".join(t for _, t in parts)
        return self._said(Reply(text, Intent.READ_ALL, parts=tuple(parts), memory_changed=True))

    # --- not understood, not sure, help ----------------------------------------------------

    def _clarify(self, request: Request) -> Reply:
        self.choices = request.choices
        names = [inline(self.pack.by_id[c].spoken) for c in request.choices]
        return self._said(Reply(self.texts.say("clarify", choices=self.texts.spoken_list(names, "or")), Intent.CLARIFY))

    def _no(self, request: Request) -> Reply:
        return self._said(Reply(self.texts.say("answer_no"), Intent.NO))

    def _unknown(self, request: Request) -> Reply:
        self.misunderstood += 1
        if self.misunderstood > 1:
            return Reply(self.texts.say("unknown_again"), Intent.UNKNOWN)
        return Reply(self.texts.say("unknown" if request.heard else "unknown_silence"), Intent.UNKNOWN)

    def _greet(self, request: Request) -> Reply:
        return self._said(Reply(self.texts.say("greet"), Intent.GREET))

    def _help(self, request: Request) -> Reply:
        say = self.texts.say
        if self.choices:
            first, second = (inline(self.pack.by_id[c].spoken) for c in self.choices[:2])
            return self._said(Reply(say("clarify_help", first=first, second=second), Intent.HELP))
        controls = say("help_controls")
        if self.position == WELCOME:
            return self._said(Reply(say("help_start", controls=controls), Intent.HELP))
        section, item = self.places[self.position]
        moves = []
        if self.page + 1 < len(self.pages):
            moves.append(say("help_more"))
        elif item is None and section.items:
            moves.append(say("help_next_items", name=inline(section.items[0].spoken)))
        elif self.position + 1 < len(self.places):
            moves.append(say("help_next", name=inline(self.reading.name_at(self.position + 1))))
        moves.append(say("help_previous"))
        place = inline(self.reading.name_at(self.position))
        return self._said(Reply(say("help_here", place=place, moves=", ".join(moves), controls=controls), Intent.HELP))


# Every intent a person can ask for, and what answers it. check_commands makes sure that each
# intent named in commands.yaml is here.
HANDLERS: dict[Intent, Callable[[Session, Request], Reply]] = {
    Intent.SECTION: Session._place,
    Intent.ITEM: Session._place,
    Intent.CLARIFY: Session._clarify,
    Intent.UNKNOWN: Session._unknown,
    Intent.NEXT: Session._next,
    Intent.PREVIOUS: Session._previous,
    Intent.REPEAT: Session._repeat,
    Intent.START_OVER: Session._start_over,
    Intent.READ_ALL: Session._read_all,
    Intent.SLOWER: Session._slower,
    Intent.FASTER: Session._faster,
    Intent.LOUDER: Session._louder,
    Intent.QUIETER: Session._quieter,
    Intent.STOP: Session._stop,
    Intent.QUIT: Session._quit,
    Intent.CUES_OFF: Session._cues_off,
    Intent.CUES_ON: Session._cues_on,
    Intent.BOOKMARK: Session._bookmark,
    Intent.GOTO_BOOKMARK: Session._goto_bookmark,
    Intent.HELP: Session._help,
    Intent.KEYS: Session._keys,
    Intent.DISCLAIMER: Session._disclaimer,
    Intent.GREET: Session._greet,
    Intent.ORDINAL: Session._ordinal,
    Intent.YES: Session._unexpected_answer,
    Intent.SECOND: Session._unexpected_answer,
    Intent.NO: Session._no,
}
