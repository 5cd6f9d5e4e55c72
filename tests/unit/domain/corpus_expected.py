# ruff: noqa: E501 - the subjects as they are
"""Expected subjects and attachment names of tests/data/corpus, checked by hand against the
raw files (RFC 2047 / RFC 2231 decoded) and the manifest notes."""

EXPECTED: dict[str, tuple[str, tuple[str, ...]]] = {
    "001": ("Rezervasyon Onayı - Voucher No: MY-2025-04817 - Ayşe Yılmaz", ()),
    "002": ("Booking confirmed: Hotel Ilgaz Pınarı Thermal – RN-7731920", ()),
    "003": ("Neue Buchung SW-25-118342 – Sarnıç Bahçe Hotel, Side – Anreise 18.09.2025", ()),
    "004": (
        "Rezervasyon Onayı ve Voucher - Çağlar Şentürk - 10.08.2025",
        ("Voucher_Çağlar_Şentürk_MY-2025-05102.pdf",),
    ),
    "005": ("Новое бронирование N BP-2025-0931 - Camliyamac Garden Hotel 4*, Кемер", ()),
    "006": ("Yeni Rezervasyon Talebi - Gül Öztürk (2+0) - Palmiye Yalı Hotel - Ağustos", ()),
    "007": ("Reservation Confirmation LT-25-0613 – Mr David Harrison", ("lodos-logo.png",)),
    "008": (
        "Fwd: Booking Confirmation - Gökçe Ada Sahil Otel - Ref GA-33120",
        ("Booking Confirmation - Ref GA-33120.eml",),
    ),
    "009": (
        "Grup Rezervasyonu - Ayışığı Vadi Suites Ürgüp - 12 Oda - 16-19.10.2025",
        ("rooming_list_Ürgüp_AK-GRP-2510-04.csv",),
    ),
    "010": ("NEW BOOKING BCH1195530 / PALMIYE YALI HOTEL / ARR 03SEP25", ()),
    "011": ("STOP SALE - Sarnıç Bahçe Hotel - 01.08.2025 / 20.08.2025", ()),
    "012": (
        "Stop Sales Notice – Defne Koyu Resort & Spa – Family Rooms & Suites – 10.07.2025-31.07.2025",
        (),
    ),
    "013": (
        "Toros Kıyı Otelleri - Güncel Stop Sale Listesi (Ağustos 2025)",
        ("Stop_Sale_Listesi_Toros_Kıyı_Ağustos_2025.xlsx",),
    ),
    "014": (
        "Stop Sale / Verkaufsstopp für alle Zimmer - Hotel Sonnenkap Alanya - 25.07.-08.08.2025",
        (),
    ),
    "015": (
        "Daily stop sale report – 30 Jun 2025 – 4 new stop sales",
        ("stop_sales_2025-06-30.csv",),
    ),
    "016": ("СТОП-ПРОДАЖА: Çamlıyamaç Garden Hotel 4* (Кемер) 20.07.2025–10.08.2025", ()),
    "017": ("SATIŞ DURDURMA - Zeytin Dalı Butik Otel - 15.09.2025-18.09.2025", ()),
    "018": (
        "RE: SATIŞ DURDURMA - Zeytin Dalı Butik Otel - 15.09.2025-18.09.2025 - UZATMA / EXTENDED",
        (),
    ),
    "019": ("SATIŞA AÇILIŞ / OPEN SALE - Sarnıç Bahçe Hotel - 10.08.2025 itibarıyla", ()),
    "020": (
        "RE: Stop Sales Notice – Defne Koyu Resort & Spa – Family Rooms & Suites – 10.07.2025-31.07.2025",
        (),
    ),
    "021": ("Aufhebung Verkaufsstopp / Open Sale – Hotel Sonnenkap Alanya ab 01.08.2025", ()),
    "022": ("Satışa Açılış - Toros Kıyı Park Aile Odası - 05.08-12.08.2025", ()),
    "023": ("İPTAL ONAYI - Konfirmasyon DK-558213 / Voucher MY-2025-04817", ()),
    "024": ("Stornierung Buchung SW-25-118342 – Hoffmann – Sarnıç Bahçe Hotel", ()),
    "025": ("Аннуляция бронирования N BP-2025-0931 - Camliyamac Garden Hotel", ()),
    "026": ("Booking cancelled: Hotel Ilgaz Pınarı Thermal – RN-7731920", ()),
    "027": (
        "CANCELLATION BCH1188204 / LODOS TEPESI BOUTIQUE HOTEL / ARR 18SEP25",
        ("Cancellation_BCH1188204.pdf",),
    ),
    "028": ("İPTAL - Gül Öztürk - Palmiye Yalı Hotel 08-15.08.2025 (ref PS-2508-117)", ()),
    "029": ("RE: Rezervasyon Onayı ve Voucher - Çağlar Şentürk - 10.08.2025 - DEĞİŞİKLİK", ()),
    "030": ("AMENDMENT BCH1195530 / PALMIYE YALI HOTEL / ROOM CHANGE", ()),
    "031": ("Buchungsänderung SW-25-119004 - Namenskorrektur - Hotel Sonnenkap Alanya", ()),
    "032": ("Booking modified: Hotel Ilgaz Pınarı Thermal – RN-7740115", ()),
    "033": (
        "DEĞİŞİKLİK: Grup AK-GRP-2510-04 - Ayışığı Vadi Suites - oda sayısı 12 -> 14",
        ("güncel_rooming_list_Ürgüp_AK-GRP-2510-04.csv",),
    ),
    "034": (
        "e-Arşiv Faturanız: SBH2025000004518 - Sarnıç Bahçe Hotel",
        ("SBH2025000004518.pdf", "SBH2025000004518.xml"),
    ),
    "035": (
        "Haftalık Bülten #212: Erken rezervasyon dönemi başladı, kur ve doluluk beklentileri",
        (),
    ),
    "036": ("Otomatik yanıt: Yeni Rezervasyon - Voucher MY-2025-05230 - Berk Aydın", ()),
    "037": ("Undelivered Mail Returned to Sender", ()),
    "038": ("🔥 SON 24 SAAT: Otelinize %70 daha fazla booking – ücretsiz deneme!", ()),
    "039": ("Password reset request / Şifre sıfırlama talebi", ()),
    "040": ("Yarınki haftalık toplantı + öğle yemeği", ()),
}
