"""One probability from the evidence (features.py): a logistic model fitted on the development
split of the blind sets by scripts/fit_router.py, and the one threshold chosen there (with the
share of the best that a second meaning needs for the guide to ask which one was meant).

The weights live in model.yaml beside this file, not in code: they are the same for every pack.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ..errors import GuideError
from .features import NAMES

MODEL_FILE = Path(__file__).parent / "model.yaml"


@dataclass(frozen=True)
class Model:
    weights: tuple[float, ...]  # one per feature, in the order of features.NAMES
    bias: float
    threshold: float  # answer when the probability is at least this
    # Ask which of two was meant when the second is likely too and at least this share of the
    # first (fitted with the threshold; an older file without it: 1 - threshold).
    ratio: float = 0.0

    def probability(self, features: list[float]) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, features, strict=True))
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


@lru_cache(maxsize=4)
def load_model(path: str = str(MODEL_FILE)) -> Model:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        weights = tuple(float(data["weights"][name]) for name in NAMES)
        threshold = float(data["threshold"])
        return Model(weights, float(data["bias"]), threshold, float(data.get("ratio", 1 - threshold)))
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise GuideError(
            f"{path}: the router's model cannot be read ({exc}). Run scripts/fit_router.py or restore the file."
        ) from None
