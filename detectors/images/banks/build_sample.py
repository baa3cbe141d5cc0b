"""Rebuild ``sample.tsv``: a hash bank of benign photos, for tests and local runs.

The entries are PDQ and pHash of scikit-image's bundled sample photos ``coffee`` and
``chelsea`` (CC0 by their photographers, per scikit-image's docstrings), labelled
``benign-test``. No known-bad hash list is, or may be, committed to this repository.

    .venv/bin/python -m detectors.images.banks.build_sample
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PIL import Image

from detectors.images.base import Pixels
from detectors.images.hashes import BankEntry, HashBank, compute_hashes

HERE = Path(__file__).parent
PHOTOS = ("coffee", "chelsea")
ADDED_AT = datetime(2026, 1, 1, tzinfo=UTC)


def build(path: Path = HERE / "sample.tsv") -> HashBank:
    import skimage.data

    bank = HashBank()
    for name in PHOTOS:
        hashes = compute_hashes(Pixels.of(Image.fromarray(getattr(skimage.data, name)())))
        for kind, value in (("pdq", hashes.pdq), ("phash", hashes.phash)):
            bank.add(BankEntry(hash=value, kind=kind, bank="sample", label="benign-test", added_at=ADDED_AT))
    bank.save(path)
    return bank


if __name__ == "__main__":
    print(f"{len(build())} entries")
