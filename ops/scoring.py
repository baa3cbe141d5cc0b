"""`modstream score`: the worker's detector chain over a JSONL file, no broker."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import TextIO

from pydantic import BaseModel, ConfigDict, ValidationError

from detectors import PromptInput, PromptScreener, Screening

BATCH = 256


class ScoreRequest(BaseModel):
    """One input line; fields other than these are ignored."""

    model_config = ConfigDict(extra="ignore")
    id: str | int
    prompt: str
    negative_prompt: str = ""


def verdict_line(request_id: str | int, screening: Screening) -> dict[str, object]:
    verdict = screening.verdict
    return {
        "id": request_id,
        "action": verdict.action.value,
        "categories": [str(c) for c in verdict.categories],
        "scores": {str(c): round(v, 4) for c, v in screening.assessment.scores.items()},
        "reasons": list(verdict.reasons),
    }


def _parse(lines: Iterator[tuple[int, str]]) -> Iterator[tuple[int, ScoreRequest | str]]:
    for number, line in lines:
        if not line.strip():
            continue
        try:
            yield number, ScoreRequest.model_validate_json(line)
        except ValidationError as exc:
            problem = exc.errors()[0]
            yield number, f"line {number}: {problem['type']} at {'.'.join(map(str, problem['loc'])) or 'top'}"


def score_file(path: Path, sink: TextIO, *, mature_allowed: bool, screener: PromptScreener | None = None) -> tuple[int, int]:
    """Write one verdict line per input line to ``sink``; returns (lines scored, invalid lines)."""
    screener = screener or PromptScreener.default()
    scored = invalid = 0
    with path.open(encoding="utf-8", errors="replace") as source:
        parsed = _parse(enumerate(source, start=1))
        while chunk := list(islice(parsed, BATCH)):
            good = [(n, r) for n, r in chunk if isinstance(r, ScoreRequest)]
            items = [
                PromptInput(request_id=str(r.id), prompt=r.prompt, negative_prompt=r.negative_prompt,
                            mature_content_allowed=mature_allowed)
                for _, r in good
            ]
            results = dict(zip((n for n, _ in good), screener.screen_batch(items), strict=True))
            for number, request in chunk:
                if isinstance(request, ScoreRequest):
                    line = verdict_line(request.id, results[number])
                else:
                    invalid += 1
                    line = {"id": None, "action": "review", "categories": [], "scores": {},
                            "reasons": [f"invalid input, {request}"]}
                sink.write(json.dumps(line, ensure_ascii=False) + "\n")
                scored += 1
    return scored, invalid
