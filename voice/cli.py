"""The `voice-guide` command line: a stable contract that people and scripts rely on."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable

from . import __version__
from .dialogue import Reply, Session
from .errors import GuideError
from .pack import Pack, available_packs, find_pack, load_pack
from .packtests import load_tests, run_dialogue, run_utterances, tests_path
from .router import Router


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


def cmd_ask(args: argparse.Namespace) -> int:
    pack = _load(args)
    router = Router(pack)
    questions: Iterable[str] = [" ".join(args.text)] if args.text else sys.stdin
    for line in questions:
        if not line.strip():
            continue
        _emit(Session(pack, router).handle(line.strip()), args.json)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    pack = _load(args)
    session = Session(pack)
    interactive = sys.stdin.isatty() and not args.json
    if not args.json:
        print(f"Guide: {session.welcome().text}", flush=True)
        if interactive:
            print("(Type a question, or 'help'. 'quit' to leave.)", flush=True)
    while True:
        try:
            line = input("You: ") if interactive else sys.stdin.readline()
        except EOFError:
            break
        if not interactive and not line:
            break
        if not line.strip():
            continue
        reply = session.handle(line.strip())
        _emit(reply, args.json)
        if reply.quit:
            break
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
    items = sum(len(s.items) for s in pack.sections)
    print(f"{args.path}: OK: '{pack.title}', {len(pack.sections)} sections, {items} items")
    tests_file = tests_path(args.path)
    if not tests_file.exists():
        return 0
    tests = load_tests(tests_file)
    router = Router(pack)
    misses = run_utterances(router, tests)
    total = len(tests.utterances)
    for utterance, got in misses:
        print(f"  miss: '{utterance.say}': expected {utterance.expect}, "
              f"understood {got.target or got.intent} ({got.confidence})")
    failed = 0
    for dialogue in tests.dialogues:
        problems = run_dialogue(pack, router, dialogue)
        failed += bool(problems)
        for problem in problems:
            print(f"  dialogue: {problem}")
    rate = 100.0 * (total - len(misses)) / total if total else 100.0
    print(f"{tests_file}: {total - len(misses)} of {total} utterances understood ({rate:.1f}%), "
          f"{len(tests.dialogues) - failed} of {len(tests.dialogues)} dialogues pass")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="voice-guide", description="An offline, spoken guide to health information.")
    parser.add_argument("--version", action="version", version=f"voice-guide {__version__}")
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

    validate = sub.add_parser("validate", help="check a content pack file")
    validate.add_argument("path")
    validate.set_defaults(func=cmd_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        args = parser.parse_args(["chat", *(argv or sys.argv[1:])])
    try:
        return args.func(args)
    except GuideError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        print("", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
