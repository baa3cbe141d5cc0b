"""From class probabilities to category scores, and the review/block thresholds chosen on them.

Thresholds are chosen on out-of-fold scores of the TRAIN split only:

* ``review``: the lowest score (at least ``REVIEW_FLOOR``) at which no more than
  ``REVIEW_FPR`` of the category's negatives score: the model is a second opinion beside the
  rules, and every false alarm of its own adds to theirs, so it buys recall only cheaply.
* ``block``: above every out-of-fold negative and at least ``BLOCK_FLOOR``: the model alone
  blocks only where, in cross-validation, it never once blocked an innocent prompt.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch

__all__ = [
    "BLOCK_FLOOR",
    "CATEGORY_SCORES",
    "REVIEW_FLOOR",
    "REVIEW_FPR",
    "choose_thresholds",
    "oof_metrics",
    "scores_from_probs",
]

#: Category -> the classes (indices into ``model_nets.CLASSES``) whose probabilities add up to
#: its score. ``sexual/adult`` is "sexual at all": a sexual prompt about a minor is sexual too.
CATEGORY_SCORES: dict[str, list[int]] = {"sexual/minors": [2], "sexual/real_person": [3], "sexual/adult": [1, 2, 3]}
REVIEW_FPR = 0.02
REVIEW_FLOOR = 0.5
BLOCK_FLOOR = 0.9


def scores_from_probs(probs: torch.Tensor) -> dict[str, np.ndarray]:
    p = probs.detach().double().numpy()
    return {cat: p[:, idx].sum(1) for cat, idx in CATEGORY_SCORES.items()}


def _positives(cat: str, labels: Sequence[int]) -> np.ndarray:
    return np.isin(np.asarray(labels), CATEGORY_SCORES[cat])


def choose_thresholds(scores: dict[str, np.ndarray], labels: Sequence[int]) -> dict[str, dict[str, float]]:
    out = {}
    for cat, s in scores.items():
        pos = _positives(cat, labels)
        negatives = np.sort(s[~pos])[::-1]
        allowed = int(np.floor(REVIEW_FPR * len(negatives)))  # this many negatives may reach review
        review = REVIEW_FLOOR
        if allowed < len(negatives):
            review = max(REVIEW_FLOOR, float(np.nextafter(negatives[allowed], 2.0)))
        worst_negative = float(s[~pos].max()) if (~pos).any() else 0.0
        block = max(BLOCK_FLOOR, float(np.nextafter(worst_negative, 2.0)))
        out[cat] = {"review": _up(min(review, block)), "block": _up(block)}
    return out


def _up(x: float) -> float:
    """Rounded up to 6 decimals, so a score just under the threshold stays under it."""
    return math.ceil(x * 1e6) / 1e6


def oof_metrics(
    probs: torch.Tensor, labels: Sequence[int], thresholds: dict[str, dict[str, float]]
) -> dict[str, float]:
    """Accuracy, and per category recall/FPR at both thresholds and ROC AUC."""
    scores = scores_from_probs(probs)
    out = {"accuracy": round(float((probs.argmax(1).numpy() == np.asarray(labels)).mean()), 4)}
    for cat, s in scores.items():
        pos = _positives(cat, labels)
        for level, t in thresholds[cat].items():
            out[f"{cat}.recall@{level}"] = round(float((s[pos] >= t).mean()), 4)
            out[f"{cat}.fpr@{level}"] = round(float((s[~pos] >= t).mean()), 4)
        out[f"{cat}.auc"] = round(_auc(s[pos], s[~pos]), 4)
    return out


def _auc(pos: np.ndarray, neg: np.ndarray) -> float:
    if not len(pos) or not len(neg):
        return float("nan")
    both = np.concatenate([pos, neg])
    ranks = both.argsort().argsort() + 1.0
    for value in np.unique(both):  # average ranks over ties
        tie = both == value
        ranks[tie] = ranks[tie].mean()
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def doubtful(scores: dict[str, np.ndarray], thresholds: dict[str, dict[str, float]]) -> np.ndarray:
    """Rows whose score is in some category's review band ``[review, block)``: the student
    alone would send them to a person, so a second opinion is worth its cost there."""
    rows = np.zeros(len(next(iter(scores.values()))), dtype=bool)
    for cat, s in scores.items():
        rows |= (s >= thresholds[cat]["review"]) & (s < thresholds[cat]["block"])
    return rows


def cascade_probs(
    student: torch.Tensor, teacher: torch.Tensor, thresholds: dict[str, dict[str, float]]
) -> tuple[torch.Tensor, np.ndarray]:
    """The cascade's output: the student's probabilities, averaged with the teacher's where
    the student is in doubt. Returns the probabilities and which rows were escalated."""
    escalated = doubtful(scores_from_probs(student), thresholds)
    out = student.clone()
    rows = torch.from_numpy(escalated)
    out[rows] = (student[rows] + teacher[rows]) / 2
    return out, escalated
