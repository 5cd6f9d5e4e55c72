"""Public cases: 'other' mail that talks about bookings — it names reservations, stop sales,
cancellations and changes, but does none of them: questions and quotes, invoices and
payments, complaints and reviews, contracts and policies, campaigns and newsletters, account
and system notices, reports, thanks and acknowledgements. The label is what the new text
does, not what it mentions.

Each case: (language, label, subject, body).
"""

# ruff: noqa: E501 - the messages as they are

from __future__ import annotations

CASES: list[tuple[str, str, str, str]] = [
    # --- questions and quotes ------------------------------------------------------------
    (
        "en",
        "other",
        "Availability question for September",
        "Hi, do you still have family rooms for the second half of September? Just checking before we offer them to a client.",
    ),
    (
        "en",
        "other",
        "Quote request - group of 25",
        "Could you send us your best rate for a group of 25 pax, 4 nights in October, half board? We are not booking yet, only comparing offers.",
    ),
    (
        "en",
        "other",
        "Cancellation policy?",
        "What is your cancellation policy for non-refundable bookings made before March? A client is asking before he books.",
    ),
    (
        "en",
        "other",
        "Are sales open for 2027?",
        "Hello, when will you open sales for summer 2027? We would like to start taking early reservations as soon as you do.",
    ),
    (
        "tr",
        "other",
        "Müsaitlik sorusu",
        "Merhaba, eylül ayının ikinci yarısında aile odanız müsait mi? Müşterimize teklif etmeden önce sormak istedik.",
    ),
    (
        "tr",
        "other",
        "Grup fiyat talebi",
        "Ekim ayında 4 gece yarım pansiyon 25 kişilik grup için en iyi fiyatınızı gönderebilir misiniz? Henüz rezervasyon yapmıyoruz, teklifleri karşılaştırıyoruz.",
    ),
    (
        "de",
        "other",
        "Anfrage Gruppenpreis",
        "Könnten Sie uns ein Angebot für eine Gruppe von 25 Personen im Oktober (4 Nächte, HP) schicken? Es handelt sich noch nicht um eine Buchung.",
    ),
    (
        "de",
        "other",
        "Frage zu Stornobedingungen",
        "Welche Stornobedingungen gelten für Frühbucherbuchungen? Ein Kunde möchte das vor der Buchung wissen.",
    ),
    (
        "ru",
        "other",
        "Запрос цены",
        "Пришлите, пожалуйста, стоимость проживания для группы 25 человек в октябре, 4 ночи, полупансион. Это пока не бронирование, а запрос цены.",
    ),
    (
        "ru",
        "other",
        "Вопрос по условиям аннуляции",
        "Какие условия аннуляции действуют для раннего бронирования? Клиент хочет знать заранее.",
    ),
    (
        "pl",
        "other",
        "Zapytanie o dostępność",
        "Dzień dobry, czy mają Państwo wolne pokoje rodzinne w drugiej połowie września? Pytamy przed złożeniem oferty klientowi.",
    ),
    (
        "nl",
        "other",
        "Vraag over annuleringsvoorwaarden",
        "Welke annuleringsvoorwaarden gelden voor vroegboekingen? Een klant wil dit weten voordat hij boekt.",
    ),
    (
        "fr",
        "other",
        "Demande de tarif groupe",
        "Pourriez-vous nous envoyer votre meilleur tarif pour un groupe de 25 personnes en octobre, 4 nuits en demi-pension ? Il ne s'agit pas encore d'une réservation.",
    ),
    (
        "it",
        "other",
        "Domanda sulla disponibilità",
        "Buongiorno, avete ancora camere familiari libere nella seconda metà di settembre? Chiediamo prima di fare un'offerta al cliente.",
    ),
    # --- invoices, payments, reminders ---------------------------------------------------
    (
        "en",
        "other",
        "Statement of account - April",
        "Please find attached the statement of account for April: 41 bookings, 6 cancellations with fees, balance due EUR 12,380.",
    ),
    (
        "en",
        "other",
        "Payment reminder: overdue invoices",
        "Our records show two overdue invoices for bookings in February. Please arrange payment within 7 days to avoid suspension of credit.",
    ),
    (
        "en",
        "other",
        "Credit note for cancelled booking 4471",
        "Attached is credit note CN-2211 for the cancelled booking 4471. The amount will be deducted from your next invoice.",
    ),
    (
        "tr",
        "other",
        "Ödeme hatırlatması",
        "Şubat ayı rezervasyonlarına ait iki faturanın ödemesi gecikmiştir. Kredi limitinizin askıya alınmaması için 7 gün içinde ödeme yapmanızı rica ederiz.",
    ),
    (
        "tr",
        "other",
        "Hesap ekstresi - Nisan",
        "Nisan ayı hesap ekstreniz ektedir: 41 rezervasyon, 6 ücretli iptal, bakiye 12.380 EUR.",
    ),
    (
        "de",
        "other",
        "Zahlungserinnerung",
        "Für die Buchungen im Februar sind zwei Rechnungen noch offen. Bitte überweisen Sie den Betrag innerhalb von 7 Tagen.",
    ),
    (
        "de",
        "other",
        "Gutschrift zur stornierten Buchung 4471",
        "Anbei erhalten Sie die Gutschrift GS-2211 zur stornierten Buchung 4471. Der Betrag wird mit der nächsten Rechnung verrechnet.",
    ),
    (
        "ru",
        "other",
        "Акт сверки за апрель",
        "Направляем акт сверки за апрель: 41 бронирование, 6 аннуляций со штрафом, задолженность 12 380 EUR.",
    ),
    (
        "uk",
        "other",
        "Рахунок за квітень",
        "Надсилаємо рахунок за квітень за 41 бронювання. Просимо оплатити протягом 14 днів.",
    ),
    (
        "pl",
        "other",
        "Przypomnienie o płatności",
        "Uprzejmie przypominamy o nieopłaconej fakturze za rezerwacje z lutego. Prosimy o wpłatę w ciągu 7 dni.",
    ),
    (
        "cs",
        "other",
        "Faktura za storna",
        "V příloze zasíláme fakturu za stornopoplatky za březen (4 rezervace). Splatnost 14 dní.",
    ),
    (
        "it",
        "other",
        "Sollecito di pagamento",
        "Risultano ancora da saldare due fatture relative alle prenotazioni di febbraio. Vi preghiamo di provvedere entro 7 giorni.",
    ),
    (
        "fr",
        "other",
        "Avoir pour la réservation annulée 4471",
        "Veuillez trouver ci-joint l'avoir AV-2211 pour la réservation annulée 4471. Le montant sera déduit de la prochaine facture.",
    ),
    (
        "sv",
        "other",
        "Betalningspåminnelse",
        "Två fakturor för bokningar i februari är fortfarande obetalda. Vänligen betala inom 7 dagar.",
    ),
    # --- complaints and reviews ------------------------------------------------------------
    (
        "en",
        "other",
        "Guest feedback - booking 77120",
        "The guests of booking 77120 wrote that the room was not cleaned on two days. Could you look into it and reply to us?",
    ),
    (
        "en",
        "other",
        "Please review your stay",
        "Thank you for staying at Olive Garden Hotel. How was your stay? Rate us in one click and get 10% off your next booking.",
    ),
    (
        "tr",
        "other",
        "Misafir şikayeti",
        "88213 numaralı rezervasyonun misafirleri konaklamaları sırasında klimanın çalışmadığından şikayet etti. Nasıl bir telafi önerebilirsiniz?",
    ),
    (
        "de",
        "other",
        "Reklamation Aufenthalt",
        "Die Gäste der Buchung 5520 beschweren sich über Baulärm während des Aufenthalts. Bitte nehmen Sie Stellung.",
    ),
    (
        "ru",
        "other",
        "Жалоба туристов",
        "Туристы по заявке 33817 жалуются на шум и грязный номер. Просим дать объяснение и предложить компенсацию.",
    ),
    (
        "nl",
        "other",
        "Klacht over verblijf",
        "De gasten van boeking 8812 klagen over lawaai tijdens hun verblijf. Graag uw reactie.",
    ),
    # --- contracts, policies, offers -------------------------------------------------------
    (
        "en",
        "other",
        "Contract 2027 draft",
        "Attached is the draft contract for 2027 with allotments, release periods, stop sale and cancellation terms. Please review and send your comments.",
    ),
    (
        "en",
        "other",
        "Updated child policy",
        "Please note our updated child policy from 1 May: children under 6 stay free, 6-12 pay 50%. Existing bookings are not affected.",
    ),
    (
        "tr",
        "other",
        "2027 kontrat taslağı",
        "2027 yılı kontrat taslağı ektedir: kontenjanlar, opsiyon süreleri, stop sale ve iptal koşulları. İncelemenizi rica ederiz.",
    ),
    (
        "tr",
        "other",
        "Özel teklif: balayı paketi",
        "Balayı çiftlerine özel paketimiz: oda yükseltme, şampanya ve masaj. Rezervasyonlarınızda 'BALAYI' kodunu kullanabilirsiniz.",
    ),
    (
        "de",
        "other",
        "Neue Kinderermäßigung",
        "Ab dem 1. Mai gilt unsere neue Kinderermäßigung: Kinder bis 6 Jahre frei, 6-12 Jahre 50 %. Bestehende Buchungen sind nicht betroffen.",
    ),
    (
        "ru",
        "other",
        "Проект договора на 2027 год",
        "Во вложении проект договора на 2027 год: квоты, релиз, условия стоп-продаж и аннуляций. Просим ознакомиться.",
    ),
    (
        "pl",
        "other",
        "Oferta specjalna na wrzesień",
        "Przedstawiamy ofertę specjalną na wrzesień: 7 nocy w cenie 6. Rezerwacje przyjmujemy do końca czerwca.",
    ),
    (
        "it",
        "other",
        "Nuove condizioni per bambini",
        "Dal 1 maggio i bambini fino a 6 anni soggiornano gratis. Le prenotazioni già confermate non cambiano.",
    ),
    # --- campaigns and newsletters ---------------------------------------------------------
    (
        "en",
        "other",
        "Last-minute deals this week",
        "This week's last-minute deals: up to 40% off in Antalya and Bodrum. Book by Sunday. Manage your subscription or unsubscribe at any time.",
    ),
    (
        "en",
        "other",
        "Newsletter: what's new in our resorts",
        "In this issue: our new spa, the kids' club timetable and the early booking discount for 2027. Stop receiving these emails: click here.",
    ),
    (
        "de",
        "other",
        "Frühbucher-Rabatt 2027",
        "Jetzt buchen und bis zu 25 % sparen! Kostenlose Stornierung bis 30 Tage vor Anreise. Newsletter abbestellen.",
    ),
    (
        "ru",
        "other",
        "Раннее бронирование 2027",
        "Стартовала акция раннего бронирования на лето 2027: скидки до 30 %, бесплатная отмена. Отписаться от рассылки.",
    ),
    (
        "nl",
        "other",
        "Nieuwsbrief juni",
        "In deze nieuwsbrief: vroegboekkorting voor 2027, gratis annuleren tot 30 dagen voor vertrek. Afmelden voor deze nieuwsbrief.",
    ),
    (
        "fr",
        "other",
        "Offres de dernière minute",
        "Jusqu'à 40 % de réduction sur nos séjours de dernière minute. Réservez avant dimanche. Se désinscrire.",
    ),
    (
        "da",
        "other",
        "Nyhedsbrev: tidlig booking 2027",
        "Book nu og spar op til 25 % på sommeren 2027. Gratis afbestilling indtil 30 dage før ankomst. Afmeld nyhedsbrevet her.",
    ),
    (
        "no",
        "other",
        "Sommerkampanje",
        "Bestill sommerferien nå og få 20 % rabatt. Gratis avbestilling frem til 30 dager før avreise. Meld deg av nyhetsbrevet.",
    ),
    # --- account, system and trade notices --------------------------------------------------
    (
        "en",
        "other",
        "Your extranet account was locked",
        "Your account was locked after five failed sign-in attempts. To unlock it, open the link below and choose a new password.",
    ),
    (
        "en",
        "other",
        "New sign-in to your partner account",
        "We noticed a new sign-in to your partner account from Istanbul. If this was you, no action is needed. Bookings and stop sales can be managed as usual.",
    ),
    (
        "en",
        "other",
        "Planned maintenance of the booking engine",
        "On Saturday night from 01:00 to 03:00 the booking engine will be unavailable. New bookings, cancellations and changes made in that window may be delayed.",
    ),
    (
        "tr",
        "other",
        "Şifre sıfırlama",
        "Şifrenizi sıfırlamak için bir talep aldık. Yeni şifre belirlemek için aşağıdaki bağlantıyı açın. Bu talebi siz yapmadıysanız bu e-postayı dikkate almayın.",
    ),
    (
        "tr",
        "other",
        "Sistem bakım duyurusu",
        "Pazar gecesi 02:00-04:00 arasında rezervasyon sistemimiz bakımda olacaktır. Bu sürede rezervasyon, iptal ve değişiklik işlemleri yapılamaz.",
    ),
    (
        "de",
        "other",
        "Passwort zurücksetzen",
        "Wir haben eine Anfrage zum Zurücksetzen Ihres Passworts erhalten. Öffnen Sie den Link, um ein neues Passwort festzulegen.",
    ),
    (
        "ru",
        "other",
        "Технические работы",
        "В ночь на воскресенье с 02:00 до 04:00 система бронирования будет недоступна. Бронирования, аннуляции и изменения в это время не обрабатываются.",
    ),
    (
        "pl",
        "other",
        "Prace serwisowe",
        "W niedzielę w godz. 02:00-04:00 system rezerwacyjny będzie niedostępny. Rezerwacje, anulacje i zmiany będą możliwe po zakończeniu prac.",
    ),
    (
        "en",
        "other",
        "Visa requirements update",
        "Please inform your clients that from June travellers from some countries need an e-visa. Bookings already confirmed remain valid.",
    ),
    # --- reports, thanks and acknowledgements ----------------------------------------------
    (
        "en",
        "other",
        "Weekly production report",
        "Week 14: 128 new bookings, 17 cancellations, 9 amendments. Top hotel: Sunrise Palace. Full figures in the attached file.",
    ),
    (
        "en",
        "other",
        "Thanks for the confirmation",
        "Thank you, we received your confirmation for booking 77310 and forwarded it to the client. Have a nice day.",
    ),
    (
        "tr",
        "other",
        "Teşekkürler",
        "Onayınız için teşekkür ederiz, 66120 numaralı rezervasyonun voucher'ını müşteriye ilettik.",
    ),
    (
        "de",
        "other",
        "Danke für die Bestätigung",
        "Vielen Dank, die Bestätigung zur Buchung 6601 haben wir erhalten und an den Kunden weitergeleitet.",
    ),
    (
        "ru",
        "other",
        "Спасибо за подтверждение",
        "Спасибо, подтверждение по заявке 55210 получили и передали туристам.",
    ),
    (
        "uk",
        "other",
        "Дякуємо за підтвердження",
        "Дякуємо, підтвердження бронювання 3301 отримали та передали клієнту.",
    ),
    (
        "cs",
        "other",
        "Děkujeme za potvrzení",
        "Děkujeme, potvrzení rezervace 9921 jsme obdrželi a předali klientovi.",
    ),
    (
        "it",
        "other",
        "Grazie per la conferma",
        "Grazie, abbiamo ricevuto la conferma della prenotazione 7741 e l'abbiamo inoltrata al cliente.",
    ),
    (
        "ar",
        "other",
        "شكراً على التأكيد",
        "شكراً لكم، استلمنا تأكيد الحجز رقم 5512 وأرسلناه إلى العميل.",
    ),
    (
        "fa",
        "other",
        "سوال درباره قیمت",
        "سلام، لطفاً قیمت اتاق دو تخته برای مهر ماه را اعلام کنید. هنوز رزرو نمی‌کنیم و فقط قیمت می‌خواهیم.",
    ),
    (
        "sv",
        "other",
        "Tack för bekräftelsen",
        "Tack, vi har fått bekräftelsen för bokning 7721 och skickat den vidare till kunden.",
    ),
    (
        "fr",
        "other",
        "Merci pour la confirmation",
        "Merci, nous avons bien reçu la confirmation de la réservation 44-812 et l'avons transmise au client.",
    ),
]
