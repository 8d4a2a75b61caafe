"""Language knowledge of the news languages beyond the core six: each phrase is the way a
newsroom of that language reports the thing, and each false friend is a phrase that must not
count as labour (sports, air strikes, prisoners' hunger strikes, student protests).

The phrases are written for these tests, not taken from any article.
"""

from __future__ import annotations

import pytest

from laborlens.resources.patterns import LexiconHit, fold_for_matching
from laborlens.resources.schema import LanguageResources, load_language

EVENTS: list[tuple[str, str, str]] = [
    ("en", "bus drivers downed tools and went on strike", "strike"),
    ("en", "police arrested the union's branch secretary", "repression"),
    ("es", "los docentes paran mañana en toda la provincia", "strike"),
    ("es", "capturaron a dos dirigentes del sindicato", "repression"),
    ("es", "los tranviarios cerraron la paritaria con las cámaras", "agreement"),
    ("es", "cientos de trabajadores marcharon por el centro", "protest"),
    ("es", "la empresa anunció desvinculaciones en la planta", "layoff"),
    ("pt", "os entregadores fizeram um breque dos apps", "strike"),
    ("pt", "os dirigentes foram conduzidos à delegacia", "repression"),
    ("pt", "a Justiça do Trabalho determinou a reintegração", "legal"),
    ("pt", "os novos órgãos sociais tomaram posse", "congress"),
    ("fr", "les transporteurs observent une journée ville morte", "strike"),
    ("fr", "trois syndicalistes ont été déférés au parquet", "repression"),
    ("fr", "les syndicats ont levé le mot d'ordre de grève", "agreement"),
    ("de", "die Kündigung des Betriebsrats sorgt für Empörung", "repression"),
    ("de", "das Arbeitsgericht erließ eine einstweilige Verfügung", "legal"),
    ("id", "ribuan buruh menggelar unjuk rasa di depan kantor bupati", "protest"),
    ("hi", "मजदूरों ने औजार डाउन कर दिए", "strike"),
    ("hi", "मिल प्रबंधन से वार्ता के बाद हड़ताल समाप्त हो गई", "agreement"),
    ("zh", "一名工人从棚架墮下，送院不治", "accident"),
    ("zh", "数百名员工在厂门口聚集讨说法", "protest"),
]

FALSE_FRIENDS: list[tuple[str, str]] = [
    ("es", "los estudiantes mantienen la toma de la facultad"),
    ("es", "la Secretaría del Trabajo y Previsión Social"),
    ("pt", "o jogador sofreu uma parada cardíaca"),
    ("pt", "a nova fábrica vai gerar 500 empregos na região"),
    ("fr", "une frappe enroulée du gauche a trompé le gardien"),
    ("fr", "le blocus du lycée a duré toute la matinée"),
    ("hi", "इस परियोजना से हजारों रोजगार सृजित होंगे"),
    ("zh", "劳工处向承建商发出暂时停工通知书"),
]

ROLES: list[tuple[str, str, str]] = [
    ("en", "the congress elected Jane Doe as its new president", "president"),
    ("en", "re-elected John Roe as general secretary", "secretary general"),
    ("en", "said Jane Doe, who has worked at the mill for ten years", "worker"),
    ("es", "dijo el presidente del sindicato, Juan Pérez", "chair"),
    ("pt", "afirmou a presidenta do sindicato, Ana Lima", "chair"),
    ("de", "sagte Sachsens Wirtschaftsminister Max Muster", "minister"),
    ("de", "sagte die Generalsekretärin Eva Muster", "general secretary"),
    ("hi", "यूनियन के प्रदेश अध्यक्ष रमेश कुमार ने कहा", "chair"),
    ("hi", "यूनियन प्रधान अजय कुमार को हिरासत में लिया", "chair"),
]

ISSUES: list[tuple[str, str, str]] = [
    ("es", "piden la reducción de la jornada a 40 horas", "working_hours"),
    ("es", "reclaman el pago de sus prestaciones sociales", "working_conditions"),
    ("pt", "o fim do trabalho análogo à escravidão nas fazendas", "working_conditions"),
    ("fr", "la défense du pouvoir d'achat des salariés", "cost_of_living"),
    ("de", "sie verzichteten auf Teile des Weihnachtsgeldes", "wages"),
    ("id", "gaji bulan lalu baru dibayar separuh", "wage_arrears"),
    ("hi", "आंगनवाड़ी कर्मियों को सरकारी कर्मचारी का दर्जा दिया जाए", "job_security"),
]

NOT_ISSUES: list[tuple[str, str, str]] = [
    ("es", "Saltillo, Coahuila, 8 de marzo de 2025", "gender_equality"),
    ("hi", "मजदूरों की एकजुटता की जीत हुई", "international_solidarity"),
    ("zh", "台中市政府交通局与人力资源和社会保障局", "pensions_social_security"),
]


def _resources(code: str) -> LanguageResources:
    res = load_language(code)
    assert res is not None
    return res


def _kept(res: LanguageResources, hits: list[LexiconHit], folded: str) -> list[LexiconHit]:
    """Hits that no exclusion (false friend) overlaps, as the extractor keeps them."""
    masked = [(h.start, h.end) for h in res.relevance_exclude.finditer(folded)]
    return [h for h in hits if not any(h.start < e and s < h.end for s, e in masked)]


@pytest.mark.parametrize(("code", "phrase", "event_type"), EVENTS)
def test_news_phrasing_triggers_its_event_type(code: str, phrase: str, event_type: str) -> None:
    res = _resources(code)
    folded = fold_for_matching(phrase, res.case_map)
    labels = {h.label for h in _kept(res, list(res.events.finditer(folded)), folded)}
    assert event_type in labels


@pytest.mark.parametrize(("code", "phrase"), FALSE_FRIENDS)
def test_false_friends_are_masked(code: str, phrase: str) -> None:
    res = _resources(code)
    folded = fold_for_matching(phrase, res.case_map)
    assert list(res.relevance_exclude.finditer(folded))


@pytest.mark.parametrize(("code", "phrase", "role"), ROLES)
def test_titles_map_to_codebook_roles(code: str, phrase: str, role: str) -> None:
    res = _resources(code)
    folded = fold_for_matching(phrase, res.case_map)
    assert role in {h.label for h in res.roles.finditer(folded)}


@pytest.mark.parametrize(("code", "phrase", "issue"), ISSUES)
def test_issue_vocabulary(code: str, phrase: str, issue: str) -> None:
    res = _resources(code)
    folded = fold_for_matching(phrase, res.case_map)
    assert issue in {h.label for h in _kept(res, list(res.issues.finditer(folded)), folded)}


@pytest.mark.parametrize(("code", "phrase", "issue"), NOT_ISSUES)
def test_dates_and_names_are_not_issues(code: str, phrase: str, issue: str) -> None:
    res = _resources(code)
    folded = fold_for_matching(phrase, res.case_map)
    assert issue not in {h.label for h in _kept(res, list(res.issues.finditer(folded)), folded)}
