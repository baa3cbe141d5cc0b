"""Train the prompt models on the train split: MiniLM head (teacher), hashed n-gram student, thresholds.

``train(train_path, out_dir, seed=1234) -> TrainReport``; ``python -m detectors.train`` writes
``detectors/models/``. The test split is never read here. Steps, all seeded:

1. Each train record plus ``augments`` obfuscated rewrites (``model_augment``); boilerplate
   negative prompts are swapped among themselves, meaningful ones (``loli, child``) kept.
2. Grouped K-fold (a record's near-duplicates share a ``group`` and a fold). Per fold, a head
   over frozen MiniLM embeddings (the teacher) gives out-of-fold class probabilities.
3. Per fold, the student learns from the labels and the teacher's out-of-fold probabilities;
   its out-of-fold scores on the original records choose the review and block thresholds.
4. Final teacher and student on all folds; weights and metadata JSON written to ``out_dir``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from pydantic import BaseModel, ConfigDict
from torch.nn import functional as F

from detectors.evaluate import PromptRecord, load_records
from detectors.model_features import Featurizer, HashSpec
from detectors.model_nets import CLASSES, StudentNet, TeacherHead
from detectors.model_thresholds import (
    CATEGORY_SCORES,
    cascade_probs,
    choose_thresholds,
    oof_metrics,
    scores_from_probs,
)
from detectors.model_training import (
    Rows,
    StudentFit,
    build_samples,
    embed,
    fit_student,
    fit_teacher,
    folds,
    seed_all,
    student_probs,
)

__all__ = ["TrainConfig", "TrainReport", "main", "train"]

STUDENT_FILE, TEACHER_FILE, META_FILE = "prompt_student.pt", "prompt_teacher_head.pt", "prompt_model.json"


class TrainConfig(BaseModel):
    """Every knob of a training run; stored in the metadata."""

    model_config = ConfigDict(frozen=True)

    folds: int = 5
    augments: int = 8
    age_rewrites: bool = True  # augmentation re-states ages (same side of 18, other wording)
    buckets: int = 1 << 16
    dim: int = 32
    hidden: int = 64
    epochs: int = 12
    batch: int = 64
    lr: float = 0.01
    weight_decay: float = 1e-5
    distill_weight: float = 0.5  # share of the loss on the teacher's soft labels
    label_smoothing: float = 0.1  # keeps probabilities off 0 and 1, so thresholds mean something
    teacher: bool = True  # False: labels only, no MiniLM needed (fast tests, no extra packages)
    teacher_epochs: int = 40
    teacher_augments: int = 3  # rewrites per record that MiniLM embeds (it is the slow part)
    teacher_seq_len: int = 128
    threads: int = 2


class TrainReport(BaseModel):
    """What a run produced: files, their hash, data counts, out-of-fold metrics, thresholds."""

    model_config = ConfigDict(frozen=True)

    out_dir: str
    version: str
    weights_sha256: str
    counts: dict[str, int]
    samples: int
    oof: dict[str, dict[str, float]]
    thresholds: dict[str, dict[str, dict[str, float]]]
    seconds: float
    timings: dict[str, float]
    config: TrainConfig


# --- the run --------------------------------------------------------------------------------


def train(
    train_path: str | Path, out_dir: str | Path, seed: int = 1234, config: TrainConfig | None = None
) -> TrainReport:
    """Train on ``train_path`` (JSONL, the train split only) and write the models into ``out_dir``.

    >>> report = train("detectors/data/prompts_train.jsonl", "detectors/models")  # doctest: +SKIP
    >>> report.version  # doctest: +SKIP
    'prompt-1-3f9a…'
    """
    cfg = config or TrainConfig()
    began = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(stage: str) -> None:
        timings[stage] = round(time.perf_counter() - began - sum(timings.values()), 1)

    seed_all(seed, cfg.threads)
    rng = random.Random(seed)
    records = load_records(train_path)
    samples = build_samples(records, cfg.augments, rng, age_rewrites=cfg.age_rewrites)
    rows = Rows.of(samples, Featurizer(HashSpec(buckets=cfg.buckets)))
    y = torch.tensor([s.label for s in samples])
    fold = folds(records, cfg.folds, rng)[[s.record for s in samples]]
    originals = np.array([s.original for s in samples])
    lap("samples_features")

    # Soft targets: the teacher's out-of-fold probabilities where MiniLM embedded the sample,
    # the one-hot label elsewhere (so the distillation term reduces to cross-entropy there).
    soft = F.one_hot(y, len(CLASSES)).float()
    oof_teacher = emb = None
    if cfg.teacher:
        sub = np.flatnonzero([s.variant <= cfg.teacher_augments for s in samples])
        emb = embed([samples[i] for i in sub], cfg.teacher_seq_len)
        lap("minilm_embed")
        for k in range(cfg.folds):
            tr, te = fold[sub] != k, fold[sub] == k
            head = fit_teacher((emb[0][tr], emb[1][tr]), y[sub][tr], cfg.teacher_epochs, seed + k)
            with torch.inference_mode():
                soft[sub[te]] = F.softmax(head(emb[0][te], emb[1][te]), dim=1)
        oof_teacher = soft[torch.from_numpy(originals)]
        lap("teacher_cv")

    fit = StudentFit(
        cfg.buckets,
        cfg.dim,
        cfg.hidden,
        cfg.epochs,
        cfg.batch,
        cfg.lr,
        cfg.weight_decay,
        cfg.distill_weight,
        cfg.label_smoothing,
    )
    row_y, row_soft = y[rows.owner], soft[rows.owner]
    oof_student = torch.zeros((len(samples), len(CLASSES)))
    for k in range(cfg.folds):
        tr, te = rows.where(fold != k), rows.where(fold == k)
        net = fit_student([rows.feats[i] for i in tr], row_y[tr], row_soft[tr], fit, seed + 100 + k)
        oof_student += student_probs(net, rows, te, len(samples))
    lap("student_cv")

    labels = [s.label for s, o in zip(samples, originals, strict=True) if o]
    oof_orig = oof_student[torch.from_numpy(originals)]
    thresholds = choose_thresholds(scores_from_probs(oof_orig), labels)
    oof = {
        "student": oof_metrics(oof_orig, labels, thresholds),
        "student_augmented": oof_metrics(oof_student[torch.from_numpy(~originals)], y[~originals].tolist(), thresholds),
    }
    cascade_thresholds = None
    if oof_teacher is not None:
        oof["teacher"] = oof_metrics(oof_teacher, labels, choose_thresholds(scores_from_probs(oof_teacher), labels))
        cascade, escalated = cascade_probs(oof_orig, oof_teacher, thresholds)
        cascade_thresholds = choose_thresholds(scores_from_probs(cascade), labels)
        oof["cascade"] = oof_metrics(cascade, labels, cascade_thresholds) | {
            "escalated": round(float(escalated.mean()), 4)
        }

    student = fit_student(rows.feats, row_y, row_soft, fit, seed + 999)
    teacher = fit_teacher(emb, y[sub], cfg.teacher_epochs, seed + 998) if emb is not None else None
    lap("final_fit")
    all_thresholds = {"student": thresholds} | ({"cascade": cascade_thresholds} if cascade_thresholds else {})
    version, digest = _write(Path(out_dir), student, teacher, cfg, seed, records, all_thresholds, oof, len(samples))
    return TrainReport(
        out_dir=str(out_dir),
        version=version,
        weights_sha256=digest,
        counts=dict(sorted(Counter(r.cls for r in records).items())),
        samples=len(samples),
        oof=oof,
        thresholds=all_thresholds,
        seconds=round(time.perf_counter() - began, 1),
        timings=timings,
        config=cfg,
    )


def _write(
    out: Path,
    student: StudentNet,
    teacher: TeacherHead | None,
    cfg: TrainConfig,
    seed: int,
    records: Sequence[PromptRecord],
    thresholds: dict[str, dict[str, dict[str, float]]],
    oof: dict[str, dict[str, float]],
    samples: int,
) -> tuple[str, str]:
    out.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().clone() for k, v in student.state_dict().items()}
    state["embed.weight"] = state["embed.weight"].half()  # fp16 table: half the file, same decisions
    torch.save(state, out / STUDENT_FILE)
    digest = hashlib.sha256((out / STUDENT_FILE).read_bytes())
    files = {STUDENT_FILE: digest.hexdigest()}
    if teacher is not None:
        torch.save(teacher.state_dict(), out / TEACHER_FILE)
        files[TEACHER_FILE] = hashlib.sha256((out / TEACHER_FILE).read_bytes()).hexdigest()
        digest.update(bytes.fromhex(files[TEACHER_FILE]))
    elif (out / TEACHER_FILE).exists():
        (out / TEACHER_FILE).unlink()  # a stale head from an earlier run must not be paired with this student
    version = f"prompt-1-{digest.hexdigest()[:12]}"
    meta = {
        "version": version,
        "classes": list(CLASSES),
        "files": files,
        "seed": seed,
        "hash": HashSpec(buckets=cfg.buckets).as_dict(),
        "student": {"dim": cfg.dim, "hidden": cfg.hidden},
        "teacher": {"seq_len": cfg.teacher_seq_len, "hidden": 64} if teacher is not None else None,
        "category_scores": CATEGORY_SCORES,
        "thresholds": thresholds,
        "oof": oof,
        "train": {
            "records": len(records),
            "samples": samples,
            "counts": dict(sorted(Counter(r.cls for r in records).items())),
            "sha256": hashlib.sha256("\n".join(r.id for r in records).encode()).hexdigest()[:16],
        },
        "config": cfg.model_dump(),
    }
    (out / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return version, digest.hexdigest()


def main(argv: Sequence[str] | None = None) -> None:
    from detectors.data import TRAIN

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", default=str(TRAIN))
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "models"))
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--no-teacher", action="store_true", help="labels only; no MiniLM needed")
    args = parser.parse_args(argv)
    report = train(args.train, args.out, args.seed, TrainConfig(teacher=not args.no_teacher))
    print(report.model_dump_json(indent=2))


if __name__ == "__main__":
    main()
