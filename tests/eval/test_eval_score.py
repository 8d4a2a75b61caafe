"""The scorer on hand-made gold/prediction pairs, independent of the pipeline."""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import pytest

from laborlens.eval.gold import (
    CodedArticle,
    CodedEvent,
    CodedOrganisation,
    CodedPerson,
    CodedPlace,
)
from laborlens.eval.score import (
    ALL,
    PRF,
    Accuracy,
    code_article,
    match_items,
    names_match,
    normalise_name,
    score,
    score_article,
)
from laborlens.records import Article, CountryMention, Event, Relevance, Span


def _gold(article_id: str = "a1", lang: str = "xx", **event_fields: object) -> CodedArticle:
    fields: dict[str, object] = {
        "type": "strike",
        "date": "2025-04-07",
        "date_precision": "day",
        "countries": ("BR",),
        "places": (CodedPlace("São Paulo", "Sao Paulo", "BR"),),
        "organizations": (
            CodedOrganisation("Sindicato dos Metalúrgicos do ABC", ("SMABC",), "union", "BR"),
            CodedOrganisation("Ministério do Trabalho", (), "government", "BR"),
        ),
        "people": (
            CodedPerson("Joana Prates", "Joana Prates", "chair", "SMABC"),
            CodedPerson("Tiago Lemos", "Tiago Lemos", "minister", None),
        ),
        "issues": ("wages", "working_hours"),
    }
    fields.update(event_fields)
    return CodedArticle(
        id=article_id,
        lang=lang,
        labour=True,
        events=(CodedEvent(**fields),),  # type: ignore[arg-type]
    )


def _metrics(
    gold: list[CodedArticle], predicted: dict[str, CodedArticle]
) -> dict[str, float | None]:
    return score(gold, predicted).by_lang[ALL].metrics()


def test_perfect_prediction_scores_one_everywhere() -> None:
    gold = _gold()
    metrics = _metrics([gold], {gold.id: gold})
    assert metrics == {
        "labour_precision": 1.0,
        "labour_recall": 1.0,
        "labour_f1": 1.0,
        "type_accuracy": 1.0,
        "date_accuracy": 1.0,
        "country_f1": 1.0,
        "place_f1": 1.0,
        "organization_f1": 1.0,
        "person_f1": 1.0,
        "role_accuracy": 1.0,
        "issue_f1": 1.0,
    }
    assert score([gold], {gold.id: gold}).errors == ()


def test_missing_prediction_scores_zero_and_is_reported() -> None:
    gold = _gold()
    result = score([gold], {})
    metrics = result.by_lang[ALL].metrics()
    assert result.missing_predictions == ("a1",)
    assert metrics["labour_recall"] == 0.0
    assert metrics["labour_precision"] is None  # nothing predicted labour
    assert metrics["labour_f1"] == 0.0
    assert metrics["type_accuracy"] == 0.0
    assert metrics["date_accuracy"] == 0.0
    assert metrics["organization_f1"] == 0.0
    assert metrics["role_accuracy"] is None  # no matched people to judge
    fields = {e.field for e in result.errors}
    assert fields == {
        "labour",
        "type",
        "date",
        "country",
        "place",
        "organization",
        "person",
        "issue",
    }


def test_empty_prediction_matches_a_null_gold_date() -> None:
    gold = _gold(date=None, date_precision=None)
    empty = CodedArticle(id="a1", lang="xx", labour=True)
    metrics = _metrics([gold], {"a1": empty})
    assert metrics["date_accuracy"] == 1.0
    assert metrics["type_accuracy"] == 0.0


def test_non_labour_gold_with_non_labour_prediction() -> None:
    gold = CodedArticle(id="n1", lang="xx", labour=False)
    predicted = CodedArticle(id="n1", lang="xx", labour=False)
    result = score([gold], {"n1": predicted})
    scores = result.by_lang[ALL]
    assert scores.labour == PRF(0, 0, 0)
    assert scores.type == Accuracy(0, 0)  # only gold-labour articles count
    assert result.errors == ()


