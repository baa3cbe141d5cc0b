"""Benchmark traffic: a mature-content platform's prompt mix, pre-encoded as real Avro bytes.

Prompts come from ``detectors/data/prompts_*.jsonl``, perturbed (style tails, seeds, clause order,
case) so that no two are the same text, with fresh ids. The class mix is a mature platform's:
most sexual prompts are adult and allowed; real-person and child-sexual prompts are a minority
that triggers blocks, enforcement and escalation (hotline reports included).

    >>> mix = prompt_mix(1000, run="r1")
    >>> sum(p.sexual for p in mix) >= 500
    True
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

from schemas import encode
from schemas.models import PromptSubmitted

__all__ = ["CLASS_SHARE", "Message", "prompt_mix", "sexual_share"]

#: Share of each dataset class in the traffic: 55 % carry sexual terms.
CLASS_SHARE = {"benign": 0.45, "sexual/adult": 0.40, "sexual/real_person": 0.08, "sexual/minors": 0.07}
MATURE_ALLOWED = 0.9  # share of requests whose user and destination allow adult content
USERS = 5_000
_TAGS = ("8k", "highly detailed", "oil painting", "cinematic lighting", "35mm photo", "trending on artstation",
         "soft focus", "masterpiece", "best quality", "studio photo", "volumetric light", "sharp focus",
         "depth of field", "film grain", "golden hour", "octane render", "intricate", "dramatic shadows",
         "ultra realistic", "bokeh", "wide angle", "portrait photography", "hdr", "rim lighting")
_MODELS = ("sdxl", "sd15", "pony-v6", "flux-dev")
#: What image-platform users paste as a negative prompt; brings messages to the ~400 B they are.
_NEGATIVES = (
    "lowres, bad anatomy, bad hands, text, error, missing fingers, extra digit, fewer digits, cropped, "
    "worst quality, low quality, normal quality, jpeg artifacts, signature, watermark, username, blurry",
    "(worst quality:1.4), (low quality:1.4), deformed, disfigured, extra limbs, mutated hands, "
    "poorly drawn face, bad proportions, watermark, text, logo",
    "blurry, out of focus, overexposed, underexposed, grainy, duplicate, morbid, mutilated, ugly, "
    "bad composition, cartoon, 3d render, painting",
)
NEGATIVE_SHARE = 0.85


@dataclass(frozen=True, slots=True)
class Message:
    """One prompt ready to send: its key (request id), Avro bytes, class and whether it is sexual."""

    key: bytes
    value: bytes
    cls: str

    @property
    def sexual(self) -> bool:
        return self.cls.startswith("sexual/")


def _dataset() -> dict[str, list[tuple[str, str]]]:
    by_class: dict[str, list[tuple[str, str]]] = {c: [] for c in CLASS_SHARE}
    data = resources.files("detectors").joinpath("data")
    for name in ("prompts_train.jsonl", "prompts_test.jsonl"):
        for line in data.joinpath(name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            by_class.setdefault(row["class"], []).append((row["prompt"], row.get("negative_prompt", "")))
    return by_class


def perturb(text: str, rng: random.Random) -> str:
    """The same request as a user would retype it: clause order, case, style tags, a seed."""
    clauses = [c.strip() for c in text.split(",") if c.strip()]
    if len(clauses) > 2 and rng.random() < 0.5:
        head, rest = clauses[0], clauses[1:]
        rng.shuffle(rest)
        clauses = [head, *rest]
    out = ", ".join(clauses)
    if rng.random() < 0.2:
        out = out.capitalize() if rng.random() < 0.5 else out.lower()
    out += "".join(", " + tag for tag in rng.sample(_TAGS, rng.randint(4, 14)))
    if rng.random() < 0.3:
        out += f" --seed {rng.randrange(10**6)}"
    return out


def prompt_mix(n: int, *, run: str, seed: int = 20261125) -> list[Message]:
    """``n`` encoded PromptSubmitted messages with request ids ``{run}-{i:07d}``, keyed by them."""
    rng = random.Random(seed)
    by_class = _dataset()
    classes, weights = zip(*CLASS_SHARE.items(), strict=True)
    now = datetime.now(UTC)
    out: list[Message] = []
    for i, cls in enumerate(rng.choices(classes, weights, k=n)):
        text, negative = rng.choice(by_class[cls])
        if not negative and rng.random() < NEGATIVE_SHARE:
            negative = rng.choice(_NEGATIVES)
        rid = f"{run}-{i:07d}"
        event = PromptSubmitted(
            event_id=f"evt-{rid}", request_id=rid, user_id=f"u-{int(USERS * rng.random() ** 2):05d}",
            model_id=rng.choice(_MODELS), lora_ids=(), embedding_ids=(), prompt=perturb(text, rng),
            negative_prompt=negative, mature_content_allowed=rng.random() < MATURE_ALLOWED, submitted_at=now,
        )
        out.append(Message(key=rid.encode(), value=encode(event), cls=cls))
    return out


def sexual_share(messages: list[Message]) -> float:
    return sum(m.sexual for m in messages) / max(len(messages), 1)
