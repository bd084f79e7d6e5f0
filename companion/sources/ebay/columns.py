"""The Transaction report's columns under the names eBay's Seller Hub exports them, and how its cells read.

English (US: "Final Value Fee - fixed", "Shipping and handling", "Ship to …"; UK: "Final value fee – fixed" with
an en dash, "Postage and packaging", "Post to …") and German ("Datum der Transaktionserstellung", "Betrag
abzügl. Kosten", semicolon-separated with decimal commas). Each name here was found in a real export's header
(docs/sources.md (ebay) says where); a column with no German name found stays English only.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from companion.ledger.money import ZERO
from companion.sources import cells
from companion.sources.headers import Columns, Located, norm
from companion.sources.model import SourceError

SPEC: dict[str, tuple[str, ...]] = {
    "created": ("Transaction creation date", "Datum der Transaktionserstellung"),
    "type": ("Type", "Typ"),
    "order_no": ("Order number", "Bestellnummer"),
    "legacy_order": ("Legacy order ID", "Alte Bestellnummer"),
    "buyer_username": ("Buyer username", "Nutzername des Käufers"),
    "buyer_name": ("Buyer name", "Name des Käufers"),
    "ship_city": ("Ship to city", "Post to city"),
    "ship_region": ("Ship to province/region/state", "Post to province/region/state"),
    "ship_zip": ("Ship to zip", "Post to postcode"),
    "ship_country": ("Ship to country", "Post to country", "Versandziel - Land"),
    "net": ("Net amount", "Betrag abzügl. Kosten"),
    "payout_currency": ("Payout currency", "Auszahlungswährung"),
    "payout_date": ("Payout date", "Auszahlungsdatum"),
    "payout_id": ("Payout ID", "Auszahlung Nr."),
    "payout_method": ("Payout method",),
    "payout_status": ("Payout status",),
    "hold_reason": ("Reason for hold",),
    "item_id": ("Item ID", "Artikelnummer"),
    "transaction_id": ("Transaction ID", "Transaktionsnummer"),
    "item_title": ("Item title", "Angebotstitel"),
    "custom_label": ("Custom label", "Bestandseinheit"),
    "quantity": ("Quantity",),
    "item_subtotal": ("Item subtotal", "Zwischensumme Artikel"),
    "shipping": ("Shipping and handling", "Postage and packaging", "Verpackung und Versand"),
    "seller_tax": ("Seller collected tax",),
    "ebay_tax": ("eBay collected tax", "Von eBay eingezogene Steuer"),
    "seller_vat_rate": ("Seller specified VAT rate", "Vom Verkäufer angegebener MwSt.-Satz"),
    "fvf_fixed": ("Final Value Fee - fixed", "Final value fee – fixed", "Fixer Anteil der Verkaufsprovision"),
    "fvf_variable": ("Final Value Fee - variable", "Final value fee – variable",
                     "Variabler Anteil der Verkaufsprovision"),
    "regulatory_fee": ("Regulatory operating fee",),
    "inad_fee": ('Very high "item not as described" fee', "Very high 'item not as described' fee",
                 "Gebühr für sehr hohe Quote an „nicht wie beschriebenen Artikeln“"),
    "below_standard_fee": ("Below standard performance fee", "Gebühr für unterdurchschnittlichen Servicestatus"),
    "international_fee": ("International fee", "Internationale Gebühr"),
    "charity": ("Charity donation",),
    "deposit_fee": ("Deposit processing fee",),
    "gross": ("Gross transaction amount", "Transaktionsbetrag (inkl. Kosten)"),
    "transaction_currency": ("Transaction currency", "Transaktionswährung"),
    "exchange_rate": ("Exchange rate",),
    "reference_id": ("Reference ID", "Referenznummer"),
    "description": ("Description", "Beschreibung"),
}
# The header row of a Transaction report: its date, its type and both amounts (a Seller Hub Orders report has
# "Order number" and fee columns too, but no Type and no Net amount).
COLUMNS = Columns(SPEC, required=("created", "type", "net", "gross"))
DEFAULT_NAMES = {canonical: names[0] for canonical, names in SPEC.items()}
MONEY = ("net", "item_subtotal", "shipping", "seller_tax", "ebay_tax", "fvf_fixed", "fvf_variable", "regulatory_fee",
         "inad_fee", "below_standard_fee", "international_fee", "charity", "deposit_fee", "gross")
TEXT = ("legacy_order", "buyer_username", "ship_city", "ship_region", "ship_country", "payout_method",
        "payout_status", "hold_reason", "seller_vat_rate", "reference_id", "description", "exchange_rate",
        "transaction_currency", "payout_currency")
EMPTY = "--"  # eBay's empty cell

# The zone a file's days are in when the store has none yet: the seller chooses it; seed 002 asks for North
# American time, a UK seller's file is in UK time, a German seller's in German time.
ZONES = {"us": "America/Los_Angeles", "uk": "Europe/London", "de": "Europe/Berlin"}
_UK_MARKS = frozenset(norm(h) for h in ("Final value fee – fixed", "Final value fee – variable",
                                        "Postage and packaging", "Post to city", "Post to country"))


def variant(located: Located) -> str:
    """us | uk | de: the export's language variant, from how its header row writes its columns."""
    if norm(located.headers[located.index["net"]]) == norm("Betrag abzügl. Kosten"):
        return "de"
    if any(norm(h) in _UK_MARKS for h in located.headers):
        return "uk"
    return "us"


