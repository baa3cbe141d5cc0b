"""The usage examples in the schemas package's docstrings run and stay true."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from schemas import examples, models, registry, wire


@pytest.mark.parametrize("module", [examples, models, registry, wire], ids=lambda m: m.__name__)
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_the_benchmark_runs() -> None:
    from schemas import bench_codecs

    slow, fast, wire_us = bench_codecs.bench(examples.example(models.PromptSubmitted), seconds=0.05)
    assert slow > 0 and fast > 0 and wire_us > 0
