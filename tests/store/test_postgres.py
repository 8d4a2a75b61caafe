"""PostgreSQL specifics: URLs, migrations in place, search configurations and indexes.

The behaviour both backends share (saving, querying, search, concurrent writers) is tested
on both by the other store tests; these need a PostgreSQL server (see tests/conftest.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.engine import make_url

from laborlens.errors import StoreError
from laborlens.store import open_store, pgsearch, serialise
from laborlens.store.migrations import MIGRATIONS, migrate
from laborlens.store.postgres import PostgresStore, engine_url, safe_label
from laborlens.store.schema import metadata
from tests.store.store_builders import full_article, make_article


@pytest.fixture
def engine_for(pg_url: Callable[[], str]) -> Iterator[Callable[[], tuple[str, Engine]]]:
    engines: list[Engine] = []

    def make() -> tuple[str, Engine]:
        url = pg_url()
        parsed = engine_url(url)
        options = parsed.query["options"]
        engine = create_engine(
            parsed.difference_update_query(["options"]), connect_args={"options": options}
        )
        engines.append(engine)
        return url, engine

    yield make
    for engine in engines:
        engine.dispose()


def schema_of(engine: Engine) -> list[tuple[str, ...]]:
    """Tables, columns and indexes of the current schema, comparable across databases."""
    with engine.connect() as conn:
        columns = conn.execute(
            text(
                "SELECT table_name, column_name, data_type, is_nullable FROM "
                "information_schema.columns WHERE table_schema = current_schema() "
                "ORDER BY 1, 2"
            )
        ).all()
        indexes = conn.execute(
            text(
                "SELECT tablename, indexname, regexp_replace(indexdef, ' ON \\S+\\.', ' ON ') "
                "FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1, 2"
            )
        ).all()
    return [tuple(map(str, row)) for row in (*columns, *indexes)]


def test_postgres_urls_open_the_postgres_store(pg_url: Callable[[], str]) -> None:
    url = pg_url()
    for spelling in (url, url.replace("postgresql://", "postgresql+psycopg://", 1)):
        with open_store(spelling) as store:
            assert isinstance(store, PostgresStore)
            assert store.counts()["articles"] == 0


def test_unreachable_server_is_one_store_error() -> None:
    with pytest.raises(StoreError, match="opening and migrating failed"):
        open_store("postgresql://nobody:secret@127.0.0.1:1/nothing")
    with pytest.raises(StoreError) as caught:
        open_store("postgresql://nobody:secret@127.0.0.1:1/nothing")
    assert "secret" not in str(caught.value)


def test_v1_database_is_upgraded_in_place(
    engine_for: Callable[[], tuple[str, Engine]],
) -> None:
    url, engine = engine_for()
    article, other = full_article(), make_article("plain", "tr")
    assert [m.version for m in migrate(engine, target=1)] == [1]
    with engine.begin() as conn:  # articles written by a v1 laborlens
        for a in (article, other):
            rows = serialise.article_to_rows(a, dt.datetime.now(dt.UTC))
            for name in serialise.TABLE_NAMES:
                if rows[name]:
                    conn.execute(insert(metadata.tables[name]), rows[name])
    with open_store(url) as store:
        assert store.get_article(article.id) == article
        assert [h.article_id for h in store.search("Yekaterinburg")] == [article.id]
        assert [h.article_id for h in store.search("tekirdag")] == ["plain"]
    with engine.connect() as conn:
        versions = list(conn.scalars(text("SELECT version FROM schema_migrations ORDER BY 1")))
    assert versions == [m.version for m in MIGRATIONS]


def test_fresh_and_upgraded_schemas_agree(engine_for: Callable[[], tuple[str, Engine]]) -> None:
    fresh_url, fresh = engine_for()
    old_url, old = engine_for()
    open_store(fresh_url).close()
    migrate(old, target=1)
    open_store(old_url).close()
    assert schema_of(fresh) == schema_of(old)
    assert any("gin" in str(row) for row in schema_of(fresh))


@pytest.mark.parametrize(
    ("lang", "config"),
    [
        ("tr", "turkish"),
        ("ru", "russian"),
        ("ar", "arabic"),
        ("en", "english"),
        ("id", "indonesian"),
        ("fa", "simple"),
        ("vi", "simple"),
        (None, "simple"),
        ("xx", "simple"),
    ],
)
def test_language_configurations(lang: str | None, config: str) -> None:
    available = {"turkish", "russian", "arabic", "english", "indonesian", "simple"}
    assert pgsearch.config_for(lang, available) == config


def test_articles_are_indexed_with_their_language(pg_url: Callable[[], str]) -> None:
    with open_store(pg_url()) as store:
        assert isinstance(store, PostgresStore)
        store.save_articles([make_article(f"l-{lang}", lang) for lang in ("tr", "ru", "fa")])
        with store.engine.connect() as conn:
            configs = dict(
                conn.execute(text("SELECT article_id, config FROM article_search")).all()
            )
    assert configs == {"l-tr": "turkish", "l-ru": "russian", "l-fa": "simple"}


def test_organisation_filter_can_use_the_trigram_index(pg_url: Callable[[], str]) -> None:
    with open_store(pg_url()) as store:
        assert isinstance(store, PostgresStore)
        with store.engine.connect() as conn:
            conn.execute(text("SET enable_seqscan = off"))
            plan = "\n".join(
                conn.scalars(
                    text("EXPLAIN SELECT 1 FROM organisations WHERE search_names LIKE '%sendika%'")
                )
            )
    assert "ix_organisations_search_names_trgm" in plan


def test_password_is_hidden_in_labels() -> None:
    url = "postgresql://user:hunter2@db.example:5432/news"
    assert "hunter2" not in safe_label(url)
    assert engine_url(url).drivername == "postgresql+psycopg"
    assert engine_url(make_url(url).set(drivername="postgresql+psycopg")).database == "news"