def test_false_positive_labour_and_its_entities_count_against_precision() -> None:
    gold = CodedArticle(id="n1", lang="xx", labour=False)
    predicted = replace(_gold("n1"), labour=True)
    scores = score([gold], {"n1": predicted}).by_lang[ALL]
    assert scores.labour == PRF(0, 1, 0)
    assert scores.organization == PRF(0, 2, 0)
    assert scores.type.total == 0


def test_partial_prediction() -> None:
    gold = _gold()
    predicted = _gold(
        type="protest",
        date="2025-04-08",
        countries=("BR", "AR"),
        places=(CodedPlace("Campinas", "Campinas", "BR"),),
        organizations=(CodedOrganisation("SMABC", (), "union", "BR"),),
        people=(CodedPerson("JOANA PRATES", "Joana Prates", "secretary general", None),),
        issues=("wages",),
    )
    result = score([gold], {gold.id: predicted})
    scores = result.by_lang[ALL]
    assert scores.type == Accuracy(0, 1)
    assert scores.date == Accuracy(0, 1)
    assert scores.country == PRF(1, 1, 0)
    assert scores.place == PRF(0, 1, 1)
    assert scores.organization == PRF(1, 0, 1)  # the acronym matches a gold alias
    assert scores.person == PRF(1, 0, 1)
    assert scores.role == Accuracy(0, 1)
    assert scores.issue == PRF(1, 0, 1)
    assert scores.metrics()["issue_f1"] == pytest.approx(2 / 3)
    by_field = {e.field: e for e in result.errors}
    assert by_field["country"].predicted == "AR"
    assert by_field["issue"].expected == "working_hours"
    assert by_field["role"].expected == "Joana Prates: chair"
    assert by_field["role"].predicted == "Joana Prates: secretary general"
    assert by_field["organization"].expected == "Ministério do Trabalho"
    assert by_field["place"].predicted == "Campinas"


def test_date_is_compared_at_the_gold_precision() -> None:
    gold = _gold(date="2025-04", date_precision="month")
    same_month = _gold(date="2025-04-01", date_precision="month")
    day_instead = _gold(date="2025-04-01", date_precision="day")
    assert score_article(gold, same_month)[0].date == Accuracy(1, 1)
    assert score_article(gold, day_instead)[0].date == Accuracy(0, 1)


def test_wrong_date_error_carries_the_evidence_text() -> None:
    gold = _gold()
    predicted = _gold(date="2025-04-09", evidence=(("date", "on Wednesday"), ("type", "walkout")))
    errors = score_article(gold, predicted)[1]
    assert [(e.field, e.expected, e.predicted, e.evidence) for e in errors] == [
        ("date", "2025-04-07 (day)", "2025-04-09 (day)", ("on Wednesday",))
    ]


def test_entities_are_pooled_over_events_and_counted_once() -> None:
    gold = _gold()
    first = CodedEvent(
        type="strike",
        date="2025-04-07",
        date_precision="day",
        organizations=(CodedOrganisation("SMABC"),),
    )
    second = CodedEvent(
        type="meeting",
        organizations=(CodedOrganisation("smabc"), CodedOrganisation("Ministério do Trabalho")),
    )
    predicted = replace(gold, events=(first, second))
    assert score_article(gold, predicted)[0].organization == PRF(2, 0, 0)


@pytest.mark.parametrize(
    ("predicted", "gold", "expected"),
    [
        ("Sindicato dos Metalúrgicos", "Sindicato dos Metalúrgicos do ABC", True),  # contained
        ("Sindicato dos Metalúrgicos do ABC de São Bernardo", "Metalúrgicos do ABC", True),
        ("SINDICATO DOS METALÚRGICOS DO ABC", "sindicato dos metalúrgicos do abc", True),
        (unicodedata.normalize("NFD", "Metalúrgicos"), "Metalúrgicos", True),  # NFC
        ("كارگران", "کارگران", True),  # Arabic kaf vs Persian keheh
        ("Metalurgicos", "Metalúrgicos", False),  # accents are not dropped
        ("A", "ABC", False),  # one letter is never "contained"
        ("", "ABC", False),
    ],
)
def test_names_match(predicted: str, gold: str, expected: bool) -> None:
    assert names_match([predicted], [gold]) is expected


