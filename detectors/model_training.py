"""The pieces ``detectors.train`` is made of: samples, folds, MiniLM embeddings and the two fits."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch.nn import functional as F

from detectors.evaluate import PromptRecord
from detectors.model_augment import augment
from detectors.model_features import Featurizer, Texts, model_texts, riskiest, stack
from detectors.model_nets import CLASSES, StudentNet, TeacherHead

__all__ = [
    "Rows",
    "Sample",
    "build_samples",
    "embed",
    "fit_student",
    "fit_teacher",
    "folds",
    "seed_all",
    "student_probs",
]


@dataclass
class Sample:
    record: int  # index into the records
    texts: Texts
    label: int
    variant: int  # 0: the record as written; 1..augments: rewrites

    @property
    def original(self) -> bool:
        return self.variant == 0


@dataclass
class Rows:
    """The student's training rows: one per prompt view of each sample."""

    feats: list[tuple[np.ndarray, np.ndarray]]
    owner: np.ndarray  # sample index of each row

    @classmethod
    def of(cls, samples: Sequence[Sample], featurizer: Featurizer) -> Rows:
        feats, owner = [], []
        for i, s in enumerate(samples):
            for row in featurizer.rows(s.texts):
                feats.append(row)
                owner.append(i)
        return cls(feats, np.asarray(owner))

    def where(self, sample_mask: np.ndarray) -> np.ndarray:
        return np.flatnonzero(sample_mask[self.owner])


def seed_all(seed: int, threads: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)


def _generic_negatives(records: Sequence[PromptRecord]) -> list[str]:
    """Negative prompts seen with every class: boilerplate, safe to swap between records."""
    seen: dict[str, set[str]] = {}
    for r in records:
        seen.setdefault(r.negative_prompt, set()).add(r.cls)
    return sorted(n for n, classes in seen.items() if len(classes) == len(CLASSES))


def build_samples(
    records: Sequence[PromptRecord], augments: int, rng: random.Random, *, age_rewrites: bool = True
) -> list[Sample]:
    """Each record as written plus ``augments`` rewrites; boilerplate negatives swapped half the time."""
    generic = _generic_negatives(records)
    samples = []
    for i, r in enumerate(records):
        label = CLASSES.index(r.cls)
        samples.append(Sample(i, model_texts(r.prompt, r.negative_prompt), label, 0))
        for v in range(1, augments + 1):
            negative = rng.choice(generic) if r.negative_prompt in generic and rng.random() < 0.5 else r.negative_prompt
            samples.append(
                Sample(i, model_texts(augment(r.prompt, rng, age_rewrites=age_rewrites), negative), label, v)
            )
    return samples


def folds(records: Sequence[PromptRecord], k: int, rng: random.Random) -> np.ndarray:
    """Fold of each record; groups whole, classes spread (groups dealt round-robin per class)."""
    by_class: dict[str, list[str]] = {}
    for r in records:
        key = r.group or r.id
        if key not in by_class.setdefault(r.cls, []):
            by_class[r.cls].append(key)
    fold_of: dict[str, int] = {}
    for cls in sorted(by_class):
        groups = sorted(by_class[cls])
        rng.shuffle(groups)
        for j, g in enumerate(groups):
            fold_of.setdefault(g, j % k)
    return np.array([fold_of[r.group or r.id] for r in records])


# --- teacher --------------------------------------------------------------------------------


def embed(samples: Sequence[Sample], seq_len: int) -> tuple[torch.Tensor, torch.Tensor]:
    """MiniLM embeddings of each sample's prompt and negative (distinct negatives embedded once)."""
    from detectors.model_minilm import MiniLMEncoder

    encoder = MiniLMEncoder.load(max_seq_len=seq_len)
    prompts = [s.texts.joined()[0] for s in samples]
    negatives = [s.texts.joined()[1] for s in samples]
    distinct = sorted(set(negatives))
    neg_vec = encoder.encode(distinct)
    index = {n: i for i, n in enumerate(distinct)}
    return encoder.encode(prompts), neg_vec[[index[n] for n in negatives]]


def fit_teacher(x: tuple[torch.Tensor, torch.Tensor], y: torch.Tensor, epochs: int, seed: int) -> TeacherHead:
    torch.manual_seed(seed)
    head = TeacherHead()
    opt = torch.optim.AdamW(head.parameters(), lr=3e-3, weight_decay=1e-3)
    gen = torch.Generator().manual_seed(seed)
    head.train()
    for _ in range(epochs):
        for idx in torch.randperm(len(y), generator=gen).split(128):
            opt.zero_grad()
            F.cross_entropy(head(x[0][idx], x[1][idx]), y[idx]).backward()
            opt.step()
    return head.eval()


# --- student --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StudentFit:
    buckets: int
    dim: int
    hidden: int
    epochs: int
    batch: int
    lr: float
    weight_decay: float
    distill_weight: float
    label_smoothing: float


def fit_student(
    feats: Sequence[tuple[np.ndarray, np.ndarray]], y: torch.Tensor, soft: torch.Tensor, fit: StudentFit, seed: int
) -> StudentNet:
    """Lazy Adam on the n-gram table, AdamW on the MLP; loss mixes labels and soft targets."""
    torch.manual_seed(seed)
    net = StudentNet(fit.buckets, fit.dim, fit.hidden)
    sparse = torch.optim.SparseAdam(list(net.embed.parameters()), lr=fit.lr)
    dense = torch.optim.AdamW(net.mlp.parameters(), lr=fit.lr, weight_decay=fit.weight_decay)
    gen = torch.Generator().manual_seed(seed)
    net.train()
    for _ in range(fit.epochs):
        for idx in torch.randperm(len(y), generator=gen).split(fit.batch):
            logits = net(*stack([feats[i] for i in idx.tolist()]))
            hard = F.cross_entropy(logits, y[idx], label_smoothing=fit.label_smoothing)
            distilled = -(soft[idx] * F.log_softmax(logits, dim=1)).sum(1).mean()
            loss = (1 - fit.distill_weight) * hard + fit.distill_weight * distilled
            sparse.zero_grad()
            dense.zero_grad()
            loss.backward()
            sparse.step()
            dense.step()
    return net.eval()


@torch.inference_mode()
def student_probs(net: StudentNet, rows: Rows, row_ids: np.ndarray, n_samples: int) -> torch.Tensor:
    """Per sample (of ``n_samples``), the probabilities of its riskiest view among ``row_ids``;
    samples with no row there get zeros."""
    probs = torch.cat(
        [
            F.softmax(net(*stack([rows.feats[i] for i in row_ids[j : j + 512]])), dim=1)
            for j in range(0, len(row_ids), 512)
        ]
    )
    owners = rows.owner[row_ids]
    picked = riskiest(probs, np.searchsorted(np.unique(owners), owners), len(np.unique(owners)))
    out = torch.zeros((n_samples, len(CLASSES)))
    out[torch.from_numpy(np.unique(owners))] = picked
    return out
