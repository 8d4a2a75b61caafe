"""Extraction stages scored on public test sets written by others (``laborlens benchmark``).

The sets are read at run time from a directory beside the repository
(``<repo>/../shared/benchmarks``, one folder per set with its README and licence); nothing
from them is copied into laborlens. ``BENCHMARKS`` is the registry: which stage each set
measures, with which metric, and the best published figure its README quotes.

>>> from laborlens.benchmarks import BENCHMARKS
>>> BENCHMARKS["lgl"].family
'geoparsing'
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from laborlens.benchmarks import dates, entities, events, geoparsing
from laborlens.benchmarks.scoring import METRICS, BenchmarkResult, Metric, Score
from laborlens.config import Settings
from laborlens.errors import EvalError
from laborlens.pipeline.context import StageContext
from laborlens.resources.gazetteer import Gazetteer

__all__ = [
    "BENCHMARKS",
    "FAMILIES",
    "METRICS",
    "Benchmark",
    "BenchmarkResult",
    "Metric",
    "Published",
    "Score",
    "benchmark_context",
    "find_benchmarks_dir",
    "metric",
    "ratio",
    "run_benchmark",
]

logger = logging.getLogger(__name__)

Runner = Callable[[Path, StageContext, "int | None"], tuple[BenchmarkResult, ...]]

# Family → the laborlens stage (sub-step) it measures.
FAMILIES: dict[str, str] = {
    "geoparsing": "places and countries (extract_places, extract_countries)",
    "entities": "people, organisations and places (extract_people, extract_organisations, "
    "extract_places, extract_countries)",
    "dates": "dates (extract_dates)",
    "events": "event type (classify_event)",
}


@dataclass(frozen=True, slots=True)
class Published:
    """A best published figure as the set's README quotes it (``lang`` None: every language)."""

    metric: str
    value: float
    system: str
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Benchmark:
    """A staged set: its folder, the stage it measures, its runner and published figures.

    ``headline`` is the metric that ranks the stages in the summary; ``unit`` names what
    ``--limit`` counts.
    """

    name: str
    family: str
    title: str
    run: Runner
    headline: str
    unit: str
    published: tuple[Published, ...] = ()
    licence: str = ""

    def best(self, metric: str, lang: str) -> Published | None:
        return next(
            (p for p in self.published if p.metric == metric and p.lang in (None, lang)), None
        )


_MORDECAI = "Mordecai 3 (Halterman 2023), held-out portion"
_CAMCODER = "CamCoder (Gritta et al., ACL 2018, Table 1)"
# The published resolution figures are over toponyms the system was given or found; the
# end-to-end comparison holds laborlens to the same figure over every gold toponym.
_E2E = "; same figure, every gold toponym"

