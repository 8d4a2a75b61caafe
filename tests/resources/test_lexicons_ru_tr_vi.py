"""Russian, Turkish and Vietnamese lexicons: what a phrase means to each table.

Each case is a short phrase of ordinary news language and the label the language file must
give it (or the false friend it must mask). The phrases are written for these tests; they
pin down linguistic decisions (inflection, word order, idiom), not any article.
"""

from __future__ import annotations

import pytest

from laborlens.resources.patterns import Lexicon, fold_for_matching
from laborlens.resources.schema import LanguageResources, load_language


def _res(code: str) -> LanguageResources:
    res = load_language(code)
    assert res is not None
    return res


def _labels(res: LanguageResources, lexicon: Lexicon, text: str) -> list[str]:
    folded = fold_for_matching(text, res.case_map)
    masked = [(h.start, h.end) for h in res.relevance_exclude.finditer(folded)]
    return [
        h.label
        for h in lexicon.finditer(folded)
        if not any(s < h.end and h.start < e for s, e in masked)
    ]


EVENT_CASES = [
    # Russian: inflected verbs, negated stoppages, fleeting vowels, idioms
    ("ru", "Курьеры не выходят на смены и отключили приложение", "strike"),
    ("ru", "водители не вышли на линию", "strike"),
    ("ru", "рабочие собрались у здания заводоуправления", "protest"),
    ("ru", "уволили председателя первичной профсоюзной организации", "repression"),
    ("ru", "угрожая увольнением, уговаривали рабочих выйти из профсоюза", "repression"),
    ("ru", "возбудила в отношении генерального директора уголовное дело", "legal"),
    ("ru", "на заводе объявили о сокращении 1200 работников", "layoff"),
    ("ru", "хлопок и пожар в цехе, пострадали трое рабочих", "accident"),
    ("ru", "десятая годовщина трагедии на шахте", "commemoration"),
    # Turkish: suffixes, participles, a stem that must not eat its antonym
    ("tr", "işçiler fabrika önünde toplandı", "protest"),
    ("tr", "görüşmelerde anlaşmazlık çıktı", "bargaining"),
    ("tr", "toplu iş sözleşmesi imza töreniyle imzalandı", "agreement"),
    ("tr", "fabrikası kapatıldı ve işçiler çıkarıldı", "layoff"),
    ("tr", "hayatını kaybeden madenciler anıldı", "commemoration"),
    ("tr", "sendika şubesi kuruldu", "organizing"),
    # Vietnamese: fixed expressions
    ("vi", "công nhân kéo đến trụ sở UBND huyện", "protest"),
    ("vi", "sa thải anh Nguyễn Văn A, Chủ tịch Công đoàn cơ sở", "repression"),
    ("vi", "Quốc hội biểu quyết thông qua Luật Việc làm (sửa đổi)", "legal"),
    ("vi", "ngừng việc tập thể vì bị cắt phụ cấp", "strike"),
]


@pytest.mark.parametrize(("code", "text", "label"), EVENT_CASES)
def test_trigger_gives_the_event_type(code: str, text: str, label: str) -> None:
    res = _res(code)
    assert label in _labels(res, res.events, text)


NOT_EVENT_CASES = [
    ("ru", "рабочие устали ждать", "congress"),
    ("ru", "прибыли компании выросли", "meeting"),
    ("ru", "машина слетела с трассы", "training"),
    ("ru", "арест счетов предприятия", "repression"),
    ("ru", "курьерам грозят штрафы за опоздания", "legal"),
    ("tr", "eylem yapma kararı verdi", "legal"),
    ("tr", "imza kampanyası başlattı", "training"),
    ("tr", "sivil toplum kuruluşları", "organizing"),
    ("tr", "yol trafiğe kapatıldı", "layoff"),
    ("vi", "công nhân sau đó giải tán ra về", "repression"),
    ("vi", "công ty cam kết trả đủ lương", "agreement"),
    ("vi", "công ty được thành lập năm 2010", "organizing"),
]


@pytest.mark.parametrize(("code", "text", "label"), NOT_EVENT_CASES)
def test_ordinary_words_are_not_triggers(code: str, text: str, label: str) -> None:
    res = _res(code)
    assert label not in _labels(res, res.events, text)


