from __future__ import annotations

import pytest

from .fake_openai import FakeChatServer


@pytest.fixture
def fake_chat():
    """The local fake chat API (a test double, see fake_openai.py)."""
    server = FakeChatServer().start()
    yield server
    server.stop()
