"""Builders of eBay Transaction reports: the Seller Hub CSV with its preamble lines, `--` for empty cells.

The header lists are the report's columns as real exports write them (docs/sources.md (ebay) names where each list
was found): US English, UK English, and the German names found for part of the columns.
"""

from __future__ import annotations

from companion.pipeline.demo_ebay import HEADER as US_HEADER  # the export's header, written once
from tests.support.tables import csv_bytes

_UK_NAMES = {
    "Ship to city": "Post to city", "Ship to province/region/state": "Post to province/region/state",
    "Ship to zip": "Post to postcode", "Ship to country": "Post to country",
    "Shipping and handling": "Postage and packaging", "Final Value Fee - fixed": "Final value fee – fixed",
    "Final Value Fee - variable": "Final value fee – variable",
    'Very high "item not as described" fee': "Very high 'item not as described' fee",
}
UK_HEADER = [_UK_NAMES.get(h, h) for h in US_HEADER]
# The German export: the columns whose German names were found, in the US order.
_DE_NAMES = {
    "Transaction creation date": "Datum der Transaktionserstellung", "Type": "Typ", "Order number": "Bestellnummer",
    "Legacy order ID": "Alte Bestellnummer", "Buyer username": "Nutzername des Käufers",
    "Buyer name": "Name des Käufers", "Ship to country": "Versandziel - Land", "Net amount": "Betrag abzügl. Kosten",
    "Payout currency": "Auszahlungswährung", "Payout date": "Auszahlungsdatum", "Payout ID": "Auszahlung Nr.",
    "Item ID": "Artikelnummer", "Transaction ID": "Transaktionsnummer", "Item title": "Angebotstitel",
    "Custom label": "Bestandseinheit", "Item subtotal": "Zwischensumme Artikel",
    "Shipping and handling": "Verpackung und Versand", "eBay collected tax": "Von eBay eingezogene Steuer",
    "Final Value Fee - fixed": "Fixer Anteil der Verkaufsprovision",
    "Final Value Fee - variable": "Variabler Anteil der Verkaufsprovision",
    "Below standard performance fee": "Gebühr für unterdurchschnittlichen Servicestatus",
    "International fee": "Internationale Gebühr", "Gross transaction amount": "Transaktionsbetrag (inkl. Kosten)",
    "Transaction currency": "Transaktionswährung", "Reference ID": "Referenznummer", "Description": "Beschreibung",
}
DE_HEADER = [_DE_NAMES[h] for h in US_HEADER if h in _DE_NAMES]

PREAMBLE = [["Transaction report"], ["Seller", "mughouse_us"], ["Start date", "Oct 1, 2026"],
            ["End date", "Oct 31, 2026"], [""]]
NAME = "eBay_MugHouse_TransactionReport_2026-10.csv"
PAYOUT = "6000000001"


def row(kind: str, header: list[str] = US_HEADER, **values: str) -> list[str]:
    """A data row under `header`: keyword names are the US column names with spaces as underscores, lower case
    (net_amount, final_value_fee___fixed is written fvf_fixed); every other cell `--`."""
    short = {"fvf_fixed": "Final Value Fee - fixed", "fvf_variable": "Final Value Fee - variable",
             "inad_fee": 'Very high "item not as described" fee', "gross": "Gross transaction amount",
             "net": "Net amount", "ebay_tax": "eBay collected tax", "date": "Transaction creation date",
             "order": "Order number", "payout_id": "Payout ID", "payout_date": "Payout date",
             "currency": "Payout currency", "txn_currency": "Transaction currency", "rate": "Exchange rate",
             "intl_fee": "International fee", "reg_fee": "Regulatory operating fee", "item": "Item ID",
             "txn": "Transaction ID", "qty": "Quantity", "subtotal": "Item subtotal",
             "shipping": "Shipping and handling", "description": "Description", "title": "Item title",
             "label": "Custom label", "reference": "Reference ID", "hold_reason": "Reason for hold"}
    cells = dict.fromkeys(US_HEADER, "--")
    cells["Type"] = kind
    for key, value in values.items():
        cells[short.get(key, key)] = value
    us_order = [cells[h] for h in US_HEADER]
    if header is US_HEADER or header is UK_HEADER:
        return us_order
    return [cells[h] for h in US_HEADER if h in _DE_NAMES]


def paid(**values: str) -> dict[str, str]:
    return {"payout_id": PAYOUT, "payout_date": "Oct 20, 2026", "currency": "USD", "txn_currency": "USD", **values}


# October 2026 of a US store: two orders paid out, a label, ads, listing and subscription fees, a refund, an
# adjustment, then a payout of all of them; an order and an ad fee not paid out yet; a hold.
ROWS = [
    row("Order", date="Oct 3, 2026", order="01-11111-11111", item="110001", txn="200001", qty="2",
        title="Stoneware mug", label="MUG-01", subtotal="40.00", shipping="5.00", ebay_tax="3.60",
        fvf_fixed="-0.30", fvf_variable="-5.99", gross="45.00", net="38.71", **paid()),
    row("Order", date="Oct 4, 2026", order="02-22222-22222", item="110002", txn="200002", qty="1",
        title="Tea bowl", label="BOWL-02", subtotal="20.00", shipping="0.00", ebay_tax="1.20", fvf_fixed="-0.30",
        fvf_variable="-2.65", intl_fee="-0.33", reg_fee="-0.07", gross="20.00", net="16.65", **paid()),
    row("Shipping label", date="Oct 4, 2026", order="01-11111-11111", gross="-7.45", net="-7.45",
        description="USPS Ground Advantage", **paid()),
    row("Other fee", date="Oct 5, 2026", order="01-11111-11111", item="110001", gross="-2.40", net="-2.40",
        description="Promoted Listings - General fee", reference="PL-9001", **paid()),
    row("Other fee", date="Oct 6, 2026", item="110003", gross="-0.35", net="-0.35", description="Insertion fee",
        reference="IF-9002", **paid()),
    row("Other fee", date="Oct 7, 2026", gross="-21.95", net="-21.95", description="eBay Store subscription fee",
        reference="SUB-9003", **paid()),
    row("Refund", date="Oct 9, 2026", order="02-22222-22222", item="110002", txn="200002", qty="1",
        title="Tea bowl", ebay_tax="-1.20", fvf_fixed="0.30", fvf_variable="2.65", intl_fee="0.33",
        gross="-20.00", net="-16.72", reference="RF-9004", **paid()),
    row("Adjustment", date="Oct 10, 2026", gross="5.00", net="5.00", description="Shipping label adjustment",
        reference="AD-9005", **paid()),
    row("Payout", date="Oct 20, 2026", net="-11.49", **paid()),
    row("Other fee", date="Oct 28, 2026", order="03-33333-33333", item="110004", gross="-1.10", net="-1.10",
        description="Promoted Listings - Priority fee", reference="PL-9006", currency="USD", txn_currency="USD"),
    row("Order", date="Oct 29, 2026", order="03-33333-33333", item="110004", txn="200004", qty="1",
        title="Espresso cup", label="CUP-04", subtotal="12.00", shipping="3.50", ebay_tax="0.96",
        fvf_fixed="-0.30", fvf_variable="-2.05", gross="15.50", net="13.15", currency="USD", txn_currency="USD"),
    row("Hold", date="Oct 30, 2026", order="03-33333-33333", net="-13.15", hold_reason="New seller hold",
        currency="USD", txn_currency="USD"),
]


def report(rows: list[list[str]] = ROWS, header: list[str] = US_HEADER, delimiter: str = ",") -> bytes:
    return csv_bytes([*PREAMBLE, header, *rows], delimiter=delimiter)
