"""One prompt made ready for the rules once: syntax parsed, every field normalised.

``prepare(item)`` is cached on the (frozen, hashable) ``PromptInput``: the chain calls it once
per prompt before the detectors run, and each detector calling it again gets the same object.
Detectors keep the ``score(item)`` contract and need no extra argument.

    >>> p = prepare(PromptInput(request_id="r", prompt="(n u d e:1.2)", lora_ids=("x_v2",)))
    >>> p.prompt.plain[-1], [f.field for f in p.networks]
    ('nude 1.2', ['lora'])
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

import regex

from detectors.base import Field_, PromptInput
from detectors.normalize import MAX_FIELD_CHARS, Normalized, normalize
from detectors.syntax import MAX_RENDERINGS, parse

__all__ = ["MAX_IDS", "PreparedField", "PreparedPrompt", "prepare"]

_CAMEL = regex.compile(r"(?<=\p{Ll})(?=\p{Lu})")

#: LoRA/embedding ids read per prompt, and characters read per id.
MAX_IDS = 64
MAX_ID_CHARS = 256


@dataclass(frozen=True, slots=True)
class PreparedField:
    """A named input (an id, a network named in the prompt) and its normalised views."""

    field: Field_
    text: Normalized


@dataclass(frozen=True, slots=True)
class PreparedPrompt:
    """Normalised views of every field of one ``PromptInput``."""

    prompt: Normalized
    negative: Normalized
    networks: tuple[PreparedField, ...]
    model: Normalized
    truncated: tuple[str, ...]
    reference_year: int

    def positive(self) -> Iterator[PreparedField]:
        """What the user asks for: the prompt and the LoRAs/embeddings it runs with."""
        yield PreparedField("prompt", self.prompt)
        yield from self.networks


@lru_cache(maxsize=64)
def prepare(item: PromptInput) -> PreparedPrompt:
    """Parse and normalise ``item`` once; cached, so detectors share one result per prompt."""
    truncated = [name for name in ("prompt", "negative_prompt") if len(getattr(item, name)) > MAX_FIELD_CHARS]
    parsed = parse(item.prompt[:MAX_FIELD_CHARS])
    negative = parse(item.negative_prompt[:MAX_FIELD_CHARS])
    ids: list[tuple[Field_, str]] = [("lora", n) for n in (*item.lora_ids, *parsed.networks)]
    ids += [("embedding", n) for n in (*item.embedding_ids,)]
    if len(ids) > MAX_IDS or any(len(n) > MAX_ID_CHARS for _, n in ids):
        truncated.append("ids")
    networks = tuple(PreparedField(f, normalize(_split_camel(n[:MAX_ID_CHARS]))) for f, n in ids[:MAX_IDS])
    when = item.submitted_at or datetime.now(UTC)
    return PreparedPrompt(
        # Parsed text holds one rendering per branch: up to MAX_RENDERINGS times the input.
        prompt=normalize(parsed.text, limit=MAX_FIELD_CHARS * (MAX_RENDERINGS + 1)),
        negative=normalize(negative.text, limit=MAX_FIELD_CHARS * (MAX_RENDERINGS + 1)),
        networks=networks,
        model=normalize(_split_camel(item.model_id[:MAX_ID_CHARS])),
        truncated=tuple(truncated),
        reference_year=when.year,
    )


def _split_camel(name: str) -> str:
    """Ids are often CamelCase ("KidFace_v2"): split words so terms find their boundaries."""
    return _CAMEL.sub(" ", name)
