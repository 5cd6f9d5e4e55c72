"""Public cases: machine notifications — what channel managers, extranets, bed banks and
property systems send by themselves. Key-value lines, status words in capitals, restriction
codes (stop sell, close out, CTA / CTD, allotment 0, release period) and booking statuses
(NEW / MODIFIED / CANCELLED), in English and in the languages such systems are set to.

Labels as an agency acts on them: a restriction that closes selling (stop sell ON, close out,
availability closed, allotment 0, closed to arrival) is a stop sale and its removal an open
sale; a rate, minimum stay or release period change sells nothing more or less: other.

Each case: (language, label, subject, body).
"""

# ruff: noqa: E501 - the messages as they are

from __future__ import annotations

CASES: list[tuple[str, str, str, str]] = [
    # --- restrictions that close or open selling ------------------------------------------
    (
        "en",
        "stopsale",
        "Restriction update: Blue Lagoon Resort",
        "Hotel: Blue Lagoon Resort\nRoom type: Deluxe Sea View\nPeriod: 2026-06-01 - 2026-06-07\nStop sell: ON\nUpdated by: revenue@bluelagoon.example",
    ),
    (
        "en",
        "opensale",
        "Restriction update: Blue Lagoon Resort",
        "Hotel: Blue Lagoon Resort\nRoom type: Deluxe Sea View\nPeriod: 2026-06-01 - 2026-06-07\nStop sell: OFF\nUpdated by: revenue@bluelagoon.example",
    ),
    (
        "en",
        "stopsale",
        "[CM] Stop-sell applied",
        "The following stop-sell has been applied to all connected channels.\nProperty code: ANT0412\nRoom: FAM\nFrom 12/07/2026 to 19/07/2026",
    ),
    (
        "en",
        "opensale",
        "[CM] Stop-sell removed",
        "The stop-sell below has been removed from all connected channels.\nProperty code: ANT0412\nRoom: FAM\nFrom 12/07/2026 to 19/07/2026",
    ),
    (
        "en",
        "stopsale",
        "Close-out: Sunrise Palace, 14-16 Aug",
        "Close-out loaded for Sunrise Palace.\nAll room types, all boards.\nDates: 14.08.2026 - 16.08.2026\nReason: hotel fully booked",
    ),
    (
        "en",
        "opensale",
        "Close-out cancelled: Sunrise Palace",
        "The close-out for Sunrise Palace (14.08.2026 - 16.08.2026) has been withdrawn. Rooms can be sold again.",
    ),
    (
        "en",
        "stopsale",
        "Inventory alert: availability 0",
        "Automatic alert\nRoom type: Standard Twin\nDate range: 2026-09-02 to 2026-09-05\nAvailable units: 0\nThe room type is closed on all channels for these dates.",
    ),
    (
        "en",
        "opensale",
        "Inventory alert: availability restored",
        "Automatic alert\nRoom type: Standard Twin\nDate range: 2026-09-02 to 2026-09-05\nAvailable units: 4\nThe room type is open again on all channels.",
    ),
    (
        "en",
        "stopsale",
        "Allotment update - ALLOTMENT 0",
        "Contract: SUMMER26-TO\nRoom: DBL GV\n01.07.2026-10.07.2026 allotment set to 0 (closed).\nPlease stop selling this room for the period.",
    ),
    (
        "en",
        "stopsale",
        "Restriction: closed to arrival",
        "Restriction type: CTA (closed to arrival)\nStatus: ON\nRoom: Junior Suite\nArrival dates: 2026-07-18, 2026-07-25\nNo new stays may start on these dates.",
    ),
    (
        "en",
        "opensale",
        "Restriction: closed to arrival lifted",
        "Restriction type: CTA (closed to arrival)\nStatus: OFF\nRoom: Junior Suite\nArrival dates: 2026-07-18, 2026-07-25\nArrivals are accepted again.",
    ),
    (
        "en",
        "stopsale",
        "Availability closed - Villa Olive",
        "Availability for Villa Olive has been closed.\nDates: 20 Jun 2026 - 27 Jun 2026\nClosed by: owner\nThis message was generated automatically.",
    ),
    (
        "en",
        "opensale",
        "Availability opened - Villa Olive",
        "Availability for Villa Olive has been opened.\nDates: 20 Jun 2026 - 27 Jun 2026\nOpened by: owner\nThis message was generated automatically.",
    ),
    (
        "en",
        "stopsale",
        "Extranet: room closed for sale",
        "Your room 'Superior Double' is now CLOSED for sale from 2026-10-03 until 2026-10-09 on all rate plans.",
    ),
    (
        "en",
        "opensale",
        "Extranet: room open for sale",
        "Your room 'Superior Double' is now OPEN for sale from 2026-10-03 until 2026-10-09 on all rate plans.",
    ),
    (
        "en",
        "stopsale",
        "Stop sale notification #SS-20931",
        "STOP SALE\nHotel: Aqua Marine 5*\nRooms: ALL\nValid: 05.08.2026 - 12.08.2026\nEntered by: contracting department\nPlease do not confirm any new bookings for these dates.",
    ),
    (
        "en",
        "opensale",
        "Release of stop sale #SS-20931",
        "STOP SALE RELEASED\nHotel: Aqua Marine 5*\nRooms: ALL\nValid: 05.08.2026 - 12.08.2026\nBookings may be confirmed again.",
    ),
    (
        "en",
        "stopsale",
        "Rate plan closed",
        "Rate plan NRF-BB has been closed for 2026-11-20 to 2026-11-30 at Harbour View Hotel. No sales are possible on this rate.",
    ),
    (
        "en",
        "stopsale",
        "Sold out: City Inn Taksim",
        "City Inn Taksim is sold out on 2026-04-23 and 2026-04-24. All channels have been closed for these nights.",
    ),
    # --- restrictions that change terms, not selling --------------------------------------
    (
        "en",
        "other",
        "Restriction update: minimum stay",
        "Hotel: Blue Lagoon Resort\nRoom type: Deluxe Sea View\nPeriod: 2026-06-01 - 2026-06-30\nMinimum stay: 5 nights (was 3)",
    ),
    (
        "en",
        "other",
        "Release period changed",
        "Contract SUMMER26-TO: the release period for all rooms changes from 14 to 21 days as of 1 May 2026.",
    ),
    (
        "en",
        "other",
        "Rates loaded successfully",
        "Your rate upload has been processed.\nRate plan: BAR\nPeriod: 2026-05-01 to 2026-05-31\nRooms updated: 6\nErrors: 0",
    ),
    (
        "en",
        "other",
        "Channel connection error",
        "We could not deliver the last availability update to Channel 12 (timeout). We will retry automatically. No action is needed unless this repeats.",
    ),
    (
        "en",
        "other",
        "Daily pickup report 2026-03-14",
        "Pickup report\nNew bookings: 14\nCancellations: 3\nModifications: 2\nOccupancy next 30 days: 71%\nThis report is sent every day at 06:00.",
    ),
    (
        "en",
        "other",
        "Mapping request received",
        "We received your request to map room 'DBL-SV' to the channel's 'Double Sea View'. The mapping will be active within 24 hours.",
    ),
    # --- booking statuses ------------------------------------------------------------------
    (
        "en",
        "booking",
        "New reservation 3318-2291",
        "Channel: Booking engine\nStatus: NEW\nReservation: 3318-2291\nGuest: Lindqvist, Anna\nArrival: 2026-08-11 Departure: 2026-08-18\nRoom: Family Room, AI\nAmount: 2,140.00 EUR",
    ),
    (
        "en",
        "cancellation",
        "Cancelled reservation 3318-2291",
        "Channel: Booking engine\nStatus: CANCELLED\nReservation: 3318-2291\nGuest: Lindqvist, Anna\nArrival: 2026-08-11\nCancellation reference: C-55120",
    ),
    (
        "en",
        "amendment",
        "Modified reservation 3318-2291",
        "Channel: Booking engine\nStatus: MODIFIED\nReservation: 3318-2291\nChanges: departure 2026-08-18 -> 2026-08-20; room Family Room -> Family Suite",
    ),
    (
        "en",
        "booking",
        "Booking received - ref BB-7730012",
        "Bed bank booking\nReference: BB-7730012\nHotel: Olive Garden Hotel\nCheck in: 03/06/2026\nCheck out: 07/06/2026\nPax: 2 adults\nBoard: BB\nStatus: CONFIRMED",
    ),
    (
        "en",
        "cancellation",
        "Booking cancelled - ref BB-7730012",
        "Bed bank booking\nReference: BB-7730012\nHotel: Olive Garden Hotel\nCheck in: 03/06/2026\nStatus: CANCELLED BY CLIENT\nCharges: none",
    ),
    (
        "en",
        "amendment",
        "Booking amended - ref BB-7730012",
        "Bed bank booking\nReference: BB-7730012\nHotel: Olive Garden Hotel\nAmended fields: guest name (Mr J Rossi), board BB -> HB\nStatus: CONFIRMED",
    ),
    (
        "en",
        "booking",
        "Instant booking: Apartment Sea Breeze",
        "You've got a new instant booking!\nListing: Apartment Sea Breeze\nDates: Jul 2 - Jul 9, 2026\nGuests: 3\nPayout: 980.00 EUR",
    ),
    (
        "en",
        "cancellation",
        "Reservation cancelled by guest",
        "Listing: Apartment Sea Breeze\nDates: Jul 2 - Jul 9, 2026\nThe guest has cancelled this reservation. Your calendar has been updated.",
    ),
    (
        "en",
        "cancellation",
        "No-show reported: 5510-88",
        "The property marked reservation 5510-88 (arrival 2026-04-02) as a no-show. The reservation is now cancelled.",
    ),
    (
        "en",
        "booking",
        "Request to book - reply within 24 hours",
        "A guest has requested to book Villa Olive for 12-19 Sep 2026 (4 guests). Accept or decline within 24 hours, otherwise the request expires.",
    ),
    # --- Turkish ----------------------------------------------------------------------------
    (
        "tr",
        "stopsale",
        "Kısıtlama güncellemesi: Deniz Yıldızı Otel",
        "Otel: Deniz Yıldızı Otel\nOda tipi: Standart Oda\nTarih: 01.07.2026 - 08.07.2026\nSatış durumu: KAPALI\nGüncelleyen: rezervasyon departmanı",
    ),
    (
        "tr",
        "opensale",
        "Kısıtlama güncellemesi: Deniz Yıldızı Otel",
        "Otel: Deniz Yıldızı Otel\nOda tipi: Standart Oda\nTarih: 01.07.2026 - 08.07.2026\nSatış durumu: AÇIK\nGüncelleyen: rezervasyon departmanı",
    ),
    (
        "tr",
        "stopsale",
        "Kontenjan sıfırlandı",
        "Otomatik bildirim: Aile Odası için 10.08.2026-17.08.2026 arası kontenjan 0 olarak güncellenmiştir. Bu tarihlerde satış yapılamaz.",
    ),
    (
        "tr",
        "booking",
        "Yeni rezervasyon bildirimi - 66120",
        "Kanal: Online acente\nDurum: YENİ\nRezervasyon no: 66120\nMisafir: Kaya, Emre\nGiriş: 14.06.2026 Çıkış: 21.06.2026\nOda: Deluxe, Her şey dahil",
    ),
    (
        "tr",
        "cancellation",
        "Rezervasyon iptal bildirimi - 66120",
        "Kanal: Online acente\nDurum: İPTAL\nRezervasyon no: 66120\nMisafir: Kaya, Emre\nGiriş: 14.06.2026",
    ),
    (
        "tr",
        "amendment",
        "Rezervasyon değişiklik bildirimi - 66120",
        "Kanal: Online acente\nDurum: DEĞİŞTİRİLDİ\nRezervasyon no: 66120\nDeğişen: çıkış tarihi 21.06.2026 -> 23.06.2026",
    ),
    (
        "tr",
        "other",
        "Fiyat yükleme sonucu",
        "Fiyat yüklemeniz başarıyla tamamlandı. Dönem: 01.05.2026-31.05.2026, güncellenen oda sayısı: 5, hata: 0.",
    ),
    # --- German ----------------------------------------------------------------------------
    (
        "de",
        "stopsale",
        "Verfügbarkeit geschlossen",
        "Automatische Benachrichtigung\nObjekt: Hotel Alpenblick\nZimmer: Doppelzimmer Komfort\nZeitraum: 05.09.2026 - 12.09.2026\nStatus: geschlossen",
    ),
    (
        "de",
        "opensale",
        "Verfügbarkeit geöffnet",
        "Automatische Benachrichtigung\nObjekt: Hotel Alpenblick\nZimmer: Doppelzimmer Komfort\nZeitraum: 05.09.2026 - 12.09.2026\nStatus: geöffnet",
    ),
    (
        "de",
        "booking",
        "Neue Buchung eingegangen: 20-44812",
        "Buchungsnummer: 20-44812\nStatus: NEU\nGast: Hofmann, Petra\nAnreise: 02.08.2026 Abreise: 09.08.2026\nZimmer: Familienzimmer, HP",
    ),
    (
        "de",
        "cancellation",
        "Buchung storniert: 20-44812",
        "Buchungsnummer: 20-44812\nStatus: STORNIERT\nGast: Hofmann, Petra\nAnreise: 02.08.2026\nStornogebühr: 0,00 EUR",
    ),
    (
        "de",
        "amendment",
        "Buchung geändert: 20-44812",
        "Buchungsnummer: 20-44812\nStatus: GEÄNDERT\nÄnderung: Abreise 09.08.2026 -> 11.08.2026",
    ),
    (
        "de",
        "other",
        "Mindestaufenthalt aktualisiert",
        "Objekt: Hotel Alpenblick\nZeitraum: 01.07.2026 - 31.08.2026\nMindestaufenthalt: 7 Nächte\nDiese Nachricht wurde automatisch erstellt.",
    ),
    # --- Russian / Polish / Dutch / Italian / French / Spanish-free others ---------------
    (
        "ru",
        "stopsale",
        "Обновление ограничений",
        "Отель: Гранд Бич\nКатегория: Standard\nПериод: 01.08.2026 - 10.08.2026\nПродажа: ЗАКРЫТА\nСообщение сформировано автоматически.",
    ),
    (
        "ru",
        "opensale",
        "Обновление ограничений",
        "Отель: Гранд Бич\nКатегория: Standard\nПериод: 01.08.2026 - 10.08.2026\nПродажа: ОТКРЫТА\nСообщение сформировано автоматически.",
    ),
    (
        "ru",
        "booking",
        "Новая заявка 118-3321",
        "Статус: НОВАЯ\nЗаявка: 118-3321\nТуристы: Смирнов А., Смирнова Е.\nЗаезд: 07.07.2026, 7 ночей\nНомер: DBL, AI",
    ),
    (
        "ru",
        "cancellation",
        "Заявка 118-3321 аннулирована",
        "Статус: АННУЛИРОВАНА\nЗаявка: 118-3321\nЗаезд: 07.07.2026\nШтраф: нет",
    ),
    (
        "pl",
        "stopsale",
        "Aktualizacja dostępności",
        "Obiekt: Hotel Bursztyn\nPokój: Dwuosobowy\nOkres: 2026-07-01 - 2026-07-05\nSprzedaż: ZAMKNIĘTA\nWiadomość wygenerowana automatycznie.",
    ),
    (
        "pl",
        "booking",
        "Nowa rezerwacja online 55-120",
        "Status: NOWA\nNumer: 55-120\nGość: Wiśniewski, Piotr\nPrzyjazd: 2026-06-12, wyjazd: 2026-06-15",
    ),
    (
        "nl",
        "stopsale",
        "Beschikbaarheid gesloten",
        "Automatisch bericht\nAccommodatie: Hotel Duinzicht\nKamertype: Tweepersoonskamer\nPeriode: 10-07-2026 t/m 14-07-2026\nStatus: gesloten voor verkoop",
    ),
    (
        "nl",
        "cancellation",
        "Reservering geannuleerd: 88-2213",
        "Status: GEANNULEERD\nReservering: 88-2213\nGast: de Vries, Jan\nAankomst: 03-08-2026",
    ),
    (
        "it",
        "stopsale",
        "Disponibilità chiusa",
        "Notifica automatica\nStruttura: Hotel Miramare\nCamera: Doppia Superior\nPeriodo: 01/08/2026 - 08/08/2026\nStato: CHIUSA alla vendita",
    ),
    (
        "it",
        "booking",
        "Nuova prenotazione ricevuta 7741",
        "Stato: NUOVA\nPrenotazione: 7741\nOspite: Bianchi, Laura\nArrivo: 12/06/2026 Partenza: 15/06/2026",
    ),
    (
        "fr",
        "opensale",
        "Disponibilité rouverte",
        "Notification automatique\nÉtablissement : Hôtel de la Plage\nChambre : Double Confort\nPériode : 01/07/2026 - 05/07/2026\nStatut : ouverte à la vente",
    ),
    (
        "fr",
        "cancellation",
        "Réservation annulée n° 44-812",
        "Statut : ANNULÉE\nRéservation : 44-812\nClient : Martin, Claire\nArrivée : 20/07/2026",
    ),
    (
        "cs",
        "stopsale",
        "Uzavření prodeje",
        "Automatické oznámení\nHotel: Panorama\nPokoj: Dvoulůžkový\nObdobí: 01.08.2026 - 07.08.2026\nProdej: UZAVŘEN",
    ),
    (
        "uk",
        "booking",
        "Нове бронювання 3301",
        "Статус: НОВЕ\nБронювання: 3301\nГість: Шевченко О.\nЗаїзд: 10.07.2026, 5 ночей",
    ),
    (
        "sv",
        "cancellation",
        "Bokning avbokad 7721",
        "Status: AVBOKAD\nBokning: 7721\nGäst: Nilsson, Erik\nAnkomst: 2026-07-04",
    ),
    (
        "ar",
        "booking",
        "حجز جديد رقم 5512",
        "الحالة: جديد\nرقم الحجز: 5512\nالضيف: أحمد علي\nالوصول: 2026-07-10\nالمغادرة: 2026-07-15",
    ),
]
