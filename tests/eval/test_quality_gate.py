"""Quality gates: the seed articles meet the codebook's acceptance bar, and the development
set stays above its per-language floors (raise a floor when a change lifts it; a drop fails).

The floors live in tests/quality_floors.json, one table per gold file. Articles are run
through the real pipeline; nothing here knows any article's answer except the gold file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from laborlens.config import Settings
from laborlens.eval import check_gate, load_gate, load_gold, predict, score
from laborlens.eval.gold import CodedArticle
from laborlens.eval.score import names_match
from laborlens.pipeline.context import StageContext, build_context

REPO = Path(__file__).resolve().parents[2]
DEV = REPO / "tests" / "data" / "dev"
FLOORS = REPO / "tests" / "quality_floors"


@pytest.fixture(scope="module")
def context() -> StageContext:
    return build_context(Settings())


def _dev_gold_files() -> list[Path]:
    return sorted(DEV.glob("*.jsonl"))


def test_seeds_meet_the_acceptance_bar(shared_dir: Path, context: StageContext) -> None:
    gold = load_gold(shared_dir / "gold" / "seeds.jsonl")
    predicted = predict(gold, Settings(), context)
    result = score(gold, predicted)
    overall = result.by_lang["ALL"].metrics()
    assert overall["labour_f1"] == 1.0
    assert overall["type_accuracy"] == 1.0
    assert overall["date_accuracy"] == 1.0
    assert overall["country_f1"] == 1.0
    assert (overall["role_accuracy"] or 0.0) >= 0.8
    complete = sum(_every_actor_found(g, predicted.get(g.id)) for g in gold)
    assert complete >= 4, f"only {complete} of {len(gold)} seeds have every organisation and person"


def _every_actor_found(gold: CodedArticle, predicted: CodedArticle | None) -> bool:
    if not gold.events:
        return True
    if predicted is None or not predicted.events:
        return False
    g, p = gold.events[0], predicted.events[0]
    orgs_ok = all(
        any(names_match((o.name, *o.aliases), (go.name, *go.aliases)) for o in p.organizations)
        for go in g.organizations
    )
    people_ok = all(
        any(
            names_match((q.name, q.name_latin or ""), (gp.name, gp.name_latin or ""))
            for q in p.people
        )
        for gp in g.people
    )
    return orgs_ok and people_ok


@pytest.mark.parametrize("gold_file", _dev_gold_files(), ids=lambda p: p.stem)
def test_development_set_above_floors(gold_file: Path, context: StageContext) -> None:
    floors_file = FLOORS / f"{gold_file.stem}.json"
    assert floors_file.is_file(), f"no floors for {gold_file.name}: write {floors_file}"
    gold = load_gold(gold_file, DEV)
    result = score(gold, predict(gold, Settings(), context))
    failures = check_gate(result, load_gate(floors_file), gold_file)
    assert failures == [], "\n".join(failures)
