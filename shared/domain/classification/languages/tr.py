"""Turkish (patterns without Turkish letters: the text is folded)."""

from __future__ import annotations

from shared.domain.classification.rule import A, B, C, Language, N, O, Rule, S, X

LANGUAGE = Language(
    "tr",
    conditionals=(
        "eger",
        "aksi\\s+(halde|takdirde)",
        "takdirde",
        "\\w+(mazsa|mezse|madigi\\s+takdirde)",
    ),
    questions=("acaba", r"^.*\smi(dir|yiz|siniz)?$"),
    requests=("lutfen", "rica", "\\w+(ebilir|abilir)\\s+mi(siniz)?", "talep"),
    negations=("degil", "yok", "olmadan"),
    stop_terms=(r"stop\s*sale", r"stop\s*satis", r"satis\s*durdurma", r"satis(lar)?\s*kapa\w*"),
    lift_terms=(r"kaldir\w*", r"iptal\w*", r"sona\s+er\w*", r"bitti\w*", r"bitmis\w*"),
    rules=(
        Rule(
            "tr.stopsale.satis_durumu_kapali",
            S,
            r"satis\s+durumu\s*[:=]?\s*kapal\w*|satis\s+yapilamaz",
            3.5,
        ),
        Rule("tr.opensale.satis_durumu_acik", O, r"satis\s+durumu\s*[:=]?\s*acik", 4.5),
        Rule("tr.stopsale.kontenjan_sifir", S, r"kontenjan\w*\s+(0|sifir)\w*", 3.0),
        Rule(
            "tr.neutral.iptal_kosullari",
            N,
            r"iptal\s*(ve\s+(degisiklik|iade)\s*)?(kosul|sart|politika|kural|ceza|bedel|ucret|durumunda"
            r"|halinde|garantisi)\w*|ucretsiz\s+iptal\w*|(kosulsuz|son)\s+iptal\s+tarihi",
            0.0,
            consume=True,
        ),
        Rule(
            "tr.other.talebinizi_aldik", X, r"talebinizi\s+aldik|bilgi\w*\s+(icin\s+)?tesekkur", 3.5
        ),
        Rule("tr.booking.rezervasyon_onay", B, r"rezervasyon(unuz)?\s*(onay|teyit)", 3.0),
        Rule("tr.booking.yeni_rezervasyon", B, r"yeni\s+rezervasyon", 3.0),
        Rule("tr.booking.rezervasyon_talebi", B, r"rezervasyon\s+(talebi|istegi)", 2.5),
        Rule("tr.booking.onaylanmistir", B, r"onaylan(mistir|di|mis)", 1.5),
        Rule("tr.booking.grup_rezervasyonu", B, r"grup\s+rezervasyon", 2.5),
        Rule("tr.booking.konfirmasyon", B, r"\bkonfirm(asyon|e)", 1.5),
        Rule("tr.booking.rezervasyon", B, r"\brezervasyon", 1.0),
        Rule("tr.booking.rezerve", B, r"rezerve\s+(?:et|edil|edin|yap)\w*|yer\s+ayirt", 2.5),
        Rule("tr.stopsale.satis_durdurma", S, r"satis(lar)?\s*(durdur|durdu)", 3.5),
        Rule("tr.stopsale.satisa_kapali", S, r"satisa\s*(kapa|kapal)", 3.5),
        Rule("tr.stopsale.satislar_kapatildi", S, r"satis(lar)?(imiz|i)?\s*(kapat|kapan)", 3.5),
        Rule("tr.stopsale.stop_satis", S, r"\bstop\s*satis", 3.5),
        Rule("tr.stopsale.satis_yapilmamasi", S, r"satis\s+yapilmama", 3.0),
        Rule("tr.stopsale.kontenjan_kapat", S, r"kontenjan\w*\s*(kapat|kapan|dol)", 3.0),
        Rule("tr.stopsale.satis_yapilmayacak", S, r"satis\s+yapilma(yacak|maktadir)", 3.0),
        Rule("tr.opensale.satisa_acilis", O, r"satisa\s*(yeniden\s+)?ac", 5.0),
        Rule(
            "tr.opensale.satis_acildi",
            O,
            r"satis(lar)?(imiz|i)?\s*(yeniden\s+|tekrar\s+)?acil",
            5.0,
        ),
        Rule(
            "tr.opensale.stop_kaldirildi",
            O,
            r"\b(stop\s*sale|stop\s*satis|satis\s*durdurma|durdurma|stop)\w*\s*(kaldir|iptal|sona\s+er)\w*",
            5.0,
            consume=True,
        ),
        Rule("tr.opensale.yeniden_satis", O, r"yeniden\s+(satis|satisa)", 4.0),
        Rule("tr.cancellation.iptal", C, r"\biptal", 3.0),
        Rule("tr.cancellation.iptal_edildi", C, r"iptal\s*(edil|olun|edilmistir|onay|talebi)", 2.0),
        Rule("tr.amendment.degisiklik", A, r"degisik|degis(ti|mi|ec)|degistir", 3.5),
        Rule("tr.amendment.revize", A, r"\brevize|guncelle(n|me)|duzeltme|duzeltil", 2.0),
        Rule(
            "tr.neutral.iptal_edilmedi",
            N,
            r"iptal\s*(edilme(di|mis|yecek|yecektir|mistir)|olma(di|mis|yacak)|degil\w*|yok|etmiyoruz|etmeyin\w*|etmeyecegiz)"
            r"|degisiklik\s+(yok|bulunmamaktadir|olmayacak)",
            0.0,
            consume=True,
        ),
        Rule(
            "tr.neutral.satista_kalmaya",
            N,
            r"(diger|kalan)\s+(oda\s+tipleri|odalar|tarihler)\w*\s+(satista|satisa\s+acik|musait)\w*|satista\s+kalmaya\s+devam",
            0.0,
            consume=True,
        ),
        Rule(
            "tr.booking.rezervasyon_rica",
            B,
            r"rezervasyon\w*\s+(yapmak\s+istiyoruz|rica\s+ederiz|yapiniz|yapilmasini)|(lutfen|rica\s+ederiz)\s+.{0,40}rezerv\w*|rezerve\s+ediniz",
            2.5,
        ),
        Rule(
            "tr.booking.onay_no",
            B,
            r"(?:onay|teyit|konfirmasyon)\s*(?:no|numarasi|kodu)?\s*[:.#]?\s*[a-z]{0,4}[-/]?\d{3,}|\d{3,}\W{1,20}(?:onaylandi|onaylanmistir|teyit\s+edildi)\b",
            3.0,
        ),
        Rule(
            "tr.amendment.tarih_degisimi",
            A,
            r"\b(ertele|uzat(ma|il)|kisalt)\w*|tarih\w*\s+(kaydir|degis|guncelle)\w*|isim\s+duzelt\w*|oda\s+(tipi\s+)?(yukselt|degis)\w*",
            3.0,
        ),
        Rule(
            "tr.other.bakim",
            X,
            r"(planli|sistem|sunucu)\s+bakim\w*|bakim\s+(calismasi|calismalari)|hizmet\s+kesintisi|daha\s+fazla\s+rezervasyon|rezervasyonlarinizi\s+artir\w*|\bbulten\w*",
            4.5,
            genre=True,
        ),
        Rule(
            "tr.booking.onay_rica",
            B,
            r"rezervasyon\w*\s+(?:\S+\s+){0,3}?(?:onay|teyit)\w*|(?:onay|teyit)\w*\s+(?:rica|bekliyoruz|verir\s+misiniz)",
            3.0,
        ),
        Rule(
            "tr.opensale.satislar_tekrar_acik",
            O,
            r"satis\w*\s+(?:\S+\s+){0,4}?(?:yeniden|tekrar|tekrardan)\s+(?:acil|acik|acilmis)\w*",
            5.0,
        ),
        Rule(
            "tr.amendment.isim_duzeltme",
            A,
            r"(?:isim|ismi|isimler\w*|soyad\w*)\s+(?:duzelt|degis|guncelle)\w*|(?:ekstra|ilave)\s+(?:yatak|gece|kisi)",
            3.5,
        ),
        Rule(
            "tr.stopsale.stoptur",
            S,
            r"\bstop\s*'?\s*(?:tur|tadir|tayiz|ta|durumunda\w*|olmustur|edilmistir)\b",
            3.5,
        ),
    ),
)
