"""The image detectors' dependencies are installed (each missing one shows up as a skip)."""

from __future__ import annotations

import importlib.util

import pytest

from tests.detectors.images.conftest import REQUIRED


@pytest.mark.parametrize("module", REQUIRED)
def test_installed(module: str) -> None:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed: the image detector tests were not collected")
