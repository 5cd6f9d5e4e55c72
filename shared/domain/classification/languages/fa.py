"""Persian (folded like Arabic: ی and ک in one form; no zero-width non-joiner)."""

from __future__ import annotations

from shared.domain.classification.rule import A, B, C, Language, N, O, Rule, S

LANGUAGE = Language(
    "fa",
    conditionals=("اگر", "در\\s+صورت", "وگرنه"),
    questions=("ایا",),  # folded: آ → ا
    requests=("لطفا", "خواهشمند"),
    script="arabic",
    negations=("نه", "نیست", "بدون", "عدم"),
    stop_terms=(r"توقف\s+فروش", r"بستن\s+فروش", r"stop\s*sale"),
    lift_terms=(r"رفع", r"لغو", r"برداشته"),
    rules=(
        Rule(
            "fa.neutral.sharayet_laghv",
            N,
            r"(شرایط|قوانین|جریمه)\s+(لغو|کنسلی)|لغو\s+رایگان",
            0.0,
            consume=True,
        ),
        Rule("fa.booking.rezerv_jadid", B, r"رزرو\s+جدید", 3.0),
        Rule("fa.booking.taeid", B, r"تایید\s+رزرو|رزرو\s+(شما\s+)?تایید\s+(شد|گردید)", 3.0),
        Rule("fa.booking.darkhast", B, r"درخواست\s+رزرو|لطفا\s+رزرو", 2.5),
        Rule("fa.booking.rezerv", B, r"رزرو", 1.0),
        Rule("fa.stopsale.tavaghof", S, r"توقف\s+فروش|فروش\s+متوقف|بستن\s+فروش|فروش\s+بسته", 3.5),
        Rule("fa.stopsale.takmil", S, r"تکمیل\s+ظرفیت|ظرفیت\s+تکمیل", 2.5),
        Rule(
            "fa.opensale.bazgoshai",
            O,
            r"بازگشایی\s+فروش|فروش\s+(مجدد|دوباره)\s*(باز|ازاد)?|فروش\s+باز\s+شد",
            5.0,
        ),
        Rule("fa.opensale.dobare", O, r"دوباره\s+(قابل\s+رزرو|موجود)", 4.0),
        Rule("fa.cancellation.laghv", C, r"لغو|کنسل|ابطال", 3.5),
        Rule("fa.amendment.taghir", A, r"تغییر|اصلاح|ویرایش", 3.5),
    ),
)