ISSUE_CASES = [
    ("ru", "добились повышения тарифных ставок", "wages"),
    ("ru", "без надбавок за вредность", "wages"),
    ("ru", "учителям не выплатили отпускные", "wage_arrears"),
    ("ru", "давлением на независимые профсоюзы", "union_rights"),
    ("ru", "хроническая нехватка медперсонала", "working_conditions"),
    ("ru", "работать на полторы ставки", "working_hours"),
    ("ru", "российские коллеги ознакомились", "international_solidarity"),
    ("tr", "kazalara karşı koruma yok", "health_safety"),
    ("tr", "zorunlu arabuluculuk başvurusu yaptı", "job_security"),
    ("vi", "hỗ trợ tiền nhà trọ cho công nhân", "housing"),
    ("vi", "giá thuê nhà trọ tăng", "cost_of_living"),
    ("vi", "đời sống công nhân gặp nhiều khó khăn", "cost_of_living"),
]


@pytest.mark.parametrize(("code", "text", "label"), ISSUE_CASES)
def test_phrase_gives_the_issue(code: str, text: str, label: str) -> None:
    res = _res(code)
    assert label in _labels(res, res.issues, text)


NOT_ISSUE_CASES = [
    ("ru", "Федерация независимых профсоюзов России", "union_rights"),
    ("ru", "профсоюз «Солидарность»", "international_solidarity"),
    ("ru", "акцию провели в выходной", "working_hours"),
    ("tr", "yurt dışında yaşayan", "housing"),
    ("tr", "ev sahipliğinde yapılan toplantı", "housing"),
    ("vi", "chăm lo đời sống người lao động", "cost_of_living"),
    ("vi", "Phó Bí thư Lương Văn Hòa", "wages"),
    ("vi", "áp lực về đơn hàng", "working_conditions"),
]


@pytest.mark.parametrize(("code", "text", "label"), NOT_ISSUE_CASES)
def test_false_friends_are_not_issues(code: str, text: str, label: str) -> None:
    res = _res(code)
    assert label not in _labels(res, res.issues, text)


MASKED = [
    ("ru", "ДТП на Профсоюзной улице", "профсоюзной"),
    ("ru", "концерт во Дворце профсоюзов", "профсоюзов"),
    ("ru", "школьники вышли на климатическую забастовку", "забастовку"),
    ("ru", "сотрудники полиции задержали водителя", "сотрудники"),
    ("ru", "передала деньги курьеру", "курьеру"),
    ("tr", "cezaevindeki tutuklu açlık grevine başladı", "grev"),
    ("vi", "5 dấu hiệu cho thấy gan đang đình công", "đình công"),
    ("vi", "Trường Đại học Công đoàn công bố điểm chuẩn", "công đoàn"),
    ("vi", "VFF sa thải HLV trưởng", "sa thải"),
]


@pytest.mark.parametrize(("code", "text", "word"), MASKED)
def test_false_friend_is_masked(code: str, text: str, word: str) -> None:
    res = _res(code)
    folded = fold_for_matching(text, res.case_map)
    start = folded.index(fold_for_matching(word, res.case_map))
    end = start + len(word)
    assert any(h.start < end and start < h.end for h in res.relevance_exclude.finditer(folded))


ROLE_CASES = [
    ("ru", "вице-мэр", "deputy mayor"),
    ("ru", "заместитель премьер-министра", "deputy prime minister"),
    ("ru", "маляр", "worker"),
    ("tr", "Belediye Başkan Yardımcısı", "deputy mayor"),
    ("tr", "dokuma operatörü", "worker"),
    ("vi", "Phó Bí thư Thường trực Tỉnh ủy", "deputy secretary"),
    ("vi", "Bí thư Tỉnh ủy", "secretary"),
    ("vi", "công nhân", "worker"),
]


@pytest.mark.parametrize(("code", "title", "role"), ROLE_CASES)
def test_title_gives_the_role(code: str, title: str, role: str) -> None:
    res = _res(code)
    folded = fold_for_matching(title, res.case_map)
    hits = list(res.roles.finditer(folded))
    assert hits
    assert max(hits, key=lambda h: h.end - h.start).label == role


def test_russian_union_names_keep_plural_occupations() -> None:
    """Occupations are roles only in the singular: union names carry the plural genitive
    ("Профсоюз работников образования"), which must not stop a name."""
    res = _res("ru")
    folded = fold_for_matching("Профсоюз работников строителей учителей горняков")
    assert list(res.roles.finditer(folded)) == []
