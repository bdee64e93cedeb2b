"""The `voice-guide` command line: a stable contract that people and scripts rely on."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable

from .. import __version__
from ..content.pack import Pack, available_packs, find_pack, load_pack
from ..conversation.session import Reply, Session
from ..conversation.settings import Settings, load_settings
from ..errors import GuideError
from ..understanding.router import Router
from . import launcher, profiles
from .caregiver import cmd_models, cmd_settings
from .ending import ends_cleanly
from .packtests import load_tests, pack_tests_path, run_dialogue, run_utterances, unknown_names
from .typed import typed_lines


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not a usage block
        raise SystemExit(_fail(f"{message} (see '{self.prog} --help')", code=2))


def _fail(message: str, code: int = 1) -> int:
    print(f"voice-guide: {message}", file=sys.stderr)
    return code


def _emit(reply: Reply, as_json: bool, extra: dict | None = None) -> None:
    if as_json:
        print(json.dumps({**reply.as_json(), **(extra or {})}, ensure_ascii=False), flush=True)
    else:
        print(f"Guide: {reply.text}", flush=True)


def _load(args: argparse.Namespace) -> Pack:
    return load_pack(find_pack(args.guide))


def _saved_settings() -> Settings:
    # Typed answers say the caregiver's emergency number too.
    settings, problem = load_settings()
    if problem:
        _notify(problem)
    return settings


def cmd_ask(args: argparse.Namespace) -> int:
    pack = _load(args)
    router = Router(pack)
    settings = _saved_settings()
    questions: Iterable[str] = [" ".join(args.text)] if args.text else sys.stdin
    for line in questions:
        if not line.strip():
            continue
        _emit(Session(pack, router, settings).handle(line.strip()), args.json)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from ..conversation.memory import Keeper, load_memory

    pack = _load(args)
    memory, notice = load_memory(pack.id)
    if notice:
        _notify(notice)
    session = Session(pack, settings=_saved_settings(), memory=memory)
    keeper = Keeper(pack.id, memory, _notify)  # "I'll remember ... even next time", as in `run`
    _emit(session.welcome(), args.json)  # the welcome (with the disclaimer) first, as JSON too
    try:
        for line in typed_lines(None if args.json else _notify):
            reply = session.handle(line)
            _emit(reply, args.json)
            if session.memory.bookmark != keeper.saved.bookmark:
                keeper.save(session.memory)  # a bookmark at once; the place when the chat ends
            if reply.quit:
                break
    finally:
        keeper.save(session.memory)
    return 0


def cmd_guides(args: argparse.Namespace) -> int:
    for name, path in available_packs().items():
        try:
            pack = load_pack(path)
            print(f"{name}\t{pack.title}\t{path}")
        except GuideError as exc:
            print(f"{name}\t(broken: {exc})\t{path}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    pack = load_pack(args.path)
    router = Router(pack)
    Session(pack, router)  # the pack's own wording of the guide's texts is checked here
    items = sum(len(s.items) for s in pack.sections)
    print(f"{args.path}: OK: '{pack.title}', {len(pack.sections)} sections, {items} items")
    tests_file = pack_tests_path(args.path)
    if not tests_file.exists():
        return 0
    tests = load_tests(tests_file)
    named = unknown_names(pack, tests)
    for problem in named:
        print(f"  {problem}")
    misses = run_utterances(router, tests)
    total = len(tests.utterances)
    for utterance, got in misses:
        understood = got.target or got.intent
        if got.intent == "clarify":
            understood = f"clarify between {' and '.join(got.choices)}"
        print(f"  miss: '{utterance.say}': expected {utterance.expect}, understood {understood} ({got.confidence})")
    failed = 0
    for dialogue in tests.dialogues:
        problems = run_dialogue(pack, router, dialogue)
        failed += bool(problems)
        for problem in problems:
            print(f"  dialogue: {problem}")
    rate = (total - len(misses)) / total if total else 1.0
    print(
        f"{tests_file}: {total - len(misses)} of {total} utterances understood ({100 * rate:.1f}%, "
        f"floor {100 * tests.floor:.0f}%), {len(tests.dialogues) - failed} of {len(tests.dialogues)} dialogues pass"
    )
    failures = []
    if rate < tests.floor:
        failures.append(f"{100 * rate:.1f}% of utterances understood is below the floor of {100 * tests.floor:.0f}%")
    if failed:
        failures.append(f"{failed} dialogue{'s' if failed > 1 else ''} failed")
    if named:
        failures.append(f"{len(named)} name{'s' if len(named) > 1 else ''} not in the pack")
    if failures:
        return _fail(f"{tests_file}: FAILED: " + "; ".join(failures))
    return 0


def _notify(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cmd_listen(args: argparse.Namespace) -> int:
    from ..hearing.engines import make_recognizer
    from ..hearing.wav import load_wav
    from ..understanding.heard import clear_request, judge
    from ..understanding.vocabulary import recognizer_phrases

    pack = _load(args)
    recordings = [(path, load_wav(path)) for path in args.files]  # a bad file fails before the model loads
    router = Router(pack)
    recognizer = make_recognizer(
        recognizer_phrases(pack), args.engine, args.model, args.free, _notify, clear_request(router.route)
    )
    for path, pcm in recordings:
        session = Session(pack, router)
        transcript = judge(
            recognizer.transcribe(pcm), router.route, session.safety.emergency, session.safety.near_emergency
        )
        if transcript.rejected:
            # Most likely not said to the guide: not acted on, as in a conversation.
            # Perhaps an emergency heard too unclearly (urgent): emergency help is pointed to, as in the loop.
            said = session.not_caught(transcript.urgent).text
            reply = Reply(said, "unknown", transcript.text, transcript.confidence)
        else:
            reply = session.handle(transcript.text)
        heard = {"file": path, "heard_confidence": round(transcript.confidence, 3), "rejected": transcript.rejected}
        if args.json:
            _emit(reply, True, heard)
        else:
            print(f"{path}\nYou: {transcript.text}\nGuide: {reply.text}", flush=True)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from .running import run_guide

    return run_guide(args, _load(args), _notify)


def cmd_check(args: argparse.Namespace) -> int:
    from .check import run_checks

    return run_checks(args, _notify)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="voice-guide", description="An offline, spoken guide to health information.")
    parser.add_argument("--version", action="version", version=f"voice-guide {__version__}")
    parser.add_argument(  # taken out of the command line before parsing: see profiles.take_profile
        "--profile", metavar="NAME", help="one person's own settings and places (before or after the command)"
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    def guide_opts(p: argparse.ArgumentParser, json_flag: bool = True) -> None:
        p.add_argument("--guide", metavar="NAME|PATH", help="a shipped guide's name or a pack file")
        if json_flag:
            p.add_argument("--json", action="store_true", help="one JSON object per answer")

    ask = sub.add_parser("ask", help="answer a typed question (or each line of standard input)")
    guide_opts(ask)
    ask.add_argument("text", nargs="*", help="the question; none: read questions line by line")
    ask.set_defaults(func=cmd_ask)

    chat = sub.add_parser("chat", help="a typed conversation, one turn per line")
    guide_opts(chat)
    chat.set_defaults(func=cmd_chat)

    sub.add_parser("guides", help="list the guides that are installed").set_defaults(func=cmd_guides)

    def engine_opts(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--engine",
            choices=("auto", "vosk", "moonshine", "sphinx"),
            default="auto",
            help="speech recogniser (auto: Vosk when an English model is installed, else Moonshine, else PocketSphinx)",
        )
        p.add_argument("--model", metavar="PATH", help="a Vosk model folder")
        p.add_argument("--free", action="store_true", help="recognise any words, not only the guide's (less accurate)")

    listen = sub.add_parser("listen", help="answer recorded questions (WAV files)")
    guide_opts(listen)
    engine_opts(listen)
    listen.add_argument("files", nargs="+", metavar="FILE.wav")
    listen.set_defaults(func=cmd_listen)

    run = sub.add_parser("run", help="the spoken guide (what plain 'voice-guide' does)")
    guide_opts(run, json_flag=False)
    engine_opts(run)
    run.add_argument("--rate", type=int, help="speaking rate for this session, words per minute")
    run.add_argument("--start-at", metavar="PLACE", help="start at a section or item, e.g. symptoms")
    run.add_argument("--push-to-talk", action="store_true", help="listen only after the space key")
    run.add_argument("--save-audio", metavar="DIR", help="also write each spoken reply to a WAV file")
    run.add_argument("--typed", action="store_true", help="type instead of speaking")
    run.add_argument("--quiet-captions", action="store_true", help="do not print what is said")
    run.add_argument("--mic", type=int, metavar="INDEX", help="microphone device index")
    run.add_argument(
        "--exit-after-silence", type=int, default=0, metavar="N", help=argparse.SUPPRESS
    )  # for tests: the guide itself never leaves on its own
    run.add_argument("--timings", metavar="FILE", help=argparse.SUPPRESS)  # for the benchmark
    run.set_defaults(func=cmd_run)

    check = sub.add_parser("check", help="check microphone, loudspeaker, voice, recogniser and guide")
    guide_opts(check, json_flag=False)
    engine_opts(check)
    check.set_defaults(func=cmd_check)

    models_cmd = sub.add_parser("models", help="list speech models, or install one")
    models_cmd.add_argument("action", nargs="?", choices=("list", "install"), default="list")
    models_cmd.add_argument("source", nargs="?", metavar="ZIP_OR_DIR")
    models_cmd.add_argument("--to", metavar="DIR", help="install into DIR instead of the user's folder")
    models_cmd.add_argument("--model", metavar="PATH", help=argparse.SUPPRESS)
    models_cmd.set_defaults(func=cmd_models)

    settings_cmd = sub.add_parser("settings", help="show the saved settings, or change one: KEY VALUE")
    settings_cmd.add_argument("key", nargs="?")
    settings_cmd.add_argument("value", nargs="?")
    settings_cmd.set_defaults(func=cmd_settings)

    validate = sub.add_parser("validate", help="check a content pack file")
    validate.add_argument("path")
    validate.set_defaults(func=cmd_validate)

    profiles.add_commands(sub)
    launcher.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        argv = profiles.take_profile(list(sys.argv[1:] if argv is None else argv))
    except GuideError as exc:
        return _fail(str(exc), code=2)
    commands = {"ask", "chat", "guides", "validate", "listen", "run", "check", "models", "settings"}
    commands |= {"forget", "install-launcher", "uninstall"}
    if not argv or (argv[0] not in commands and argv[0] not in ("-h", "--help", "--version")):
        argv = ["run", *argv]  # plain `voice-guide [options]` is the spoken guide
    args = parser.parse_args(argv)
    try:
        with ends_cleanly():  # SIGTERM, SIGHUP: clean up as on quitting
            return args.func(args)
    except GuideError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        print("", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
