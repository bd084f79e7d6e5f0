"""SHEIN sites and the currency each settles in: the export has no currency column, 站点 gives it."""

from __future__ import annotations

import re
import unicodedata

# [guess] formats.md: the export has no currency column, 站点 gives it. Euro-area sites settle in EUR.
_EURO_AREA = ("DE", "FR", "IT", "ES", "NL", "BE", "AT", "PT", "IE", "FI", "GR", "LU", "SK", "SI", "EE", "LV", "LT",
              "CY", "MT", "HR")
SITE_CURRENCY: dict[str, str] = {
    **dict.fromkeys(_EURO_AREA, "EUR"), "EU": "EUR", "US": "USD", "GB": "GBP", "MX": "MXN", "BR": "BRL",
    "AU": "AUD", "NZ": "NZD", "CA": "CAD", "JP": "JPY", "SA": "SAR", "AE": "AED", "KW": "KWD", "QA": "QAR",
    "OM": "OMR", "BH": "BHD", "IL": "ILS", "ZA": "ZAR", "PL": "PLN", "SE": "SEK", "CZ": "CZK", "DK": "DKK",
    "HU": "HUF", "RO": "RON", "CH": "CHF", "NO": "NOK", "SG": "SGD", "MY": "MYR", "PH": "PHP", "TH": "THB",
    "VN": "VND", "ID": "IDR", "CL": "CLP", "CO": "COP", "PE": "PEN", "AR": "ARS", "TW": "TWD", "HK": "HKD",
    "KR": "KRW", "IN": "INR", "TR": "TRY",
}
_CURRENCIES = frozenset(SITE_CURRENCY.values()) | {"CNY"}
_SITE_NAMES = {
    "UK": "GB", "美国": "US", "英国": "GB", "德国": "DE", "法国": "FR", "意大利": "IT", "西班牙": "ES", "荷兰": "NL",
    "比利时": "BE", "奥地利": "AT", "葡萄牙": "PT", "爱尔兰": "IE", "希腊": "GR", "芬兰": "FI", "波兰": "PL",
    "瑞典": "SE", "捷克": "CZ", "丹麦": "DK", "瑞士": "CH", "挪威": "NO", "欧洲": "EU", "欧盟": "EU", "欧区": "EU",
    "墨西哥": "MX", "巴西": "BR", "澳大利亚": "AU", "澳洲": "AU", "新西兰": "NZ", "加拿大": "CA", "日本": "JP",
    "沙特": "SA", "沙特阿拉伯": "SA", "阿联酋": "AE", "科威特": "KW", "卡塔尔": "QA", "阿曼": "OM", "巴林": "BH",
    "以色列": "IL", "南非": "ZA", "新加坡": "SG", "马来西亚": "MY", "菲律宾": "PH", "泰国": "TH", "越南": "VN",
    "智利": "CL", "哥伦比亚": "CO", "秘鲁": "PE", "土耳其": "TR", "韩国": "KR", "香港": "HK", "台湾": "TW",
}
_SITE_NOISE = re.compile(r"^(SHEIN|希音)[\s\-_]*|[\s\-_]*(站点|站)$")


def site_code(site: object) -> str:
    """'US', 'shein-us', '美国站', 'SHEIN美国' → 'US'; 'UK' → 'GB'. Empty when there is no site."""
    text = unicodedata.normalize("NFKC", str(site or "")).strip().upper()
    text = _SITE_NOISE.sub("", text).strip(" -_")
    return _SITE_NAMES.get(text, text)


def currency_of_site(site: object) -> str | None:
    """The currency a SHEIN site settles in, or None when the site is not one this version knows."""
    code = site_code(site)
    if code in SITE_CURRENCY:
        return SITE_CURRENCY[code]
    return code if code in _CURRENCIES else None


def currency_text(value: object) -> str:
    """A 币种 cell as an ISO code ('usd ' → 'USD'); empty when it is not one."""
    text = unicodedata.normalize("NFKC", str(value or "")).strip().upper()
    return text if re.fullmatch(r"[A-Z]{3}", text) else ""
