"""Detector errors, under ``schemas.errors.DetectorError`` (modstream's one hierarchy)::

    DetectorError                  (schemas.errors) a detector failed to load or to score
    ├── LexiconError               a lexicon file is unreadable or has a bad line (file:line)
    └── DetectorOutputError        a detector returned something that is not a valid result

Messages name files, lines, detectors and error classes, never prompt text.
"""

from __future__ import annotations

from pathlib import Path

from schemas.errors import DetectorError

__all__ = ["DetectorError", "DetectorOutputError", "LexiconError"]


class LexiconError(DetectorError):
    """A lexicon cannot be loaded; the message starts with ``file:line``."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path.name}:{line}: {message}")
        self.path = path
        self.line = line


class DetectorOutputError(DetectorError):
    """A detector returned a result the chain cannot use (wrong type, name or score range)."""
