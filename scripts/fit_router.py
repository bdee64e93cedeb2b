#!/usr/bin/env python3
"""Fit the router's model (voice/understanding/model.yaml) on development data only.

Development data: the `split: dev` entries of the shipped pack's blind sets (in scope,
negatives, safety) and the pack's own utterance tests. Held-out entries are never read here.

The model is a logistic regression over the evidence of features.py (every candidate meaning
of every utterance: 1 if it is the meant one, else 0), fitted by Newton's method with a small
ridge penalty. The threshold is then the one that gets most development utterances right
through the router's whole decision (answer, ask which, or decline).

--cv K: instead, K-fold cross-validation on the development data (fit and threshold on K-1
folds, judged on the last): how well a change of features generalises, without the held-out split.

Run: PYTHONPATH=. .venv/bin/python scripts/fit_router.py [--dry-run] [--cv 5]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import yaml

from voice.app.blindsets import TYPED_SETS, is_right, load_set
from voice.app.packtests import load_tests, pack_tests_path
from voice.content.pack import find_pack, load_pack
from voice.understanding.features import NAMES, Said, evidence
from voice.understanding.model import MODEL_FILE, Model
from voice.understanding.router import Router

RIDGE = 0.01  # keeps weights finite and modest where features overlap or the data separate perfectly


def development(path: Path) -> list[tuple[str, str]]:
    """(said, expected) for every development utterance ("a|b" where the guide should ask)."""
    rows = [(e.say, e.expect) for name in TYPED_SETS for e in load_set(path, name, "dev")]
    for u in load_tests(pack_tests_path(path)).utterances:
        rows.append((u.say, "|".join(u.choices) if u.expect == "clarify" else u.expect))
    return rows


def design(router: Router, rows: list[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    x, y, _ = _design(router, rows)
    return x, y


def _design(router: Router, rows: list[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The evidence of every candidate, whether it is meant, and which row it came from."""
    xs, ys, at = [], [], []
    for row, (text, expect) in enumerate(rows):
        said = Said.of(text, router.index)
        for number, features in evidence(said, router.index).items():
            xs.append([1.0, *features])
            # "a|b": it is one of two, and either is as likely (the guide should ask which).
            meant = expect.split("|")
            ys.append(float(router.index.owners[number].id in meant) / len(meant))
            at.append(row)
    return np.array(xs), np.array(ys), np.array(at, dtype=np.int64)


# Which way each piece of evidence may count: +1 only for, -1 only against, 0 either. Features
# overlap (explained, fit, foreign), so an unconstrained fit can learn that a word nothing explains
# makes an answer MORE likely, which holds on the fitted data only (a pack of other words breaks it).
SIGNS = {"foreign": -1, "alien": -1, "advice": -1, "command": 0, "known": 0}


def _newton(x: np.ndarray, y: np.ndarray, steps: int) -> np.ndarray:
    w = np.zeros(x.shape[1])
    penalty = RIDGE * np.eye(x.shape[1])
    penalty[0, 0] = 0.0  # the bias is not shrunk
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y) + penalty @ w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def fit(x: np.ndarray, y: np.ndarray, steps: int = 50) -> np.ndarray:
    """Logistic regression; a feature whose weight comes out the wrong way is left out (weight 0)
    and the rest refitted, until every weight counts the way its evidence means."""
    signs = np.array([0] + [SIGNS.get(name, 1) for name in NAMES])
    kept = np.ones(x.shape[1], dtype=bool)
    while True:
        w = np.zeros(x.shape[1])
        w[kept] = _newton(x[:, kept], y, steps)
        wrong = kept & (signs * w < 0)
        if not wrong.any():
            return w
        kept[np.argmax(np.where(wrong, np.abs(w), -1))] = False  # the worst one first


def _right(request, expect: str) -> bool:
    if "|" in expect:
        return request.intent == "clarify" and set(request.choices) == set(expect.split("|"))
    return is_right(request, expect)


def choose_threshold(
    router: Router, rows: list[tuple[str, str]], w: np.ndarray, quiet: bool = False
) -> tuple[float, float]:
    """The threshold, and the share of the best a second meaning needs to be asked about, that
    get most development utterances right: the highest such share, and the middle of the
    thresholds that do as well with it (the edge of that range is where the data run out)."""
    router.model = Model(tuple(w[1:]), float(w[0]), 0.5, 0.5)
    ranked = [(router.ranked(text), expect) for text, expect in rows]
    thresholds, ratios = np.arange(0.05, 0.96, 0.01), np.arange(0.95, 0.29, -0.05)
    right = np.array(
        [
            [sum(_right(router.decide(s.heard, r, t, ratio=q), e) for (s, r), e in ranked) for q in ratios]
            for t in thresholds
        ]
    )
    best = right.max()
    column = int(np.flatnonzero((right == best).any(axis=0))[0])
    plateau = thresholds[right[:, column] == best]
    chosen = (float(plateau[len(plateau) // 2]), float(ratios[column]))
    if not quiet:
        print(f"threshold {chosen[0]:.2f}, ratio {chosen[1]:.2f}: {best} of {len(rows)} development utterances right")
    return chosen


def cross_validate(router: Router, rows: list[tuple[str, str]], folds: int) -> None:
    """Share right of each development utterance when it took no part in the fit."""
    x, y, at = _design(router, rows)
    fold = np.random.default_rng(11).permutation(len(rows)) % folds
    right = np.zeros(len(rows), dtype=bool)
    for k in range(folds):
        train = [r for n, r in enumerate(rows) if fold[n] != k]
        w = fit(x[fold[at] != k], y[fold[at] != k])
        threshold, ratio = choose_threshold(router, train, w, quiet=True)
        for n, (text, expect) in enumerate(rows):
            if fold[n] == k:
                said, ranked = router.ranked(text)
                right[n] = _right(router.decide(said.heard, ranked, threshold, ratio=ratio), expect)
    print(f"{folds}-fold cross-validated: {right.mean():.1%} of {len(rows)} development utterances right")
    sets = [name for name in TYPED_SETS for _ in load_set(find_pack(None), name, "dev")]
    for name in TYPED_SETS:
        mask = np.array([s == name for s in sets] + [False] * (len(rows) - len(sets)))
        print(f"  {name:18} {right[mask].mean():.1%} of {mask.sum()}")
    print(f"  {'pack tests':18} {right[len(sets) :].mean():.1%} of {len(rows) - len(sets)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dry-run", action="store_true", help="print the model, do not write it")
    parser.add_argument("--cv", type=int, default=0, metavar="K", help="K-fold cross-validation only")
    args = parser.parse_args()
    path = find_pack(None)
    router = Router(load_pack(path), Model((0.0,) * len(NAMES), 0.0, 0.5))  # refitted here
    rows = development(path)
    if args.cv:
        cross_validate(router, rows, args.cv)
        return
    x, y = design(router, rows)
    w = fit(x, y)
    threshold, ratio = choose_threshold(router, rows, w)
    model = {
        "bias": round(float(w[0]), 4),
        "threshold": round(threshold, 2),
        "ratio": round(ratio, 2),
        "weights": {name: round(float(v), 4) for name, v in zip(NAMES, w[1:], strict=True)},
    }
    print(yaml.safe_dump(model, sort_keys=False))
    if not args.dry_run:
        header = (
            "# The router's model: written by scripts/fit_router.py from development data only\n"
            "# (split: dev of the blind sets, and the pack's utterance tests). Do not edit by hand.\n"
        )
        MODEL_FILE.write_text(header + yaml.safe_dump(model, sort_keys=False), encoding="utf-8")


if __name__ == "__main__":
    main()
