"""The detector contract: what goes in, what comes out, and the categories in between.

Every detector is one module with one class exposing ``name``, ``version`` and
``score(item) -> DetectorResult``. Detectors are pure: no I/O after construction, no
globals, no logging of prompt text. Static assets (lexicons, weights) load in ``__init__``
and fail early, naming the file and line.

Shared normalised text: ``detectors.prepared.prepare(item)`` parses the prompt syntax and
builds every normalised view of every field (``detectors.normalize``) once per prompt; it is
cached on the frozen ``PromptInput``, so the chain calls it before the detectors and each
detector calls it again for free. A detector may also define ``score_batch(items)`` (same
order out as in); the chain prefers it for batches (a torch model batches there).

Evidence ``start``/``end`` index the normalised view the term was found in, not the raw
prompt; ``term`` is the lexicon's own word, never text copied from the prompt; ``kind`` says
what sort of cue it is (``explicit``, ``age``, ``minor``, ``negative``...), for reasons.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

#: Evidence terms are capped so a verdict can never carry a whole prompt.
MAX_EVIDENCE_CHARS = 48


class Category(StrEnum):
    """Risk categories, named after the OpenAI moderation taxonomy where one exists.

    The ``sexual/*`` categories are violations (policy decides the action); ``minors``
    and ``real_person`` are context signals that only matter combined with sexual content.
    """

    SEXUAL_MINORS = "sexual/minors"
    SEXUAL_REAL_PERSON = "sexual/real_person"
    SEXUAL_ADULT = "sexual/adult"
    MINORS = "minors"
    REAL_PERSON = "real_person"


class Action(StrEnum):
    ALLOW = "allow"
    REVIEW = "review"
    BLOCK = "block"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PromptInput(_Frozen):
    """One prompt to screen: the text fields and the context policy needs."""

    request_id: str
    prompt: str
    negative_prompt: str = ""
    model_id: str = ""
    lora_ids: tuple[str, ...] = ()
    embedding_ids: tuple[str, ...] = ()
    mature_content_allowed: bool = False
    submitted_at: datetime | None = None


Field_ = Literal["prompt", "negative_prompt", "lora", "embedding", "model"]


class Evidence(_Frozen):
    """Why a detector scored: the matched term and where, never the surrounding prompt."""

    detector: str
    category: Category
    term: str = Field(max_length=MAX_EVIDENCE_CHARS)
    field: Field_ = "prompt"
    kind: str = Field(default="", max_length=24)
    start: int | None = None
    end: int | None = None

    @classmethod
    def of(cls, detector: str, category: Category, term: str, **kw: object) -> Evidence:
        return cls(detector=detector, category=category, term=term[:MAX_EVIDENCE_CHARS], **kw)


class DetectorResult(_Frozen):
    """Scores in [0, 1] per category, with the evidence behind them."""

    detector: str
    version: str
    scores: dict[Category, float] = {}
    evidence: tuple[Evidence, ...] = ()


class DetectorFailure(_Frozen):
    detector: str
    version: str
    error: str


@runtime_checkable
class Detector(Protocol):
    name: str
    version: str

    def score(self, item: PromptInput) -> DetectorResult: ...


class Assessment(_Frozen):
    """All detectors' results for one prompt; scores are the per-category maximum."""

    request_id: str
    results: tuple[DetectorResult, ...] = ()
    failures: tuple[DetectorFailure, ...] = ()

    @property
    def scores(self) -> dict[Category, float]:
        merged: dict[Category, float] = {}
        for result in self.results:
            for category, value in result.scores.items():
                merged[category] = max(merged.get(category, 0.0), value)
        return merged

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        return tuple(e for r in self.results for e in r.evidence)


class Verdict(_Frozen):
    """What policy made of an assessment: an action, the violated categories, and why."""

    action: Action
    categories: tuple[Category, ...] = ()
    reasons: tuple[str, ...] = ()
    policy_version: str


class Screening(_Frozen):
    """An assessment and the verdict drawn from it: the unit the stream agents publish."""

    assessment: Assessment
    verdict: Verdict
