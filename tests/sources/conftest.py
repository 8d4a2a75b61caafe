"""Fixtures for the reader tests."""

from __future__ import annotations

import pytest

from laborlens.config import Settings


@pytest.fixture
def settings() -> Settings:
    return Settings()
