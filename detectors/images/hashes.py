"""Known-bad image matching: PDQ and pHash against hash banks, with multi-index lookup.

Bank file format (TSV, UTF-8, one entry a line; ``#`` lines after the first are comments)::

    #modstream-hashbank	v1
    hash	kind	bank	label	added_at
    f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22	pdq	ncmec	csam	2026-01-05T10:00:00Z
    c2924c5532bddfc8	phash	stopncii	ncii	2026-01-05T10:00:00Z

``hash`` is lower-case hex (PDQ: 64 digits, ThreatExchange order; pHash: 16 digits,
``imagehash`` order), ``kind`` is ``pdq`` or ``phash``, ``bank`` the list it came from,
``label`` what the bank says it is (policy maps labels to categories; ``csam`` and unknown
labels lead to a hotline flag, ``ncii`` does not), ``added_at`` ISO-8601. A bad line fails
loading with ``file:line``. At run time a ``hash_bank`` update is one ``HashBank.add`` (or
``remove``) call: no redeploy.

Thresholds: PDQ distance <= 31 with quality >= 50 (ThreatExchange's published starting
point), which survives resizing, re-encoding and brightness but not crops of 2% a side or
more; pHash distance <= 10 of 64 bits, which does (crops up to 2% a side or 5% on one side
stay within 10 on scikit-image's sample photos, while different photos sit 22 or more apart).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version as dist_version
from itertools import combinations
from pathlib import Path
from typing import Literal

import imagehash
import numpy as np
import pdqhash
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from detectors.images.base import HashMatch, ImageCategory, ImageDetectorResult, ImageEvidence, Pixels
from detectors.images.errors import HashBankError

__all__ = ["BankEntry", "HashBank", "HashDetector", "HashObservation", "MultiIndex", "compute_hashes"]

HashKind = Literal["pdq", "phash"]
BITS: dict[str, int] = {"pdq": 256, "phash": 64}
HEADER = "#modstream-hashbank\tv1"
COLUMNS = ("hash", "kind", "bank", "label", "added_at")
#: The reference PDQ hasher downsamples anything larger to 512x512 before hashing.
PDQ_SIDE = 512


class BankEntry(BaseModel):
    """One known-bad hash, as a bank file line or a ``hash_bank`` update event carries it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    hash: str = Field(pattern=r"^[0-9a-f]+$")
    kind: HashKind
    bank: str = Field(min_length=1, max_length=64, pattern=r"^[^\t\n]+$")
    label: str = Field(min_length=1, max_length=64, pattern=r"^[^\t\n]+$")
    added_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    def model_post_init(self, _context: object) -> None:
        if len(self.hash) * 4 != BITS[self.kind]:
            raise ValueError(f"{self.kind} hash must be {BITS[self.kind] // 4} hex digits, got {len(self.hash)}")

    def line(self) -> str:
        return "\t".join((self.hash, self.kind, self.bank, self.label, self.added_at.isoformat()))