_REGISTRY: tuple[Benchmark, ...] = (
    Benchmark(
        "geowebnews",
        "geoparsing",
        "GeoWebNews (Gritta et al. 2020): 200 English web news articles",
        geoparsing.run_geowebnews,
        "acc161_e2e",
        "article",
        (
            Published("acc161", 0.941, f"{_MORDECAI} of 474 toponyms"),
            Published("acc161_e2e", 0.941, f"{_MORDECAI} of 474 toponyms{_E2E}"),
            Published("exact", 0.901, f"{_MORDECAI} of 474 toponyms"),
        ),
        "GPL-3.0",
    ),
    Benchmark(
        "lgl",
        "geoparsing",
        "LGL (Lieberman et al. 2010): 588 US local news articles",
        geoparsing.run_lgl,
        "acc161_e2e",
        "article",
        (
            Published("acc161", 0.827, f"{_MORDECAI} of 967 toponyms"),
            Published("acc161_e2e", 0.827, f"{_MORDECAI} of 967 toponyms{_E2E}"),
            Published("exact", 0.794, f"{_MORDECAI} of 967 toponyms"),
            Published("auc", 0.22, _CAMCODER),
            Published("mean_km", 700.0, f"{_CAMCODER}, about 700 km"),
        ),
        "none stated; GPL-3.0 redistribution",
    ),
    Benchmark(
        "tr-news",
        "geoparsing",
        "TR-News (Kamalloo & Rafiei 2018): 118 international news articles",
        geoparsing.run_tr_news,
        "acc161_e2e",
        "article",
        (
            Published("acc161", 0.873, f"{_MORDECAI} of 274 toponyms"),
            Published("acc161_e2e", 0.873, f"{_MORDECAI} of 274 toponyms{_E2E}"),
            Published("exact", 0.843, f"{_MORDECAI} of 274 toponyms"),
        ),
        "MIT (authors); GPL-3.0 copy",
    ),
    Benchmark(
        "geovirus",
        "geoparsing",
        "GeoVirus (Gritta et al. 2018): 229 WikiNews articles on outbreaks",
        geoparsing.run_geovirus,
        "acc161_e2e",
        "article",
        (
            Published("acc161", 0.82, _CAMCODER),
            Published("acc161_e2e", 0.82, f"{_CAMCODER}{_E2E}"),
            Published("auc", 0.31, _CAMCODER),
            Published("mean_km", 300.0, f"{_CAMCODER}, about 300 km"),
        ),
        "GPL-3.0; texts CC BY 2.5",
    ),
    Benchmark(
        "hipe2020",
        "geoparsing",
        "CLEF-HIPE-2020 test sets: historical newspapers (OCR), loc entities",
        geoparsing.run_hipe2020,
        "f1",
        "document",
        (),
        "CC BY-NC-SA 4.0 (non-commercial)",
    ),
    Benchmark(
        "panx-wikiann",
        "entities",
        "WikiANN / PAN-X (XTREME test splits): Wikipedia sentences, 10 languages",
        entities.run_panx,
        "micro_f1",
        "sentence",
        (
            Published(
                "micro_f1",
                0.89,
                "in-language training, average over XTREME's 40 PAN-X languages (Hu et al. 2020)",
            ),
        ),
        "none stated (WikiANN: unknown); text CC BY-SA",
    ),
    Benchmark(
        "arman-personer",
        "entities",
        "ArmanPersoNER (Poostchi et al. 2016/2018): Persian, the three test folds",
        entities.run_arman,
        "micro_f1",
        "sentence",
        (
            Published(
                "micro_f1",
                0.8423,
                "IEEE doc. 8700549, CoNLL F1 over all six types, mean of 3 folds",
            ),
        ),
        "academic research use only",
    ),
    Benchmark(
        "india-news-locations",
        "entities",
        "English News from India (Akdemir et al. 2018): protest-heavy sentences",
        entities.run_india,
        "loc_f1",
        "sentence",
        (),
        "none stated; research use",
    ),
    Benchmark(
        "recognizers-text-datetime",
        "dates",
        "Microsoft Recognizers-Text DateTimeModel specs: 9 languages",
        dates.run_recognizers,
        "value_accuracy_supported",
        "case",
        (
            Published(
                "value_accuracy_supported",
                1.0,
                "reference .NET implementation, expected to pass every case not flagged "
                "NotSupported for dotnet",
            ),
        ),
        "MIT",
    ),
    Benchmark(
        "meantime-timex",
        "dates",
        "MEANTIME time expressions (Minard et al. 2016): Wikinews, en and es",
        dates.run_meantime,
        "value_accuracy",
        "document",
        (),
        "none stated; texts CC BY 2.5",
    ),
    Benchmark(
        "case2021-task2",
        "events",
        "CASE 2021 Task 2 (Haneczok et al. 2021): English event snippets",
        events.run_case2021,
        "weighted_f1",
        "snippet",
        (
            Published(
                "weighted_f1",
                0.839,
                "best subtask 1 run, 25 ACLED types (Kent & Krumbiegel 2021); laborlens is "
                "scored on the mapped subset",
            ),
        ),
        "none stated; research use",
    ),
)
BENCHMARKS: dict[str, Benchmark] = {b.name: b for b in _REGISTRY}


def metric(name: str) -> Metric:
    """The metric called ``name`` (a per-class metric such as ``recall_protest`` included)."""
    found = METRICS.get(name)
    if found is not None:
        return found
    if name.startswith("recall_"):
        return Metric(name, f"recall of class {name.removeprefix('recall_')}")
    raise KeyError(name)


def ratio(value: float | None, best: float, higher_is_better: bool) -> float | None:
    """laborlens over the best figure (best over laborlens for errors, where lower is better)."""
    if value is None:
        return None
    if higher_is_better:
        return value / best if best else None
    return best / value if value else None


def find_benchmarks_dir(explicit: Path | None = None, cwd: Path | None = None) -> Path:
    """``explicit``, else ``<repo>/../shared/benchmarks`` for the repository holding this
    package, else ``../shared/benchmarks`` from the working directory."""
    if explicit is not None:
        if not explicit.is_dir():
            raise EvalError(f"benchmark directory {explicit} does not exist")
        return explicit
    repo = Path(__file__).resolve().parents[3]
    candidates = [repo / ".." / "shared" / "benchmarks"]
    base = cwd or Path.cwd()
    candidates += [base / ".." / "shared" / "benchmarks", base / "shared" / "benchmarks"]
    for path in candidates:
        if path.is_dir():
            return path.resolve()
    looked = ", ".join(str(p) for p in dict.fromkeys(c.resolve() for c in candidates))
    raise EvalError(
        f"benchmark data not found (looked in {looked}); stage the sets in "
        "<repo>/../shared/benchmarks or pass --benchmarks DIR"
    )


def benchmark_context(settings: Settings) -> StageContext:
    """What the extractors need (settings, gazetteer), without the pipeline's optional
    backends such as the embedder, which no benchmark measures."""
    return StageContext(settings=settings, gazetteer=Gazetteer(settings.gazetteer_min_population))


def run_benchmark(
    name: str, base: Path, context: StageContext, limit: int | None = None
) -> tuple[BenchmarkResult, ...]:
    """Run one registered benchmark on the first ``limit`` items (per language) of its set."""
    bench = BENCHMARKS.get(name)
    if bench is None:
        raise EvalError(f"unknown benchmark {name!r}; known: {', '.join(BENCHMARKS)}")
    folder = base / name
    if not folder.is_dir():
        raise EvalError(f"benchmark {name!r}: no folder {folder}")
    logger.info("benchmark %s: running on %s", name, folder)
    return bench.run(folder, context, limit)
