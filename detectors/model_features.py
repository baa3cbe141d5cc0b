"""What the prompt models read: normalised views of prompt and negative, and hashed n-grams of them.

Both models see the text after ``detectors.normalize`` (the rule chain's normaliser), so
folding, confusables, split letters and leetspeak are undone once, the same way for rules and
models; the models learn what normalisation leaves behind. The negative prompt is kept apart
from the prompt (its own hash salt for the student, its own embedding for MiniLM) so that
"adult" excluded in the negative prompt is a different signal from "adult" in the prompt.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat

import numpy as np
import regex
import torch

from detectors.normalize import normalize

__all__ = ["Featurizer", "HashSpec", "Texts", "model_texts", "riskiest", "stack", "views"]

#: Characters of one field the models read; the rest is ignored (1 MB prompts cost what 2 kB do).
MAX_MODEL_CHARS = 2048

_WORD = regex.compile(r"[\p{L}\p{N}]+")
_ASCII_WORD = re.compile(rb"[A-Za-z0-9]+")
_MULT = np.uint64(0x9E3779B97F4A7C15)  # golden-ratio multiplier for the final mix
_BASE = np.uint64(1_000_003)


def views(text: str) -> tuple[str, ...]:
    """The distinct Latin views of ``text`` (plain, leetspeak read, masked), at most three.

    The last plain view carries joined letters and collapsed runs, the last leet view reads
    digits as letters (ages are safe in the plain one), the masked view marks censoring.
    """
    n = normalize(text[:MAX_MODEL_CHARS])
    picked = [*n.plain[-1:], *n.leet[-1:], *n.masked[-1:]]
    return tuple(dict.fromkeys(v for v in picked if v)) or ("",)


@dataclass(frozen=True, slots=True)
class Texts:
    """The normalised model input of one prompt."""

    prompt: tuple[str, ...]
    negative: tuple[str, ...]

    def joined(self) -> tuple[str, str]:
        """One string per field, for MiniLM: the views separated by `` / ``."""
        return " / ".join(self.prompt), " / ".join(v for v in self.negative if v)


def model_texts(prompt: str, negative: str) -> Texts:
    return Texts(views(prompt), views(negative) if negative.strip() else ("",))


@dataclass(frozen=True, slots=True)
class HashSpec:
    """How n-grams become bucket ids; stored in the metadata so training and serving agree."""

    buckets: int = 1 << 16
    char_ngrams: tuple[int, ...] = (2, 3, 4, 5)
    word_ngrams: tuple[int, ...] = (1, 2)

    def as_dict(self) -> dict[str, object]:
        return {"buckets": self.buckets, "char_ngrams": list(self.char_ngrams), "word_ngrams": list(self.word_ngrams)}


class Featurizer:
    """Hashes character n-grams (across word gaps, so ``14 yo`` is one feature) and word
    n-grams of each view into ``spec.buckets`` ids, salted per field. Stable across processes:
    the hash is a fixed polynomial plus ``crc32``, never Python's salted ``hash``."""

    def __init__(self, spec: HashSpec) -> None:
        self.spec = spec

    def ids(self, text_views: Sequence[str], salt: int) -> np.ndarray:
        """The sorted bucket ids of one field's views (each feature once, whatever the views)."""
        return self.ids_batch([(text_views, salt)])[0]

    def ids_batch(self, fields: Sequence[tuple[Sequence[str], int]]) -> list[np.ndarray]:
        """``ids`` of many ``(views, salt)`` fields in one numpy pass: a view is a few hundred
        characters, so per-view numpy calls cost more in overhead than in arithmetic."""
        texts: list[str] = []
        salts: list[int] = []
        owners: list[int] = []
        for k, (text_views, salt) in enumerate(fields):
            for v in text_views:
                if v:
                    texts.append(v)
                    salts.append(salt)
                    owners.append(k)
        empty = np.zeros(1, dtype=np.int64)  # the empty field has one reserved feature: bucket 0
        if not texts:
            return [empty for _ in fields]
        char_hashes, char_view = self._chars(texts, salts)
        word_hashes, word_view = self._words(texts, salts)
        owner = np.asarray(owners, dtype=np.int64)[np.concatenate([char_view, word_view])]
        buckets = self._bucket(np.concatenate([char_hashes, word_hashes]))
        # One sort for the batch: (field, bucket) pairs as one key, unique, then cut per field.
        keys = _sorted_unique(owner * self.spec.buckets + buckets)
        field_of = keys // self.spec.buckets
        cuts = np.searchsorted(field_of, np.arange(len(fields) + 1))
        ids = keys % self.spec.buckets
        return [ids[a:b] if b > a else empty for a, b in zip(cuts[:-1], cuts[1:], strict=True)]

    def _chars(self, texts: list[str], salts: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Character n-gram hashes of every text (padded with a space each side) and the
        index of the text each came from. The texts are hashed as one array; n-grams that
        would run into the next text are dropped."""
        padded = [f" {t} " for t in texts]
        lengths = np.fromiter(map(len, padded), dtype=np.int64, count=len(padded))
        codes = np.frombuffer("".join(padded).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        view = np.repeat(np.arange(len(texts)), lengths)
        room = np.repeat(np.cumsum(lengths), lengths) - np.arange(len(codes))  # characters to the text's end
        seeds = np.asarray(salts, dtype=np.uint64) * np.uint64(7919) + np.uint64(17)
        h = seeds[view]
        out, out_view = [], []
        with np.errstate(over="ignore"):
            for n in range(1, max(self.spec.char_ngrams) + 1):
                if len(codes) < n:
                    break
                h = h[: len(codes) - n + 1] * _BASE + codes[n - 1 :]
                if n in self.spec.char_ngrams:
                    fits = room[: len(h)] >= n
                    out.append(h[fits] + np.uint64(n))
                    out_view.append(view[: len(h)][fits])
        return np.concatenate(out), np.concatenate(out_view)

    def _words(self, texts: list[str], salts: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Word n-gram hashes (``crc32`` of the space-joined words) and their text's index."""
        keys: list[int] = []
        counts: list[int] = []
        for text, salt in zip(texts, salts, strict=True):
            # Views are ASCII nearly always: there \p{L}\p{N} is [A-Za-z0-9], found in the
            # UTF-8 bytes directly, so no word is encoded on its own.
            words = _ASCII_WORD.findall(text.encode()) if text.isascii() else [w.encode() for w in _WORD.findall(text)]
            before = len(keys)
            for n in self.spec.word_ngrams:
                grams = words if n == 1 else map(b" ".join, zip(*(words[i:] for i in range(n))))
                keys += map(zlib.crc32, grams, repeat(salt * 31 + n))
            counts.append(len(keys) - before)
        view = np.repeat(np.arange(len(texts)), counts)
        with np.errstate(over="ignore"):
            hashes = np.asarray(keys, dtype=np.uint64) * np.uint64(0x100000001B3)
            return hashes + np.asarray(salts, dtype=np.uint64)[view], view

    def _bucket(self, h: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            h = (h ^ (h >> np.uint64(29))) * _MULT
            h ^= h >> np.uint64(32)
        return (1 + (h % np.uint64(self.spec.buckets - 1))).astype(np.int64)  # bucket 0 is "empty"

    def rows(self, texts: Texts) -> list[tuple[np.ndarray, np.ndarray]]:
        """The student's input rows for one prompt: the union of its views' n-grams and the
        negative prompt's. (One row per view, scored by the riskiest, was tried: out-of-fold
        accuracy fell from 0.82 to 0.76, as odd views of benign prompts raised false alarms.)"""
        prompt, negative = self.ids_batch(_fields(texts))
        return [(prompt, negative)]

    def batch(self, texts: Sequence[Texts]) -> tuple[tuple[torch.Tensor, ...], np.ndarray]:
        """EmbeddingBag inputs for every row (one per item, as ``rows``), and each row's item."""
        ids = self.ids_batch([field for t in texts for field in _fields(t)])
        rows = list(zip(ids[0::2], ids[1::2], strict=True))
        return stack(rows), np.arange(len(texts))


def _sorted_unique(a: np.ndarray) -> np.ndarray:
    """``np.unique(a)``: numpy 2.4 takes a hash-set path for integers that is ~25x slower
    than a sort on a batch's ~60 000 keys."""
    a = np.sort(a)
    return a[np.concatenate(([True], a[1:] != a[:-1]))]


def _fields(texts: Texts) -> tuple[tuple[tuple[str, ...], int], ...]:
    """The (views, salt) fields of one prompt's row: the prompt and the negative prompt."""
    return ((texts.prompt, 1), (texts.negative, 2))


def stack(rows: Sequence[tuple[np.ndarray, np.ndarray]]) -> tuple[torch.Tensor, ...]:
    """(prompt ids, prompt offsets, negative ids, negative offsets) for ``StudentNet``."""
    return (*_flat([r[0] for r in rows]), *_flat([r[1] for r in rows]))


def riskiest(probs: torch.Tensor, owner: np.ndarray, n: int) -> torch.Tensor:
    """Per item, the probabilities of its view row least likely benign (class 0)."""
    out = torch.empty((n, probs.shape[1]), dtype=probs.dtype)
    best = np.full(n, np.inf)
    benign = probs[:, 0].tolist()
    for row, item in enumerate(owner.tolist()):
        if benign[row] < best[item]:
            best[item] = benign[row]
            out[item] = probs[row]
    return out


def _flat(arrays: list[np.ndarray]) -> tuple[torch.Tensor, torch.Tensor]:
    lengths = np.fromiter((len(a) for a in arrays), dtype=np.int64, count=len(arrays))
    offsets = np.zeros(len(arrays), dtype=np.int64)
    np.cumsum(lengths[:-1], out=offsets[1:])
    return torch.from_numpy(np.concatenate(arrays)), torch.from_numpy(offsets)
