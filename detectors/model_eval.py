"""The model card's accuracy table: the model alone, the cascade, the rules, rules + model, on a split.

``python -m detectors.model_eval [--split test] [--json out.json]``

Each screener runs through ``detectors.evaluate`` (the same harness as the rule chain) with
the default ``Policy``; "model alone" is the model detector as the only detector. The test
split and the challenge sets (prompts written unlike the templates) are read here and only
here, after training and threshold choice are done.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from detectors.base import Detector
from detectors.data import TEST, TRAIN
from detectors.evaluate import EvalReport, run
from detectors.model import ChainModelDetector, MiniLMEscalation, ModelLoadError, PromptModelDetector
from detectors.screener import PromptScreener


def screeners() -> dict[str, PromptScreener]:
    from detectors.chain import build_detectors

    student = PromptModelDetector()
    rules: list[Detector] = [
        d for d in build_detectors() if d.name != student.name
    ]  # the chain as registered, less the model
    out = {"model alone (student)": PromptScreener([student])}
    try:
        cascade = PromptModelDetector(escalation=MiniLMEscalation.load())
        out["model alone (cascade)"] = PromptScreener([cascade])
    except ModelLoadError:
        cascade = None
    out["rules"] = PromptScreener(rules)
    out["rules + student"] = PromptScreener([*rules, student])
    out["rules + chain student"] = PromptScreener([*rules, ChainModelDetector()])
    if cascade is not None:
        out["rules + cascade"] = PromptScreener([*rules, cascade])
    return out


def summary(report: EvalReport) -> dict[str, object]:
    def rate(r: object) -> float | None:
        return None if r is None else getattr(r, "rate", None)

    strict = report.no_mature

    def flagged(cls: str) -> float | None:  # share sent to review or block
        row = report.confusion.get(cls)
        return None if not row else (row["review"] + row["block"]) / sum(row.values())

    return {
        "flagged_minors": flagged("sexual/minors"),
        "flagged_real_person": flagged("sexual/real_person"),
        "recall_minors": rate(report.recall.get("sexual/minors")),
        "recall_real_person": rate(report.recall.get("sexual/real_person")),
        "adult_recall_no_mature": rate(report.adult_recall),
        "fpr": rate(report.false_positives),
        "fpr_block": rate(report.fp_block),
        "fpr_review": rate(report.fp_review),
        "fpr_no_mature": rate(strict.false_positives) if strict else None,
        "p50_ms": report.latency.p50_ms,
        "p99_ms": report.latency.p99_ms,
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["train", "test", "challenge_dev", "challenge_holdout"], default="test")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    path = {"train": TRAIN, "test": TEST}.get(args.split) or TRAIN.parent / f"{args.split}.jsonl"
    rows = {name: summary(run(path, s, both_policies=True, batch_size=32)) for name, s in screeners().items()}
    keys = list(next(iter(rows.values())))
    print(f"{'screener':24} " + " ".join(f"{k:>12}" for k in keys))
    for name, row in rows.items():
        cells = [f"{v:12.3f}" if isinstance(v, float) else f"{v!s:>12}" for v in row.values()]
        print(f"{name:24} " + " ".join(cells))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(rows, out, indent=2)


if __name__ == "__main__":
    main()
