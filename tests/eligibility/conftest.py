from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fake_qpp import FakeQpp, ServerThread


@pytest.fixture
def fake_qpp() -> Iterator[FakeQpp]:
    fake = FakeQpp()
    server = ServerThread(fake)
    server.start()
    try:
        yield fake
    finally:
        server.stop()