def test_normalise_name_collapses_space_and_case() -> None:
    assert normalise_name("  Türk   Metal\u200cSendikası ") == normalise_name(
        "türk metal sendikası"
    )


def test_matching_is_one_to_one_and_maximal() -> None:
    # Greedy matching would pair "Union" with "Union of Bakers" and leave "Union of Cooks"
    # unmatched; the maximum matching pairs both.
    predicted = ["Union", "Union of Bakers"]
    gold = ["Union of Bakers", "Union of Cooks"]
    pairs = match_items(predicted, gold, lambda p, g: names_match([p], [g]))
    assert len(pairs) == 2
    duplicates = match_items(
        ["Cooks", "cooks"], ["Union of Cooks"], lambda p, g: names_match([p], [g])
    )
    assert len(duplicates) == 1


def test_people_match_on_latin_name_and_places_on_english_name() -> None:
    gold = _gold(
        people=(CodedPerson("Жанна Петрова", "Zhanna Petrova", "chair", None),),
        places=(CodedPlace("Алматы", "Almaty", "KZ"),),
    )
    predicted = _gold(
        people=(CodedPerson("Жанны Петровой", "Zhanna Petrova", "chair", None),),
        places=(CodedPlace("Алмате", "Almaty", "KZ"),),
    )
    scores = score_article(gold, predicted)[0]
    assert scores.person == PRF(1, 0, 0)
    assert scores.role == Accuracy(1, 1)
    assert scores.place == PRF(1, 0, 0)


def test_role_comparison_ignores_case_and_hyphens() -> None:
    gold = _gold(people=(CodedPerson("Ana Souza", "Ana Souza", "co-chair", None),))
    predicted = _gold(people=(CodedPerson("Ana Souza", "Ana Souza", "Co Chair", None),))
    assert score_article(gold, predicted)[0].role == Accuracy(1, 1)


def test_scores_are_micro_averaged_per_language_and_overall() -> None:
    good = _gold("g1", lang="pt")
    bad_gold = _gold("b1", lang="es", issues=("wages", "housing", "pensions_social_security"))
    bad_pred = _gold("b1", lang="es", issues=("wages",))
    other = _gold("b2", lang="es", issues=("wages",))
    result = score([good, bad_gold, other], {"g1": good, "b1": bad_pred, "b2": other})
    assert result.languages() == ["es", "pt", ALL]
    assert result.by_lang["pt"].issue == PRF(2, 0, 0)
    assert result.by_lang["es"].issue == PRF(2, 0, 2)
    assert result.by_lang[ALL].issue == PRF(4, 0, 2)
    assert result.by_lang[ALL].articles == 3
    assert result.by_lang[ALL].metrics()["issue_f1"] == pytest.approx(8 / 10)


def test_wrong_codes_name_the_words_that_produced_them() -> None:
    text = "Dockers met in Salvador; no one mentioned Nice."
    nice = text.index("Nice")
    event = Event(
        type="meeting",
        countries=(
            CountryMention("BR", (Span(15, 23),)),
            CountryMention("FR", (Span(nice, nice + 4),)),
        ),
    )
    article = Article(
        id="x",
        source="x.txt",
        raw_text=text,
        text=text,
        lang="pt",
        relevance=Relevance(0.9, True),
        events=(event,),
    )
    gold = _gold("x", countries=("BR",))
    errors = {e.field: e for e in score_article(gold, code_article(article, "x"))[1]}
    assert errors["country"].predicted == "FR"
    assert errors["country"].evidence == ("FR: Nice",)
