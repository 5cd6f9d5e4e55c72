"""Arabic (folded: alef forms as ا, ى and ي as ی, ة as ه, no tatweel or vowel marks)."""

from __future__ import annotations

from shared.domain.classification.rule import A, B, C, Language, N, O, Rule, S

LANGUAGE = Language(
    "ar",
    conditionals=("اذا", "في\\s+حال", "والا"),
    questions=("هل",),
    requests=("یرجی", "الرجاء", "من\\s+فضلک"),
    script="arabic",
    negations=("لا", "لم", "لن", "لیس", "غیر", "بدون"),
    stop_terms=(r"(وقف|ایقاف)\s+(ال)?بیع", r"اغلاق\s+(ال)?بیع", r"stop\s*sale"),
    lift_terms=(r"رفع", r"الغاء", r"انتهاء", r"ازاله"),
    rules=(
        Rule(
            "ar.neutral.shurut_ilgha",
            N,
            r"(شروط|سیاسه|رسوم|غرامه)\s+(ال)?الغاء|(ال)?الغاء\s+(ال)?مجانی|فی\s+حال(ه)?\s+(ال)?الغاء",
            0.0,
            consume=True,
        ),
        Rule("ar.booking.hajz_jadid", B, r"حجز\s+جدید", 3.0),
        Rule(
            "ar.booking.takid",
            B,
            r"تاکید\s+(ال)?حجز|تاكید\s+(ال)?حجز|(ال)?حجز\s+(تم\s+)?(تاکیده|مؤکد|موکد)",
            3.0,
        ),
        Rule("ar.booking.talab", B, r"طلب\s+(ال)?حجز|نرجو\s+(ال)?حجز|یرجی\s+(ال)?حجز", 2.5),
        Rule("ar.booking.hajz", B, r"حجز|حجوزات", 1.0),
        Rule("ar.stopsale.waqf", S, r"(وقف|ایقاف)\s+(ال)?بیع|اغلاق\s+(ال)?بیع|مغلق\s+للبیع", 3.5),
        Rule("ar.stopsale.la_ghuraf", S, r"لا\s+توجد\s+غرف|نفذت\s+(ال)?غرف|کامل\s+العدد", 2.0),
        Rule("ar.opensale.fath", O, r"(اعاده\s+)?فتح\s+(ال)?بیع|(ال)?بیع\s+مفتوح", 5.0),
        Rule("ar.opensale.mutah", O, r"متاح(ه)?\s+(مره\s+اخری|من\s+جدید)", 4.0),
        Rule("ar.cancellation.ilgha", C, r"(ال)?الغاء|ملغی|ملغاه", 3.5),
        Rule("ar.amendment.taadil", A, r"تعدیل|تغییر", 3.5),
    ),
)
