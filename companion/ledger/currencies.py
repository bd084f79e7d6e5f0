"""ISO 4217 currency codes: the one list every place that accepts a currency code checks against.

Why a list and not "three letters": a typo such as `USS` or `RMB` used to pass the old check, and then a
cost, fee or rate sat in a currency no other figure is in, so its conversion failed later, far from where
it was typed. Checking against ISO 4217's list of active codes refuses it where it is typed, in one
sentence naming the field.

The list is ISO 4217 list one (current currency and funds codes) as amended to 2025: it includes XCG
(Caribbean guilder, 2025) and ZWG (Zimbabwe Gold, 2024) and leaves out codes since withdrawn (HRK, SLL,
CUC, ANG, VEF...). XTS (reserved for testing) and XXX (no currency) are not money and are left out too.
"""

from __future__ import annotations

ACTIVE: frozenset[str] = frozenset("""
AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW
KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN
NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD
SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW
UZS VED VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XUA YER ZAR ZMW
ZWG
""".split())

EXAMPLES = "USD, CNY, EUR, GBP"


def code(text: object) -> str | None:
    """The ISO 4217 code `text` names (case and surrounding spaces ignored), or None when it names none."""
    if not isinstance(text, str):
        return None
    upper = text.strip().upper()
    return upper if upper in ACTIVE else None


def is_code(text: object) -> bool:
    return code(text) is not None


def refusal(field: str, value: object) -> str:
    """The one sentence a refused code gets, naming the field: '<field>: 'USS' is not a currency code …'."""
    return f"{field}: {value!r} is not a currency code (ISO 4217, e.g. {EXAMPLES})"
