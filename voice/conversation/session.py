"""The conversation: where the user is in the guide, and what the guide says next.

Pure logic over text: it never touches audio, so it behaves the same typed and spoken.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..content.pack import Item, Pack, Section
from ..understanding.normalize import capped
from ..understanding.router import Request, Router
from .keymap import KEY_HELP
from .memory import Memory
from .settings import Settings

WELCOME = -1  # position before the first section


@dataclass
class Reply:
    """One turn's answer. `text` is exactly what is spoken."""

    text: str
    intent: str
    heard: str = ""
    confidence: float = 0.0
    section: str | None = None
    item: str | None = None
    quit: bool = False
    stop: bool = False  # stop speaking now (the reply itself is short)
    settings_changed: bool = False  # a setting the user will expect to keep next time
    memory_changed: bool = False  # the place or the bookmark to keep for next time
    # For long readings: (position, text) pieces, so a listener who stops halfway can resume.
    parts: list[tuple[int, str]] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "heard": self.heard,
            "intent": self.intent,
            "section": self.section,
            "item": self.item,
            "reply": self.text,
            "confidence": self.confidence,
        }


def inline(name: str) -> str:
    """A name as it stands mid-sentence: 'Herniated disc' -> 'herniated disc', 'X Stop' kept."""
    return name[0].lower() + name[1:] if len(name) > 1 and name[1].islower() else name


def spoken_list(names: list[str], joiner: str = "and") -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f", {joiner} " + names[-1]


