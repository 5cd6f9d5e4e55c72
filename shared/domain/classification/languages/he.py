"""Hebrew (prefixes glue to words — ה, ו, ל, ב, מ, ש —, so stems match inside words)."""

from __future__ import annotations

from shared.domain.classification.rule import A, B, C, Language, N, O, Rule, S, X

LANGUAGE = Language(
    "he",
    script="hebrew",
    conditionals=(r"אם", r"במקרה\s+ש\S*", r"אחרת"),
    questions=(r"האם",),
    requests=(r"נא", r"אנא", r"נבקש", r"מבקשי\S*", r"בבקשה"),
    negations=("לא", "אין", "ללא", "בלי"),
    stop_terms=(r"הפסקת\s+(ה)?מכירות", r"עצירת\s+(ה)?מכירות", r"stop\s*sale"),
    lift_terms=(r"בוטל\S*", r"הוסר\S*", r"הסרת", r"ביטול"),
    rules=(
        Rule(
            "he.neutral.tnai_bitul",
            N,
            r"(תנאי|מדיניות|דמי)\s+(ה)?ביטול|ביטול\s+(ללא\s+עלות|חינם)",
            0.0,
            consume=True,
        ),
        Rule("he.booking.new", B, r"הזמנה\s+חדשה|בקשת\s+הזמנה|אישור\s+(ה)?הזמנה", 3.0),
        Rule("he.booking.please_book", B, r"(אנא|נא|נבקש)\s+(ל)?הזמי\S*|הזמינו\s+עבור", 2.5),
        Rule("he.booking.hazmana", B, r"הזמנ", 1.0),
        Rule("he.cancellation.bitul", C, r"ביטול|לבטל|בוטל\S*|מבוטל\S*", 3.5),
        Rule("he.amendment.shinui", A, r"שינוי|לשנות|שונה\b|עדכון\s+(ה)?הזמנה|תיקון\s+שם", 3.5),
        Rule(
            "he.stopsale.hafsakat_mechirot",
            S,
            r"הפסקת\s+(ה)?מכירות|(ל)?הפסיק\s+(את\s+)?(ה)?מכירות|עצירת\s+(ה)?מכירות|סגור\S*\s+למכירה",
            3.5,
        ),
        Rule(
            "he.opensale.ptichat_mechirot",
            O,
            r"(פתיחת|נפתחו|נפתח|לפתוח)\s+(ה)?מכירות|(ה)?מכירות\s+(\S+\s+){0,4}?נפתח\S*|פתוח\S*\s+למכירה",
            5.0,
        ),
        Rule("he.other.cheshbonit", X, r"חשבוני(ת|ות)|קבלה\s+מס", 3.0),
    ),
)
