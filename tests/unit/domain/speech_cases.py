"""Public cases: what the new text does, however it is said — questions and conditionals,
negations, threads whose new text contradicts the subject and the quote (reply and forward
prefixes of many mail programs, some glued to the subject), footers full of action links,
compound words and inflected forms (German and Dutch compounds, Turkish suffixes, Slavic case
endings), and the source markets' further languages (Hebrew, Romanian, Greek, Bulgarian,
Serbian, Hungarian, Kazakh).

Each case: (language, label, subject, body).
"""

# ruff: noqa: E501 - the messages as they are

from __future__ import annotations

_EN = "\n\nOn Wed, 6 May 2026 at 11:40, Contracting <contracting@hotel.example> wrote:\n> "
_TR = "\n\n6 May 2026 Çar, 11:40 tarihinde Kontrat <kontrat@otel.example> şunu yazdı:\n> "
_DE = "\n\n-----Ursprüngliche Nachricht-----\nVon: Reservierung <res@hotel.example>\nGesendet: Mittwoch, 6. Mai 2026 11:40\n\n"
_RU = "\n\n-------- Пересылаемое сообщение --------\nОт: Отдел бронирования <res@hotel.example>\n\n"
_FOOTER = "\n\n--\nManage your booking: https://extranet.example/b/1\nCancel this booking: https://extranet.example/c/1\nChange dates: https://extranet.example/m/1\nStop-sale calendar: https://extranet.example/s\nYou receive this message because you are a registered partner."

