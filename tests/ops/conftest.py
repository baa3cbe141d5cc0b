"""Session-scoped embedded broker; self-contained so it can move to tests/conftest.py as is."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ops.broker import EmbeddedBroker


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker]:
    """One started Tansu broker on a free port for the whole session; use unique topic names."""
    log_path = tmp_path_factory.mktemp("broker") / "tansu.log"
    with EmbeddedBroker(log_path=log_path) as started:
        yield started