class MultiIndex:
    """Multi-index hashing (Norouzi et al.) for Hamming radius queries over fixed-width hashes.

    The hash is cut into 16-bit segments; if two hashes are within ``radius``, at least one
    segment is within ``radius // segments`` (pigeonhole), so a query probes each segment's
    sorted table for values that close and verifies candidates on the whole hash. Adds go to
    a pending buffer scanned linearly (vectorised) and folded into the tables once it reaches
    ``rebuild_every`` or an eighth of the index, so a stream of adds costs amortised O(log n).
    """

    SEGMENT_BITS = 16

    def __init__(self, bits: int, radius: int, rebuild_every: int = 4096):
        if bits % 64 or radius < 0:
            raise ValueError("bits must be a multiple of 64 and radius >= 0")
        self.bits, self.radius, self.rebuild_every = bits, radius, rebuild_every
        self.segments = bits // self.SEGMENT_BITS
        per = radius // self.segments
        self._masks = np.array([sum(1 << b for b in c) for r in range(per + 1)
                                for c in combinations(range(self.SEGMENT_BITS), r)], dtype=np.uint16)
        self._words = np.zeros((0, bits // 64), dtype=np.uint64)
        self._sorted: list[np.ndarray] = []
        self._order: list[np.ndarray] = []
        self._pending: list[bytes] = []
        self._pending_words: np.ndarray | None = None
        self._alive = np.zeros(0, dtype=bool)
        self._size = 0

    def __len__(self) -> int:
        return self._size + len(self._pending)

    def add(self, digest: bytes) -> int:
        """Index ``digest`` (``bits // 8`` bytes, big-endian); returns its position."""
        if len(digest) * 8 != self.bits:
            raise ValueError(f"expected {self.bits // 8} bytes, got {len(digest)}")
        self._pending.append(digest)
        self._pending_words = None
        position = len(self) - 1
        if len(self._pending) >= max(self.rebuild_every, self._size // 8):
            self.rebuild()
        return position

    def discard(self, position: int) -> None:
        self.rebuild()
        self._alive[position] = False

    def rebuild(self) -> None:
        if not self._pending:
            return
        fresh = self._pending_array()
        self._words = np.concatenate([self._words, fresh])
        self._alive = np.concatenate([self._alive, np.ones(len(fresh), dtype=bool)])
        self._size, self._pending, self._pending_words = len(self._words), [], None
        segs = self._segments(self._words)
        self._order = [np.argsort(segs[:, j], kind="stable") for j in range(self.segments)]
        self._sorted = [segs[order, j] for j, order in enumerate(self._order)]

    def query(self, digest: bytes) -> list[tuple[int, int]]:
        """``(position, distance)`` of every indexed hash within ``radius`` of ``digest``."""
        q_words = np.frombuffer(digest, dtype=">u8").astype(np.uint64)
        found: dict[int, int] = {}
        if self._size:
            q_segs = self._segments(q_words[None, :])[0]
            parts = []
            for j in range(self.segments):
                probes = q_segs[j] ^ self._masks
                lo = np.searchsorted(self._sorted[j], probes, side="left")
                hi = np.searchsorted(self._sorted[j], probes, side="right")
                parts.extend(self._order[j][a:b] for a, b in zip(lo, hi, strict=True) if b > a)
            if parts:
                cand = np.unique(np.concatenate(parts))
                dist = np.bitwise_count(self._words[cand] ^ q_words).sum(axis=1)
                keep = (dist <= self.radius) & self._alive[cand]
                found.update(zip(cand[keep].tolist(), dist[keep].tolist(), strict=True))
        if self._pending:
            dist = np.bitwise_count(self._pending_array() ^ q_words).sum(axis=1)
            for offset in np.flatnonzero(dist <= self.radius).tolist():
                found[self._size + offset] = int(dist[offset])
        return sorted(found.items(), key=lambda item: item[1])

    def _pending_array(self) -> np.ndarray:
        if self._pending_words is None:
            raw = np.frombuffer(b"".join(self._pending), dtype=">u8").astype(np.uint64)
            self._pending_words = raw.reshape(-1, self.bits // 64)
        return self._pending_words

    def _segments(self, words: np.ndarray) -> np.ndarray:
        big_endian = words.astype(">u8")
        return big_endian.view(">u2").reshape(len(words), self.segments).astype(np.uint16)


@dataclass(frozen=True, slots=True)
class HashObservation:
    """An image's perceptual hashes: PDQ hex with its quality, and pHash hex."""

    pdq: str
    pdq_quality: int
    phash: str


def compute_hashes(pixels: Pixels) -> HashObservation:
    """PDQ (reference downsampling to 512x512) and 64-bit pHash of one image."""
    array = pixels.array
    if max(array.shape[:2]) > PDQ_SIDE:
        array = np.asarray(pixels.image.resize((PDQ_SIDE, PDQ_SIDE), Image.Resampling.BILINEAR))
    bits, quality = pdqhash.compute(np.ascontiguousarray(array))
    pdq = np.packbits(bits.astype(np.uint8)).tobytes().hex()
    return HashObservation(pdq=pdq, pdq_quality=int(quality), phash=str(imagehash.phash(pixels.image)))


class HashBank:
    """Known-bad hashes from any number of banks, one multi-index per hash kind; thread-safe."""

    def __init__(self, thresholds: dict[str, int] | None = None):
        self.thresholds = {"pdq": 31, "phash": 10} | (thresholds or {})
        self._index = {kind: MultiIndex(BITS[kind], self.thresholds[kind]) for kind in BITS}
        self._entries: dict[str, list[BankEntry | None]] = {kind: [] for kind in BITS}
        self._where: dict[tuple[str, str, str], int] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._where)

    @classmethod
    def load(cls, paths: Iterable[Path], thresholds: dict[str, int] | None = None) -> HashBank:
        bank = cls(thresholds)
        for path in paths:
            bank.load_file(path)
        return bank

    def load_file(self, path: Path) -> int:
        """Add every entry in ``path``; returns how many were new. Bad lines raise ``HashBankError``."""
        added = 0
        for entry in _read(path):
            added += self.add(entry)
        for index in self._index.values():
            index.rebuild()
        return added

    def add(self, entry: BankEntry) -> bool:
        """Add one entry at run time (a ``hash_bank`` event); False if it was already there."""
        key = (entry.kind, entry.hash, entry.bank)
        with self._lock:
            if key in self._where:
                return False
            position = self._index[entry.kind].add(bytes.fromhex(entry.hash))
            self._entries[entry.kind].append(entry)
            self._where[key] = position
            return True

    def remove(self, kind: str, hash_hex: str, bank: str) -> bool:
        """Retract one entry (a bank withdrew it); False if it was not there."""
        with self._lock:
            position = self._where.pop((kind, hash_hex, bank), None)
            if position is None:
                return False
            self._index[kind].discard(position)
            self._entries[kind][position] = None
            return True

    def lookup(self, kind: str, hash_hex: str) -> list[HashMatch]:
        """Every entry of ``kind`` within the threshold of ``hash_hex``, nearest first."""
        with self._lock:
            hits = self._index[kind].query(bytes.fromhex(hash_hex))
            entries = self._entries[kind]
            return [HashMatch(kind=kind, bank=e.bank, label=e.label, distance=d, threshold=self.thresholds[kind])
                    for p, d in hits if (e := entries[p]) is not None]

    def entries(self) -> Iterator[BankEntry]:
        with self._lock:
            snapshot = [e for kind in BITS for e in self._entries[kind] if e is not None]
        yield from snapshot

    def save(self, path: Path) -> None:
        lines = [HEADER, "\t".join(COLUMNS), *(e.line() for e in self.entries())]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _read(path: Path) -> Iterator[BankEntry]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise HashBankError(f"cannot read hash bank {path.name} ({type(exc).__name__})") from exc
    if not lines or lines[0].rstrip() != HEADER:
        raise HashBankError(f"first line must be {HEADER!r}", path, 1)
    if len(lines) < 2 or tuple(lines[1].rstrip().split("\t")) != COLUMNS:
        raise HashBankError(f"second line must name the columns {'/'.join(COLUMNS)}", path, 2)
    for number, line in enumerate(lines[2:], start=3):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.rstrip("\r\n").split("\t")
        if len(fields) != len(COLUMNS):
            raise HashBankError(f"expected {len(COLUMNS)} tab-separated fields, got {len(fields)}", path, number)
        try:
            yield BankEntry(**dict(zip(COLUMNS, fields, strict=True)))
        except ValidationError as exc:
            problem = exc.errors()[0]
            where = ".".join(map(str, problem["loc"])) or "entry"
            raise HashBankError(f"{where}: {problem['msg']}", path, number) from exc


class HashDetector:
    """PDQ and pHash of the image, matched against a ``HashBank`` (shared, updated at run time)."""

    name = "hashes"

    def __init__(self, bank: HashBank | None = None, *, pdq_min_quality: int = 50):
        self.bank = bank if bank is not None else HashBank()
        self.pdq_min_quality = pdq_min_quality
        t = self.bank.thresholds
        self.version = (f"1+pdqhash-{dist_version('pdqhash')}+imagehash-{dist_version('imagehash')}"
                        f";pdq<={t['pdq']},q>={pdq_min_quality};phash<={t['phash']}")

    def analyse(self, pixels: Pixels) -> HashObservation:
        return compute_hashes(pixels)

    def score(self, observation: HashObservation) -> ImageDetectorResult:
        matches = self.bank.lookup("phash", observation.phash)
        if observation.pdq_quality >= self.pdq_min_quality:
            matches = self.bank.lookup("pdq", observation.pdq) + matches
        evidence = tuple(ImageEvidence.of(self.name, ImageCategory.KNOWN_BAD_HASH,
                                          f"{m.kind}:{m.bank}/{m.label} d={m.distance}") for m in matches[:8])
        scores = {ImageCategory.KNOWN_BAD_HASH: 1.0 if matches else 0.0}
        return ImageDetectorResult(detector=self.name, version=self.version, scores=scores,
                                   evidence=evidence, hash_matches=tuple(matches))
