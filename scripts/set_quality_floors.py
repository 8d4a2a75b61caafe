"""Write tests/quality_floors/<gold>.json from the extractor's current scores.

Floors sit a margin below today's per-language scores, rounded down to a 0.05 grid, so a
real regression fails CI and run-to-run noise does not. Run it after a change that raises
quality, review the diff (a floor should only go down with a stated reason), commit it:

    .venv/bin/python scripts/set_quality_floors.py            # every tests/data/dev/*.jsonl
    .venv/bin/python scripts/set_quality_floors.py vi.jsonl   # one gold file
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from laborlens.config import Settings
from laborlens.eval import METRICS, load_gold, predict, score
from laborlens.pipeline.context import build_context

REPO = Path(__file__).resolve().parents[1]
DEV = REPO / "tests" / "data" / "dev"
FLOORS = REPO / "tests" / "quality_floors"
MARGIN = 0.05
GRID = 20  # floors on a 0.05 grid


def floors_for(gold_file: Path) -> dict[str, dict[str, float]]:
    gold = load_gold(gold_file, DEV)
    settings = Settings()
    result = score(gold, predict(gold, settings, build_context(settings)))
    floors: dict[str, dict[str, float]] = {}
    for lang, scores in result.by_lang.items():
        if lang == "ALL":
            continue
        values = scores.metrics()
        floors[lang] = {
            metric: max(0.0, math.floor((values[metric] - MARGIN) * GRID) / GRID)
            for metric in METRICS
            if values.get(metric) is not None
        }
    return floors


def main(names: list[str]) -> None:
    files = [DEV / n for n in names] if names else sorted(DEV.glob("*.jsonl"))
    FLOORS.mkdir(parents=True, exist_ok=True)
    for gold_file in files:
        target = FLOORS / f"{gold_file.stem}.json"
        target.write_text(
            json.dumps({"floors": floors_for(gold_file)}, indent=1, sort_keys=True) + "\n",
            encoding="utf-8",
        )
        print(f"wrote {target.relative_to(REPO)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="*", help="gold files under tests/data/dev (default: all)")
    main(parser.parse_args().gold)
