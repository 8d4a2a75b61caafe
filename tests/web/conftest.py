from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from laborlens.api import create_app
from laborlens.config import Settings
from tests.api import served

TOKEN = "test-token-1234"


@pytest.fixture(scope="session")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return served.database(tmp_path_factory)


@pytest.fixture(scope="session")
def hostile_id(db_url: str) -> str:
    return served.hostile_id(db_url)


@pytest.fixture(scope="session")
def client(db_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(db_url, Settings())) as test_client:
        yield test_client