class Session:
    """One person's conversation with one pack."""

    def __init__(
        self, pack: Pack, router: Router | None = None, settings: Settings | None = None, memory: Memory | None = None
    ) -> None:
        self.pack = pack
        self.router = router or Router(pack)
        self.settings = settings or Settings()
        self.memory = memory or Memory(place=None, bookmark=None)
        self.places: list[tuple[Section, Item | None]] = list(pack.walk())
        self.position = WELCOME
        self.last_text = ""
        self.choices: tuple[str, ...] = ()
        self.misunderstood = 0
        self.resume: str | None = None  # offered at start: "continue" goes back there

    @property
    def place_id(self) -> str | None:
        """The section or item the user is at, as kept between runs."""
        if self.position == WELCOME:
            return None
        section, item = self.places[self.position]
        return item.id if item else section.id

    # --- what is said about each place --------------------------------------------------

    def welcome(self) -> Reply:
        """The full welcome of a first start: what this is, the disclaimer, things to try."""
        self.position = WELCOME
        tries = spoken_list([f'"{t}"' for t in self.pack.try_saying], "or")
        text = f"Welcome. {self.pack.welcome} {self.pack.disclaimer} You can say, for example, {tries}."
        return self._said(Reply(text, "welcome"))

    def greeting(self, offer_resume: bool = True) -> Reply:
        """What is said at start: the full welcome the first time, a short one after that,
        offering to go back to where the user was."""
        first = self.memory.visits == 0
        self.memory.visits += 1
        if first:
            reply = self.welcome()
        else:
            self.position = WELCOME
            reply = Reply(
                f"Welcome back to the guide to {self.pack.spoken_title.lower()}. {self.pack.disclaimer}", "welcome"
            )
            place = self.memory.place
            if offer_resume and self.settings.welcome_back and place in self.pack.by_id:
                self.resume = place
                reply.text += (
                    f" Last time we were at {inline(self.pack.by_id[place].spoken)}. Say continue, or start over."
                )
            else:
                reply.text += f" Ask about {self.topics()}, or say help."
            self._said(reply)
        reply.memory_changed = True
        return reply

    def _place_text(self, position: int, hints: bool = True) -> str:
        section, item = self.places[position]
        if item is None:
            return self._section_text(section, hints)
        if item.text is None and not hints:
            return f"{item.spoken}."  # read in a row; the note follows the last one (_read_all)
        if item.text is None:
            return (
                f"{item.spoken}. This is one of the {section.spoken.lower()} that this guide "
                f"lists. The guide has no more information about it. Please ask your doctor "
                f"whether it could be right for you."
            )
        return f"{item.spoken}. {item.spoken_text or item.text}"

    def _section_text(self, section: Section, hints: bool) -> str:
        if not section.items:
            text = section.spoken_intro
            after = self._next_section(section)
            if hints and after:
                text += f" Say next to hear about the {after.spoken.lower()}."
            return text
        names = spoken_list([inline(i.short) for i in section.items])
        text = f"{section.spoken}. {section.spoken_intro} {names}."
        if hints:
            text += f" Say next to hear about {inline(section.items[0].spoken)} first, or ask about any of them."
        return text

    def _next_section(self, section: Section) -> Section | None:
        index = self.pack.sections.index(section)
        return self.pack.sections[index + 1] if index + 1 < len(self.pack.sections) else None

    def topics(self) -> str:
        """The sections with items, as a spoken list: what the user can ask about."""
        return spoken_list([s.spoken.lower() for s in self.pack.sections if s.items], "or")

    # --- turns -------------------------------------------------------------------------

    def handle(self, text: str) -> Reply:
        """Answer one utterance and move through the guide accordingly."""
        request = self.router.route(capped(text), self.choices)  # a pasted page must not stall routing
        reply = self.respond(request)
        reply.heard, reply.confidence = request.heard, request.confidence
        if reply.section is None and self.position != WELCOME and request.intent != "unknown":
            section, item = self.places[self.position]
            reply.section, reply.item = section.id, item.id if item else None
        return reply

    def respond(self, request: Request) -> Reply:
        intent = request.intent
        if intent != "clarify":
            self.choices = ()
        resume, self.resume = self.resume, None
        if resume and intent in ("read_all", "yes", "next"):
            # "Say continue, or start over": continue means back to where we were.
            return self._go(self._position_of(resume), "resume")
        if intent == "unknown":
            return self._said(self._unknown(request))
        self.misunderstood = 0
        if intent in ("section", "item") and request.target:
            return self._go(self._position_of(request.target), intent)
        handler = getattr(self, f"_{intent}", None)
        if handler is None:  # an answer ("yes", "second") with nothing pending
            return self._said(self._unknown(request))
        return handler(request)

    def _said(self, reply: Reply) -> Reply:
        if not reply.stop:
            self.last_text = reply.text
        return reply

    def _position_of(self, target: str) -> int:
        for position, (section, item) in enumerate(self.places):
            if (item and item.id == target) or (item is None and section.id == target):
                return position
        raise KeyError(target)

    def _go(self, position: int, intent: str, prefix: str = "") -> Reply:
        self.position = position
        self.memory.place = self.place_id
        section, item = self.places[position]
        text = prefix + self._place_text(position)
        return self._said(Reply(text, intent, section=section.id, item=item.id if item else None, memory_changed=True))

    def _clarify(self, request: Request) -> Reply:
        self.choices = request.choices
        names = [inline(self.pack.by_id[c].spoken) for c in request.choices]
        return self._said(Reply(f"Did you mean {spoken_list(names, 'or')}?", "clarify"))

    def _no(self, request: Request) -> Reply:
        return self._said(Reply(f"Okay. You can ask about {self.topics()}, or say help.", "no"))

    def _unknown(self, request: Request) -> Reply:
        self.misunderstood += 1
        if self.misunderstood > 1:
            return Reply(f"You can say {self.topics()}.", "unknown")
        if not request.heard:
            start = "Sorry, I didn't hear anything."
        else:
            start = "Sorry, I can't help with that."
        return Reply(
            f"{start} I can tell you about {self.pack.spoken_title.lower()}: what it is, "
            f"its causes, symptoms, and treatments. Say help to hear what you can say.",
            "unknown",
        )

    def _next(self, request: Request) -> Reply:
        if self.position + 1 >= len(self.places):
            return self._said(Reply(self._end_text(), "next"))
        return self._go(self.position + 1, "next")

    def _end_text(self) -> str:
        return (
            f"That is the end of the guide. Say start over to go back to the beginning, or ask about {self.topics()}."
        )

    def _previous(self, request: Request) -> Reply:
        if self.position <= 0:
            self.position = WELCOME
            return self._said(
                Reply(
                    f"This is the beginning of the guide. Say next to start, or ask about {self.topics()}.", "previous"
                )
            )
        return self._go(self.position - 1, "previous")

    def _repeat(self, request: Request) -> Reply:
        if not self.last_text:
            reply = self.welcome()  # nothing said yet: the welcome is what there is to repeat
            reply.intent = "repeat"
            return reply
        return Reply(self.last_text, "repeat")

    def _start_over(self, request: Request) -> Reply:
        reply = self.welcome()
        reply.intent = "start_over"
        return reply

    def _read_all(self, request: Request) -> Reply:
        start = self.position + 1
        if start >= len(self.places):
            return self._said(Reply(self._end_text(), "read_all"))
        parts = []
        for p in range(start, len(self.places)):
            text = self._place_text(p, hints=False)
            section, item = self.places[p]
            if item is not None and item.text is None and item is section.items[-1]:
                text += (
                    f" The guide has no more information about these {section.spoken.lower()}. "
                    f"Please ask your doctor whether any of them could be right for you."
                )
            parts.append((p, text))
        parts.append((len(self.places) - 1, self._end_text()))
        self.position = len(self.places) - 1
        self.memory.place = self.place_id
        text = " ".join(t for _, t in parts)
        return self._said(Reply(text, "read_all", parts=parts, memory_changed=True))

    def reached(self, position: int) -> None:
        """The listener stopped a long reading here: continue from this place next time."""
        self.position = max(WELCOME, min(position, len(self.places) - 1))
        self.memory.place = self.place_id

    def _help(self, request: Request) -> Reply:
        if self.choices:
            names = [inline(self.pack.by_id[c].spoken) for c in self.choices]
            text = f"Say the first one for {names[0]}, or the second one for {names[1]}. Or ask something else."
            return self._said(Reply(text, "help"))
        controls = "You can also say slower, faster, louder, quieter, stop, remember this, what are the keys, or quit."
        if self.position == WELCOME:
            text = (
                f"You can ask what {self.pack.spoken_title.lower()} is, or about its "
                f"{self.topics()}. Say next to go through the guide step by step, "
                f"or read all to hear everything. {controls}"
            )
        else:
            section, item = self.places[self.position]
            moves = []
            if item is None and section.items:
                moves.append(f"next for {inline(section.items[0].spoken)}, or the name of any of them")
            elif self.position + 1 < len(self.places):
                moves.append(f"next for {inline(self._name_at(self.position + 1))}")
            moves.append("previous to go back")
            text = (
                f"You are at {inline(self._name_at(self.position))}. Say {spoken_list(moves, 'or')}. "
                f"Say repeat to hear it again, or main menu to start over. {controls}"
            )
        return self._said(Reply(text, "help"))

    def _name_at(self, position: int) -> str:
        section, item = self.places[position]
        return item.spoken if item else section.spoken

    def _change(self, intent: str, changed: bool, done: str, limit: str) -> Reply:
        return Reply(done if changed else limit, intent, settings_changed=changed)

    def _slower(self, request: Request) -> Reply:
        return self._change(
            "slower", self.settings.change_rate(-1), "Speaking slower.", "This is the slowest I can speak."
        )

    def _faster(self, request: Request) -> Reply:
        return self._change(
            "faster", self.settings.change_rate(1), "Speaking faster.", "This is the fastest I can speak."
        )

    def _louder(self, request: Request) -> Reply:
        return self._change(
            "louder",
            self.settings.change_volume(1),
            "Speaking louder.",
            "This is as loud as I can speak. You can also turn up the computer's volume.",
        )

    def _quieter(self, request: Request) -> Reply:
        return self._change(
            "quieter", self.settings.change_volume(-1), "Speaking more quietly.", "This is as quiet as I can speak."
        )

    def _keys(self, request: Request) -> Reply:
        return self._said(Reply(KEY_HELP, "keys"))

    def _bookmark(self, request: Request) -> Reply:
        if self.position == WELCOME:
            return Reply(
                "There is nothing to bookmark yet. Ask about something first, then say remember this.", "bookmark"
            )
        self.memory.bookmark = self.place_id
        return Reply(
            f"I'll remember {inline(self._name_at(self.position))}. Say go to my bookmark "
            f"to come back to it, even next time.",
            "bookmark",
            memory_changed=True,
        )

    def _goto_bookmark(self, request: Request) -> Reply:
        mark = self.memory.bookmark
        if mark not in self.pack.by_id:
            return self._said(
                Reply(
                    "You have no bookmark yet. When you hear something you want to come back to, say remember this.",
                    "goto_bookmark",
                )
            )
        return self._go(self._position_of(mark), "goto_bookmark")

    def _cues_off(self, request: Request) -> Reply:
        changed = self.settings.sound_cues
        self.settings.sound_cues = False
        return Reply("Sound cues are off. Say sound cues on to hear them again.", "cues_off", settings_changed=changed)

    def _cues_on(self, request: Request) -> Reply:
        changed = not self.settings.sound_cues
        self.settings.sound_cues = True
        return Reply("Sound cues are on.", "cues_on", settings_changed=changed)

    def _stop(self, request: Request) -> Reply:
        return Reply("Okay, stopped. Say continue or next when you are ready.", "stop", stop=True)

    def _quit(self, request: Request) -> Reply:
        return Reply("Goodbye. Take care.", "quit", quit=True)