def blank(cell: object) -> bool:
    return cells.blank(cell) or (isinstance(cell, str) and cell.strip() == EMPTY)


def text(cell: object) -> str:
    return "" if blank(cell) else str(cell).strip()


_GERMAN = re.compile(r"^[-+]?[\d.]*\d,\d+$|^[-+]?\d{1,3}(\.\d{3})+$")


def german_amount(cell: object) -> object:
    """A German export writes 1.234,56: the same amount as 1234.56 (a plain reading would drop the comma)."""
    if isinstance(cell, str):
        raw = cell.strip().replace("\u00a0", "").replace(" ", "").removesuffix("€").removesuffix("EUR")
        if _GERMAN.match(raw):
            return raw.replace(".", "").replace(",", ".")
    return cell


def amount(cell: object) -> Decimal:
    return ZERO if blank(cell) else cells.money(cell)


_DAY_FORMATS = ("%b %d, %Y", "%b-%d-%Y", "%b-%d-%y", "%d %b %Y", "%d-%b-%y", "%d-%b-%Y", "%d.%m.%Y", "%d.%m.%y")
_TRAILING_ZONE = re.compile(r"\s+[A-Z]{2,5}$")  # "… PDT", "… GMT": the file's zone said in words


def day(cell: object, tz: str, header: str) -> datetime | None:
    """A date of the report ("Jul 9, 2023", "Aug-31-2026", "31 May 2026", "31.05.2026", ISO) as the start of that
    day in the report's zone; None when empty. A date with a time of day keeps it."""
    if blank(cell):
        return None
    if not isinstance(cell, str):
        return cells.when(cell, tz, tz)
    value = _TRAILING_ZONE.sub("", cell.strip())
    zone = ZoneInfo(tz)
    for fmt in _DAY_FORMATS:
        try:
            return datetime.combine(datetime.strptime(value, fmt).date(), time.min, zone)
        except ValueError:
            continue
    for fmt in ("%b %d, %Y %I:%M:%S %p", "%b %d, %Y %H:%M:%S", "%b-%d-%Y %H:%M:%S"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=zone)
        except ValueError:
            continue
    try:
        return cells.when(value, tz, tz)
    except SourceError as exc:
        raise SourceError.of("ebay_date_unreadable", header=header, value=cell) from exc