CASES: list[tuple[str, str, str, str]] = [
    # --- questions: the words without the act ---------------------------------------------
    (
        "en",
        "other",
        "Stop sale in August?",
        "Hello, is there going to be a stop sale at your hotel in August? Our clients ask whether they should book now.",
    ),
    (
        "en",
        "other",
        "Can bookings still be cancelled free of charge?",
        "Dear team, until when can bookings for June be cancelled without fees? Thank you in advance.",
    ),
    (
        "tr",
        "other",
        "Stop sale olacak mı?",
        "İyi günler, temmuz sonunda satışları kapatmayı düşünüyor musunuz? Müşterilerimize bilgi vermek istiyoruz.",
    ),
    (
        "de",
        "other",
        "Gibt es Änderungen bei der Umbuchungsgebühr?",
        "Hallo, ändert sich die Umbuchungsgebühr in der neuen Saison? Können Sie uns das kurz mitteilen?",
    ),
    (
        "ru",
        "other",
        "Вопрос по аннуляции",
        "Подскажите, можно ли будет аннулировать заявки на июнь без штрафа, если рейс перенесут?",
    ),
    (
        "it",
        "other",
        "Chiusura vendite ad agosto?",
        "Buongiorno, pensate di chiudere le vendite ad agosto? I nostri clienti chiedono se prenotare subito.",
    ),
    # --- conditionals and negations ---------------------------------------------------------
    (
        "en",
        "booking",
        "Option booking - Hale x2",
        "Please hold 1 DBL for Mr and Mrs Hale, 22-29 June, AI, as an option. If you cannot confirm by Friday, please cancel the option automatically.",
    ),
    (
        "en",
        "booking",
        "Booking 44120 is NOT cancelled",
        "Please note: booking 44120 is not cancelled, the guests are travelling as planned. Please keep the reservation as confirmed.",
    ),
    (
        "en",
        "amendment",
        "Booking 66201 - postponed, not cancelled",
        "The Weber family will not cancel; they postpone their stay by one week: new dates 8-15 August instead of 1-8 August.",
    ),
    (
        "en",
        "other",
        "No stop sale planned",
        "Dear partners, we do not plan any stop sale this summer. Everything stays as in the contract.",
    ),
    (
        "tr",
        "booking",
        "Opsiyonlu rezervasyon",
        "1 adet standart oda 10-17 Temmuz için opsiyonlu rezervasyon rica ederiz. Cuma gününe kadar onaylanmazsa opsiyonu iptal ediniz.",
    ),
    (
        "de",
        "booking",
        "Optionsbuchung Familie Braun",
        "Bitte reservieren Sie ein DZ vom 03.07. bis 10.07. als Option für Familie Braun. Falls keine Bestätigung bis Freitag erfolgt, stornieren Sie die Option bitte.",
    ),
    (
        "ru",
        "booking",
        "Бронирование под опцию",
        "Просим забронировать номер DBL с 05.06 по 12.06 под опцию. Если не подтвердите до пятницы, заявку можно аннулировать.",
    ),
    # --- threads: the new text speaks --------------------------------------------------------
    (
        "en",
        "cancellation",
        "Re: New booking 88412",
        "Unfortunately the client has just called: please cancel this booking, he will not travel."
        + _EN
        + "Please book 1 DBL 12-19 July for Mr Kowalski.",
    ),
    (
        "en",
        "opensale",
        "RE:RE: Stop sale Deluxe",
        "Good news, the Deluxe rooms are open for sale again from tomorrow."
        + _EN
        + "Stop sale Deluxe rooms until further notice.",
    ),
    (
        "en",
        "amendment",
        "Fwd: Booking confirmation 3318",
        "Please change the arrival of the booking below to 12 July instead of 11 July, thank you."
        + _EN
        + "We confirm booking 3318 for Martin, arrival 11 July.",
    ),
    (
        "en",
        "other",
        "RE: Cancellation 7712",
        "Thank you, noted. Have a good week."
        + _EN
        + "Please cancel booking 7712, the client will not travel.",
    ),
    (
        "tr",
        "amendment",
        "YNT:Rezervasyon onayı 66120",
        "Merhaba, misafirimiz bir gün erken gelecek, giriş tarihini 13.06 olarak değiştirebilir misiniz? Teşekkürler."
        + _TR
        + "66120 numaralı rezervasyonunuz onaylanmıştır.",
    ),
    (
        "tr",
        "opensale",
        "İLT:Stop Sale",
        "Aşağıdaki stop sale kaldırılmıştır, tüm odalar tekrar satışa açıktır."
        + _TR
        + "Tüm odalar 01-15 Ağustos stop sale.",
    ),
    (
        "tr",
        "other",
        "YNT: İptal talebi",
        "Talebinizi aldık, teşekkür ederiz."
        + _TR
        + "88213 numaralı rezervasyonun iptalini rica ederiz.",
    ),
    (
        "de",
        "cancellation",
        "AW: Neue Buchung 7719",
        "Leider muss der Kunde die Reise absagen. Bitte stornieren Sie die Buchung."
        + _DE
        + "Bitte folgende Neubuchung erfassen: 2 Erw., DZ, 03.07.-10.07.",
    ),
    (
        "de",
        "opensale",
        "WG: Verkaufsstopp Juli",
        "Zur Info: der Verkaufsstopp unten ist aufgehoben, die Familienzimmer sind wieder buchbar."
        + _DE
        + "Verkaufsstopp für Familienzimmer 10.07.-24.07.",
    ),
    (
        "ru",
        "cancellation",
        "Fwd: Новое бронирование 4521",
        "Туристы отказались, просим аннулировать бронирование ниже."
        + _RU
        + "Новое бронирование: DBL, 05.06-12.06, Иванов.",
    ),
    (
        "pl",
        "amendment",
        "Odp: Potwierdzenie rezerwacji 5531",
        "Prosimy o zmianę daty przyjazdu na 04.08, reszta bez zmian.\n\nW dniu 06.05.2026 Hotel napisał:\n> Potwierdzamy rezerwację dla p. Nowak, przyjazd 03.08.",
    ),
    (
        "nl",
        "cancellation",
        "Antw: Boeking 8812",
        "Helaas moeten wij deze boeking annuleren, de klant is ziek.\n\nOp 6 mei 2026 schreef Hotel Duinzicht:\n> Wij bevestigen uw boeking 8812.",
    ),
    (
        "fr",
        "opensale",
        "TR: Arrêt des ventes",
        "Pour information : l'arrêt des ventes ci-dessous est levé, les chambres sont de nouveau en vente.\n\n-------- Message transféré --------\nArrêt des ventes du 01/08 au 15/08.",
    ),
    (
        "it",
        "cancellation",
        "R: Conferma prenotazione 7741",
        "Purtroppo il cliente ha rinunciato, vi preghiamo di annullare la prenotazione.\n\nIl 06/05/2026 Hotel Miramare ha scritto:\n> Confermiamo la prenotazione 7741.",
    ),
    (
        "sv",
        "cancellation",
        "SV: Bokningsbekräftelse 7721",
        "Tyvärr måste vi avboka, gästen kan inte resa.\n\nDen 6 maj 2026 skrev Hotell Solsidan:\n> Vi bekräftar bokning 7721.",
    ),
    # --- footers full of action links --------------------------------------------------------
    (
        "en",
        "booking",
        "Your booking is confirmed - 88-4410",
        "Thank you! Your booking 88-4410 at Harbour View Hotel is confirmed.\nArrival 3 June 2026, 4 nights, Double Room."
        + _FOOTER,
    ),
    (
        "en",
        "other",
        "Your invoice is ready",
        "Your monthly invoice is available in the extranet. Amount: EUR 1,240.00." + _FOOTER,
    ),
    (
        "en",
        "stopsale",
        "Stop sale - Harbour View Hotel",
        "Please stop selling all Double Rooms at Harbour View Hotel from 10 to 14 June, we are overbooked."
        + _FOOTER,
    ),
    # --- compounds and inflections ----------------------------------------------------------
    (
        "de",
        "cancellation",
        "Stornierungsanfrage Buchungsnummer 3321",
        "Wir bitten um kostenfreie Stornierung der Reservierung 3321, der Gast ist erkrankt.",
    ),
    (
        "de",
        "stopsale",
        "Kontingentsperre Familienzimmer",
        "Für die Familienzimmer gilt vom 01.08. bis 10.08. eine Kontingentsperre. Bitte keine Buchungen mehr annehmen.",
    ),
    (
        "de",
        "amendment",
        "Änderungsmitteilung zur Reservierung 5512",
        "Bitte beachten Sie die Namensänderung: statt Herrn Müller reist Herr Möller. Alles andere bleibt.",
    ),
    (
        "de",
        "booking",
        "Gruppenreservierungsanfrage",
        "Bitte reservieren Sie für unsere Gruppe 12 Doppelzimmer vom 15.09. bis 22.09. mit Halbpension.",
    ),
    (
        "nl",
        "stopsale",
        "Kamerverkoopstop augustus",
        "Voor alle tweepersoonskamers geldt van 1 tot en met 10 augustus een verkoopstop.",
    ),
    (
        "nl",
        "amendment",
        "Wijzigingsverzoek boeking 2231",
        "Graag de vertrekdatum van boeking 2231 wijzigen naar 19 juli.",
    ),
    (
        "tr",
        "cancellation",
        "Rezervasyon iptali hk.",
        "88213 no'lu rezervasyonunuz misafirin talebi üzerine iptal edilmiştir. Bilgilerinize sunarız.",
    ),
    (
        "tr",
        "stopsale",
        "Satış durdurma bildirimi",
        "Otelimizin deniz manzaralı odaları 12-20 Temmuz tarihleri arasında satışa kapatılmıştır.",
    ),
    (
        "tr",
        "amendment",
        "Rezervasyonda değişiklik",
        "Rezervasyonumuzdaki misafir isminin Ali Yılmaz olarak düzeltilmesini, tarihlerin ise aynı kalmasını rica ederiz.",
    ),
    (
        "ru",
        "cancellation",
        "Об аннулировании брони",
        "Сообщаем об аннулировании бронирования № 3321 по просьбе туриста.",
    ),
    (
        "pl",
        "cancellation",
        "Rezygnacja z rezerwacji",
        "Informujemy o rezygnacji z rezerwacji nr 4412, klient zachorował.",
    ),
    (
        "uk",
        "stopsale",
        "Зупинка продажів",
        "Повідомляємо про зупинку продажів номерів категорії Family з 01.08 по 10.08.",
    ),
    (
        "cs",
        "cancellation",
        "Stornování rezervace 5512",
        "Prosíme o stornování rezervace 5512, klient onemocněl.",
    ),
    # --- Hebrew ------------------------------------------------------------------------------
    (
        "he",
        "booking",
        "בקשת הזמנה לקבוצה",
        "שלום רב, אנא הזמינו עבורנו 5 חדרים זוגיים מ-3 עד 8 בספטמבר, חצי פנסיון.",
    ),
    (
        "he",
        "cancellation",
        "ביטול הזמנה",
        "אנו מבקשים לבטל את ההזמנה של משפחת כהן, הם לא יוכלו להגיע.",
    ),
    (
        "he",
        "amendment",
        "שינוי הזמנה 4412",
        "נא לשנות את תאריך ההגעה בהזמנה 4412 ל-12 ביולי במקום 11 ביולי.",
    ),
    (
        "he",
        "stopsale",
        "הפסקת מכירות",
        "נא להפסיק את המכירות לחדרים המשפחתיים מ-1 עד 10 באוגוסט.",
    ),
    (
        "he",
        "opensale",
        "פתיחת מכירות מחדש",
        "המכירות לחדרים המשפחתיים נפתחו מחדש החל מ-11 באוגוסט.",
    ),
    (
        "he",
        "other",
        "חשבונית לחודש אפריל",
        "מצורפת החשבונית לחודש אפריל עבור 12 הזמנות. נא לשלם תוך 30 יום.",
    ),
    # --- Romanian ----------------------------------------------------------------------------
    (
        "ro",
        "booking",
        "Cerere de rezervare",
        "Bună ziua, vă rugăm să ne rezervați 2 camere duble în perioada 5-12 august, demipensiune.",
    ),
    (
        "ro",
        "cancellation",
        "Anularea rezervării 7731",
        "Vă rugăm să anulați rezervarea nr. 7731, clienții nu mai pot călători.",
    ),
    (
        "ro",
        "amendment",
        "Modificarea rezervării 4410",
        "Vă rugăm să modificați numele turistului în rezervarea 4410: Popescu Ana în loc de Popescu Ioana.",
    ),
    (
        "ro",
        "stopsale",
        "Stop vânzări august",
        "Vă anunțăm oprirea vânzărilor pentru camerele cu vedere la mare între 1 și 15 august.",
    ),
    (
        "ro",
        "opensale",
        "Redeschiderea vânzărilor",
        "Vânzările pentru camerele family sunt din nou deschise începând cu 16 august.",
    ),
    (
        "ro",
        "other",
        "Factura pentru aprilie",
        "Vă transmitem atașat factura pentru luna aprilie (12 rezervări). Termen de plată 30 de zile.",
    ),
    # --- Greek / Bulgarian / Serbian / Hungarian / Kazakh ------------------------------------
    (
        "el",
        "booking",
        "Αίτημα κράτησης",
        "Καλημέρα, παρακαλούμε να κάνετε κράτηση για ένα δίκλινο δωμάτιο από 5 έως 12 Αυγούστου.",
    ),
    (
        "el",
        "cancellation",
        "Ακύρωση κράτησης",
        "Παρακαλούμε να ακυρώσετε την κράτηση 4410, οι πελάτες δεν θα ταξιδέψουν.",
    ),
    (
        "el",
        "stopsale",
        "Διακοπή πωλήσεων",
        "Σας ενημερώνουμε για διακοπή πωλήσεων για όλα τα δωμάτια από 1 έως 15 Αυγούστου.",
    ),
    (
        "bg",
        "booking",
        "Заявка за резервация",
        "Здравейте, моля направете резервация за две двойни стаи от 5 до 12 август.",
    ),
    (
        "bg",
        "cancellation",
        "Анулиране на резервация 4410",
        "Моля, анулирайте резервация 4410, клиентите няма да пътуват.",
    ),
    (
        "sr",
        "booking",
        "Nova rezervacija",
        "Poštovani, molimo vas da rezervišete dvokrevetnu sobu od 5. do 12. avgusta za dve osobe.",
    ),
    (
        "sr",
        "stopsale",
        "Obustava prodaje",
        "Obaveštavamo vas o obustavi prodaje svih soba od 1. do 15. avgusta.",
    ),
    (
        "hu",
        "stopsale",
        "Értékesítés leállítása",
        "Tájékoztatjuk, hogy augusztus 1. és 15. között minden szoba értékesítését leállítjuk.",
    ),
    (
        "hu",
        "amendment",
        "Foglalás módosítása 4410",
        "Kérjük, módosítsák a 4410 számú foglalás érkezési dátumát július 12-re.",
    ),
    (
        "kk",
        "cancellation",
        "Брондауды болдырмау",
        "4410 брондауын болдырмауды сұраймыз, туристер сапарға шықпайды.",
    ),
    (
        "kk",
        "stopsale",
        "Сатуды тоқтату",
        "1-15 тамыз аралығында барлық бөлмелерді сатуды тоқтататынымызды хабарлаймыз.",
    ),
    (
        "bg",
        "opensale",
        "Възобновяване на продажбите",
        "Продажбите на семейните стаи са възобновени от 16 август.",
    ),
    (
        "bg",
        "amendment",
        "Промяна на резервация 5520",
        "Моля, променете датата на пристигане в резервация 5520 на 14 юли.",
    ),
    (
        "sr",
        "amendment",
        "Izmena rezervacije 3318",
        "Molimo vas da izmenite datum dolaska za rezervaciju 3318 na 14. jul.",
    ),
    (
        "sr",
        "cancellation",
        "Storniranje rezervacije 7712",
        "Molimo vas da stornirate rezervaciju 7712, klijent je bolestan.",
    ),
    (
        "hu",
        "booking",
        "Foglalási kérés",
        "Kérjük, foglaljanak két kétágyas szobát augusztus 5. és 12. között félpanzióval.",
    ),
    (
        "hu",
        "opensale",
        "Értékesítés újraindítása",
        "Értesítjük, hogy a családi szobák értékesítése augusztus 16-tól újra megnyílt.",
    ),
    (
        "kk",
        "booking",
        "Брондауға өтінім",
        "Сәлеметсіз бе, 5-12 тамыз аралығына екі екі орындық бөлме брондап беруіңізді сұраймыз.",
    ),
    (
        "kk",
        "amendment",
        "Брондауды өзгерту",
        "5520 брондауындағы келу күнін 14 шілдеге өзгертуіңізді сұраймыз.",
    ),
    (
        "el",
        "opensale",
        "Επαναλειτουργία πωλήσεων",
        "Οι πωλήσεις για τα οικογενειακά δωμάτια άνοιξαν ξανά από 16 Αυγούστου.",
    ),
    (
        "el",
        "amendment",
        "Αλλαγή κράτησης 3318",
        "Παρακαλούμε αλλάξτε την ημερομηνία άφιξης της κράτησης 3318 σε 12 Ιουλίου.",
    ),
]
