"""Labour relevance: ordinary news in every language is rejected, labour news accepted.

The texts are our own, a few sentences each, in the register of wire copy.
"""

from __future__ import annotations

import pytest

from laborlens.config import Settings
from laborlens.pipeline.context import StageContext
from laborlens.pipeline.identify import identify_language
from laborlens.pipeline.normalise import article_from_raw, normalise
from laborlens.pipeline.relevance import score_relevance
from laborlens.records import RawDocument

CONTEXT = StageContext(settings=Settings())

NON_LABOUR = {
    "en": {
        "sport": "City beat United 3-1 on Saturday.\nThe striker scored twice before half-time and the "
        "coach praised the team's defence after the match.",
        "weather": "Heavy rain expected across the north\nForecasters said temperatures would drop to "
        "four degrees overnight, with snow on higher ground by Thursday.",
        "markets": "Shares close higher\nThe main index rose 1.2 percent as bank stocks gained and the "
        "dollar weakened against the euro.",
        "court": "Man jailed for burglary\nA court sentenced a 34-year-old man to three years in prison "
        "for breaking into homes in the city centre.",
    },
    "tr": {
        "sport": "Galatasaray deplasmanda kazandı\nSarı-kırmızılılar ikinci yarıda bulduğu gollerle "
        "rakibini 2-0 mağlup etti. Teknik direktör oyuncularını tebrik etti.",
        "weather": "Meteoroloji uyardı: kuvvetli yağış geliyor\nKaradeniz kıyılarında yarından itibaren "
        "sağanak yağış ve fırtına bekleniyor.",
        "markets": "Borsa güne yükselişle başladı\nBIST 100 endeksi yüzde 0,8 artarken dolar/TL "
        "kuru yatay seyretti.",
        "court": "Dolandırıcılık davasında karar\nMahkeme, sahte ilanlarla para toplayan sanığa 5 yıl "
        "hapis cezası verdi.",
    },
    "ru": {
        "sport": "«Спартак» обыграл «Зенит»\nМосковская команда победила со счётом 2:1, решающий гол "
        "забил нападающий на последней минуте матча.",
        "weather": "В Москве ожидаются заморозки\nСиноптики прогнозируют снег и понижение температуры "
        "до минус пяти градусов в выходные.",
        "markets": "Индекс Мосбиржи вырос\nРубль укрепился к доллару, акции нефтяных компаний "
        "подорожали на фоне роста цен на нефть.",
        "court": "Суд арестовал подозреваемого в краже\nМужчину задержали после ограбления ювелирного "
        "магазина, ему грозит до шести лет лишения свободы.",
    },
    "ar": {
        "sport": "فوز الوداد على الرجاء\nتغلب فريق الوداد على منافسه بهدفين مقابل هدف في مباراة "
        "الديربي مساء السبت.",
        "weather": "توقعات بتساقط أمطار غزيرة\nأفادت الأرصاد الجوية بانخفاض درجات الحرارة وهبوب رياح "
        "قوية على المناطق الشمالية.",
        "markets": "البورصة تغلق على ارتفاع\nارتفع المؤشر الرئيسي للسوق بنسبة واحد في المئة مدعوما "
        "بأسهم البنوك.",
        "court": "الحكم على متهم بالسرقة\nقضت المحكمة بسجن رجل ثلاث سنوات بتهمة سرقة سيارات في "
        "وسط المدينة.",
    },
    "fa": {
        "sport": "پیروزی پرسپولیس در دربی\nپرسپولیس با دو گل استقلال را شکست داد و به صدر جدول "
        "بازگشت.",
        "weather": "پیش بینی بارش برف در تهران\nهواشناسی از کاهش دما و بارش برف در ارتفاعات از "
        "فردا خبر داد.",
        "markets": "شاخص بورس تهران رشد کرد\nشاخص کل بورس با رشد یک درصدی همراه شد و ارزش معاملات "
        "افزایش یافت.",
        "court": "محکومیت متهم سرقت مسلحانه\nدادگاه متهم به سرقت از یک طلافروشی را به ده سال "
        "زندان محکوم کرد.",
    },
    "vi": {
        "sport": "Hà Nội FC thắng đậm\nĐội bóng thủ đô đánh bại đối thủ với tỷ số 3-0 trong trận "
        "đấu tối thứ Bảy.",
        "weather": "Miền Bắc đón đợt không khí lạnh\nNhiệt độ tại vùng núi có thể xuống dưới 5 độ C, "
        "trời rét đậm vào cuối tuần.",
        "markets": "Chứng khoán tăng điểm\nChỉ số VN-Index tăng hơn 10 điểm nhờ nhóm cổ phiếu ngân "
        "hàng.",
        "court": "Xét xử vụ lừa đảo chiếm đoạt tài sản\nTòa án tuyên phạt bị cáo 7 năm tù vì lừa "
        "đảo bán đất nền.",
    },
}

LABOUR = {
    "en": "Bus drivers walk out over unpaid wages\nDrivers at the city bus company stopped work "
    "on Monday, saying they had not been paid for two months. Their union called for talks.",
    "tr": "Metal işçileri greve çıktı\nFabrikada çalışan 800 işçi, toplu iş sözleşmesi "
    "görüşmelerinin tıkanması üzerine sendikalarının kararıyla greve başladı.",
    "ru": "Рабочие завода объявили забастовку\nСотрудники предприятия прекратили работу из-за "
    "задержки заработной платы, профсоюз потребовал погасить долги.",
    "ar": "إضراب عمال الميناء\nنفذ عمال الميناء إضرابا عن العمل للمطالبة بصرف الأجور المتأخرة، "
    "وقالت النقابة إن الإضراب سيستمر.",
    "fa": "تجمع کارگران در اعتراض به حقوق معوقه\nکارگران کارخانه برای دریافت چند ماه حقوق "
    "معوقه مقابل فرمانداری تجمع کردند.",
    "vi": "Công nhân ngừng việc đòi tăng lương\nHàng trăm công nhân công ty may đã ngừng việc "
    "tập thể để đề nghị tăng lương, công đoàn đã vào cuộc đối thoại.",
}


def _score(text: str) -> tuple[bool, float]:
    raw = RawDocument(source="t", text=text)
    article = normalise(article_from_raw(raw, "v", "h"), CONTEXT)
    scored = score_relevance(identify_language(article, CONTEXT), CONTEXT)
    assert scored.relevance is not None
    return scored.relevance.is_labour, scored.relevance.score


CASES = [(lang, kind, text) for lang, texts in NON_LABOUR.items() for kind, text in texts.items()]


@pytest.mark.parametrize(("lang", "kind", "text"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_ordinary_news_is_not_labour(lang: str, kind: str, text: str) -> None:
    is_labour, score = _score(text)
    assert not is_labour, f"{lang} {kind} scored {score}"


@pytest.mark.parametrize(("lang", "text"), sorted(LABOUR.items()), ids=sorted(LABOUR))
def test_labour_news_is_labour(lang: str, text: str) -> None:
    is_labour, score = _score(text)
    assert is_labour, f"{lang} scored {score}"
