"""TikTok Shop settlement exports (CSV or XLSX), mapped to the profit model as seed 002 says.

- US local shops: the workbook's "Order details" sheet (other sheets: Summary, Reserve Details,
  Adjustments), one row per SKU per order and one per adjustment.
- Cross-border / SEA shops: the "income" layout, one row per order or adjustment.
- The on-hold export: sheet "Unsettled order and adjustment", banner rows above the header, "/" for 0.

Exports do not name their store: it comes from the file name (平台_店铺_报告名_时间) or --account.
Times in these files are UTC. Settled rows are settled by their statement (Statement ID, Statement date).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter

from companion.sources import cells
from companion.sources.headers import Columns, Located
from companion.sources.mapping import INFO, SUBTOTAL, TOTAL, marked, nearest, seed, table
from companion.sources.model import IN_TRANSIT, SETTLED, SKU_SPLIT, SPLIT, Line, SourceError
from companion.sources.tabular import (
    Context,
    Mapping,
    Splitter,
    TableAdapter,
    at_row,
    numbered_data,
    store_for_file,
)
from companion.sources.tiktok.fields import PLATFORM, export_adjustment_category

_COMMON = {
    "statement_date": ("Statement date (UTC)", "Statement date", "Statement time", "Statement time(UTC)"),
    "statement_id": ("Statement ID",),
    "payment_id": ("Payment ID",),
    "status": ("Status", "Statement status", "Payment status"),
    "currency": ("Currency",),
    "type": ("Type", "Transaction type"),
    "reference": ("Order/adjustment ID", "Order/Adjustment ID", "Order ID/Adjustment ID", "Order/adjustment id"),
    "sku_id": ("SKU ID",),
    "quantity": ("Quantity",),
    "product_name": ("Product name",),
    "sku_name": ("SKU name", "Variation"),
    "seller_sku": ("Seller SKU", "Seller sku"),
    "order_created": ("Order created date", "Order created time", "Order created date (UTC)",
                      "Order created time (UTC)", "Order create time"),
    "order_delivered": ("Order delivery date", "Order delivery time", "Order delivered time (UTC)"),
    "order_settled": ("Order settled time (UTC)", "Order settled time", "Settled time"),
    "total_settlement": ("Total settlement amount",),
    "adjustment_amount": ("Adjustment amount", "Ajustment amount"),  # sic: a real typo
    "adjustment_reason": ("Adjustment reason",),
    "related_order": ("Related order ID",),
    "customer_payment": ("Customer payment",),
    "customer_refund": ("Customer refund",),
    "platform_discounts": ("Platform discounts",),
    "platform_discounts_refund": ("Platform discounts refund",),
    "transaction_fee": ("Transaction fee",),
    "referral_fee": ("Referral fee",),
    "refund_admin_fee": ("Refund administration fee",),
    "affiliate_commission": ("Affiliate commission",),
    "affiliate_partner_commission": ("Affiliate partner commission",),
    "affiliate_shop_ads": ("Affiliate Shop Ads commission",),
    "affiliate_partner_shop_ads": ("Affiliate Partner shop ads commission",),
    "return_shipping_fee": ("Return shipping fee", "Actual return shipping fee"),
    "shipping_fee_subsidy": ("Shipping fee subsidy",),
    "shipping_incentive": ("TikTok Shop shipping incentive",),
    "shipping_incentive_refund": ("TikTok Shop shipping incentive refund",),
    "signature_fee": ("Signature confirmation service fee", "Signature confirmation fee"),
    "shipping_insurance_fee": ("Shipping insurance fee",),
    "fbt_shipping_fee": ("Fulfilled by TikTok Shop (FBT) shipping fee", "FBT shipping fee", "FBT shipping cost"),
    "fbt_fulfillment_fee": ("FBT fulfillment fee",),
    "fbt_fulfillment_reimbursement": ("FBT fulfillment fee reimbursement", "Fulfillment fee reimbursement"),
    "customer_shipping_offset": ("Customer shipping fee offset",),
    "sales_tax_payment": ("Sales tax payment",),
    "sales_tax_refund": ("Sales tax refund",),
}

# US local shops, sheet "Order details".
US_COLUMNS = Columns({
    **_COMMON,
    "net_sales": ("Net sales",),
    "gross_sales": ("Gross sales",),
    "gross_sales_refund": ("Gross sales refund",),
    "seller_discount": ("Seller discount",),
    "seller_discount_refund": ("Seller discount refund",),
    "shipping": ("Shipping",),
    "tts_shipping_fee": ("TikTok Shop shipping fee",),
    "customer_paid_shipping": ("Customer-paid shipping fee", "Customer paid shipping fee"),
    "customer_paid_shipping_refund": ("Customer-paid shipping fee refund", "Customer paid shipping fee refund"),
    "fees": ("Fees",),
    "cofunded_promotion": ("Co-funded promotion (seller-funded)", "Co-funded promotion service fee",
                           "Cofunded promotion service fee"),
    "campaign_service_fee": ("Campaign service fee",),
}, required=("reference", "type", "total_settlement", "gross_sales"))

# Seed 002, "TikTok本土店铺核对公式". Adjustment amount goes to `adjustment`, or to `storage_fee` when the
# reason is "FBT warehouse service fee" (fields.export_adjustment_category).
US_TABLE = table(
    seed({
        "sales": ("gross_sales",),
        "buyer_shipping": ("customer_paid_shipping", "customer_paid_shipping_refund"),
        "promo_discount": ("seller_discount", "shipping_fee_subsidy", "shipping_incentive",
                           "shipping_incentive_refund"),
        "income_refund": ("gross_sales_refund", "seller_discount_refund"),
        "platform_fee": ("affiliate_commission", "affiliate_partner_commission"),
        "platform_logistics": ("tts_shipping_fee", "return_shipping_fee", "fbt_fulfillment_reimbursement"),
        "promotion_fee": ("referral_fee", "refund_admin_fee"),
        "ad_fee": ("affiliate_shop_ads",),
        "other_platform_fee": ("transaction_fee", "cofunded_promotion"),
    }),
    nearest({
        "platform_logistics": ("fbt_shipping_fee", "fbt_fulfillment_fee", "customer_shipping_offset",
                               "signature_fee", "shipping_insurance_fee"),
        "ad_fee": ("affiliate_partner_shop_ads",),
        "other_platform_fee": ("campaign_service_fee",),
    }),
    marked(SUBTOTAL, "net_sales", "shipping", "fees"),
    marked(INFO, "customer_payment", "customer_refund", "platform_discounts", "platform_discounts_refund",
           "sales_tax_payment", "sales_tax_refund"),
    marked(TOTAL, "total_settlement"),
)
# The seed: Shipping fee subsidy already includes the TikTok Shop shipping incentives.
US_EITHER = (("shipping_fee_subsidy", ("shipping_incentive", "shipping_incentive_refund")),)
US_MAPPING = Mapping(US_TABLE, US_EITHER)

# Cross-border and SEA shops, the "income" layout.
CB_COLUMNS = Columns({
    **_COMMON,
    "total_revenue": ("Total revenue",),
    "subtotal_after_discounts": ("Subtotal after seller discounts",),
    "subtotal_before_discounts": ("Subtotal before discounts", "Subtotal before discount"),
    "seller_discounts": ("Seller discounts", "Seller discount"),
    "refund_subtotal_after_discounts": ("Refund subtotal after seller discounts",),
    "refund_subtotal_before_discounts": ("Refund subtotal before seller discounts", "Refund subtotal before discount"),
    "refund_of_seller_discounts": ("Refund of seller discounts", "Seller discount refund"),
    "total_fees": ("Total fees",),
    "commission_fee": ("TikTok Shop commission fee", "Platform commission", "Commission fee"),
    "tsp_commission": ("TSP commission",),
    "shipping_cost": ("Shipping cost",),
    "actual_shipping_fee": ("Actual shipping fee",),
    "fbm_shipping_cost": ("FBM shipping cost",),
    "shipping_fee_discount": ("Shipping fee discount",),
    "platform_shipping_fee_discount": ("Platform shipping fee discount",),
    "promo_shipping_incentive": ("Promo shipping incentive",),
    "cofunded_free_shipping": ("Co-funded free shipping reimbursement",),
    "customer_shipping_fee": ("Customer shipping fee", "Customer paid shipping fee", "Customer-paid shipping fee"),
    "customer_shipping_fee_refund": ("Customer paid shipping fee refund", "Customer shipping fee refund"),
    "replacement_shipping_fee": ("Replacement shipping fee",),
    "exchange_shipping_fee": ("Exchange shipping fee",),
    "dt_handling_fee": ("DT handling fee",),
    "cod_service_fee": ("COD service fee",),
    "refund_cod_service_fee": ("Refund COD service fee", "COD service fee refund"),
    "affiliate_ads_commission": ("Affiliate ads commission",),
    "credit_card_fee": ("Credit card handling fee",),
    "sfp_service_fee": ("SFP service fee",),
    "live_specials_fee": ("LIVE Specials Service Fee", "LIVE specials fee"),
    "bonus_cashback_fee": ("Bonus cashback service fee",),
    "mall_service_fee": ("Mall service fee",),
    "voucher_xtra_fee": ("Voucher Xtra Service Fee", "Voucher xtra fee"),
    "flash_sales_fee": ("Flash sales service fee",),
    "cofunded_promotion_fee": ("Co-funded promotion service fee", "Cofunded promotion service fee"),
    "pre_order_fee": ("Pre-order service fee", "Pre order service fee"),
    "paylater_fee": ("Seller PayLater handling fee", "Seller paylater handling fee"),
    "sst": ("SST", "SST amount"),
    "gst": ("GST", "GST amount"),
    "sales_tax": ("Sales tax",),
    "vat": ("VAT", "VAT amount"),
    "import_vat": ("Import VAT", "Import VAT amount"),
    "iva": ("IVA", "IVA amount"),
    "isr": ("ISR", "ISR amount"),
    "anti_dumping": ("Anti-dumping duty", "Anti dumping duty amount"),
    "customs_duty": ("Customs duty", "Customs duty amount"),
    "customs_clearance": ("Customs clearance fee", "Customs clearance amount"),
}, required=("reference", "type", "total_settlement", "subtotal_before_discounts"))

# Seed 002, "TikTok跨境店铺核对公式". Adjustment rows: by their Type (fields.export_adjustment_category).
CB_TABLE = table(
    seed({
        "sales": ("subtotal_before_discounts",),
        "buyer_shipping": ("customer_shipping_fee", "customer_shipping_fee_refund"),
        "promo_discount": ("seller_discounts", "shipping_fee_discount", "platform_shipping_fee_discount",
                           "promo_shipping_incentive", "cofunded_free_shipping", "shipping_fee_subsidy",
                           "shipping_incentive"),
        "other_income": ("cod_service_fee",),
        "income_refund": ("refund_subtotal_before_discounts", "refund_of_seller_discounts"),
        "fee_refund": ("refund_cod_service_fee",),
        "platform_fee": ("commission_fee", "affiliate_commission", "affiliate_partner_commission",
                         "tsp_commission"),
        "platform_logistics": ("actual_shipping_fee", "fbm_shipping_cost", "fbt_shipping_fee", "fbt_fulfillment_fee",
                               "customer_shipping_offset", "fbt_fulfillment_reimbursement",
                               "return_shipping_fee", "replacement_shipping_fee", "exchange_shipping_fee",
                               "signature_fee", "shipping_insurance_fee", "dt_handling_fee"),
        "promotion_fee": ("referral_fee", "refund_admin_fee"),
        "ad_fee": ("affiliate_ads_commission", "affiliate_shop_ads"),
        "other_platform_fee": ("transaction_fee", "credit_card_fee", "sfp_service_fee", "live_specials_fee",
                               "bonus_cashback_fee", "mall_service_fee", "voucher_xtra_fee", "flash_sales_fee",
                               "cofunded_promotion_fee", "pre_order_fee", "paylater_fee"),
        "sales_tax": ("sst", "gst", "sales_tax_refund", "sales_tax", "sales_tax_payment"),
        "vat": ("vat", "import_vat", "iva"),
        "other_tax": ("isr", "anti_dumping", "customs_duty", "customs_clearance"),
    }),
    nearest({"ad_fee": ("affiliate_partner_shop_ads",)}),
    marked(SUBTOTAL, "total_revenue", "subtotal_after_discounts", "refund_subtotal_after_discounts", "total_fees",
           "shipping_cost"),
    marked(INFO, "customer_payment", "customer_refund", "platform_discounts", "platform_discounts_refund"),
    marked(TOTAL, "total_settlement"),
)
CB_MAPPING = Mapping(CB_TABLE, (
    ("shipping_fee_discount", ("platform_shipping_fee_discount", "promo_shipping_incentive",
                               "cofunded_free_shipping", "shipping_fee_subsidy", "shipping_incentive")),
    ("actual_shipping_fee", ("fbm_shipping_cost", "fbt_shipping_fee", "fbt_fulfillment_fee",
                             "customer_shipping_offset", "fbt_fulfillment_reimbursement")),
))

# The on-hold export: what the components are estimated to be, and the estimated total.
UNSETTLED_COLUMNS = Columns({
    **{k: v for k, v in US_COLUMNS.spec.items() if k != "total_settlement"},
    "total_estimated": ("Total estimated settlement amount", "Estimated settlement amount"),
    "unsettled_reason": ("Unsettled reason", "Reason", "On-hold reason"),
    "estimated_settle": ("Estimated settlement time", "Estimated settlement date", "Estimated settle time"),
}, required=("reference", "type", "total_estimated"))
# The US table, checked against the estimated total instead.
UNSETTLED_MAPPING = Mapping(table({c: e for c, e in US_TABLE.items() if e is not TOTAL},
                                  marked(TOTAL, "total_estimated")), US_EITHER)

_LOCAL_BY_CURRENCY = {"USD": ("US", "America/Los_Angeles", "TikTok US"), "GBP": ("GB", "Europe/London", "TikTok UK")}
_CROSS_BORDER = ("CB", "Asia/Shanghai", "TikTok CB")

class _TikTokExport(TableAdapter):
    region = "US"
    timezone = "America/Los_Angeles"
    label = "TikTok US"
    mapping: Mapping
    by_reason = True
    status = SETTLED
    detail = SKU_SPLIT
    key_prefix = "sku"

    chunkable = True

    def read_rows(self, ctx: Context, sheet: str, numbered, located: Located):
        reader = _RowReader(self, located, ctx.hints.store.timezone if ctx.hints.store else None)
        lines: list[Line] = []
        store = None
        for number, row in numbered_data(numbered):
            try:
                line = reader.line(row)
            except SourceError as exc:
                raise at_row(exc, ctx.file, sheet, number) from exc
            if line is None:
                continue
            if store is None:
                region, timezone, label = self.home(line.currency)
                store = store_for_file(ctx.hints, PLATFORM, ctx.file, region, line.currency, timezone, label)
            line.store = store
            lines.append(line)
        return lines, []

    def home(self, currency: str) -> tuple[str, str, str]:
        """(region, time zone, label) of a shop whose file names no store: the local layout is also used by UK
        shops, and the on-hold export by cross-border shops (any currency but the local ones)."""
        if self.region == "US":
            local = _LOCAL_BY_CURRENCY.get(currency)
            if local is not None:
                return local
            if self.status != SETTLED:
                return _CROSS_BORDER
        return self.region, self.timezone, self.label


class _RowReader:
    """One sheet's rows → lines; where each column is, worked out once from the header."""

    _TEXT = ("product_name", "payment_id", "status", "adjustment_reason", "unsettled_reason")
    _TIMES = ("order_delivered", "estimated_settle")
    _SCALARS = ("reference", "type", "adjustment_reason", "currency", "sku_id", "statement_id", "statement_date",
                "order_settled", "related_order", "sku_name", "seller_sku", "quantity", "order_created")

    def __init__(self, layout: _TikTokExport, located: Located, store_zone: str | None) -> None:
        self.layout = layout
        self.store_zone = store_zone  # dates without a time are days in the store's zone
        self.splitter = Splitter(located, layout.mapping.resolve(located))
        self.width = len(located.headers)
        index = located.index
        self.at = {name: index.get(name) for name in layout.columns.spec}
        label = {name: located.headers[i].strip() for name, i in index.items()}
        self.text = [(self.at[n], label[n]) for n in self._TEXT if self.at.get(n) is not None]
        self.times = [(self.at[n], label[n]) for n in self._TIMES if self.at.get(n) is not None]
        # the cells every row needs, fetched in one call; a column the file lacks reads as ""
        at = [self.at.get(n) for n in self._SCALARS]
        self.pad = any(i is None for i in at)
        self.pick = itemgetter(*(self.width if i is None else i for i in at))
        self.iso: dict[object, str] = {}  # the text of a time column's values, read once each

    def line(self, row) -> Line | None:
        if self.pad:  # one "" just past the header's columns
            row = [*row[: self.width], *([""] * (self.width + 1 - min(len(row), self.width)))]
        elif len(row) < self.width:
            row = [*row, *([""] * (self.width - len(row)))]
        (reference, row_type, reason, currency, sku_id, statement_id, statement_date, order_settled, related,
         sku_name, seller_sku, quantity, order_created) = self.pick(row)
        layout = self.layout
        reference = cells.text_id(reference, "Order/adjustment ID")
        if not reference:
            return None
        row_type = str(row_type or "").strip() or "Order"
        reason = str(reason or "").strip()
        parts = self.splitter.split(row, "", _dynamic(row_type, reason, layout.by_reason))
        amounts = parts.amounts
        total = parts.total if parts.total is not None else sum(amounts.values(), Decimal(0))
        currency = str(currency or "").strip().upper()
        if not currency:
            raise SourceError("the Currency column is empty")
        day_zone = self.store_zone or layout.home(currency)[1]
        sku_id = cells.text_id(sku_id, "SKU ID") or None
        statement_id = cells.text_id(statement_id, "Statement ID") or None
        extra = parts.extra
        for i, header in self.text:
            value = row[i]
            if value != "" and not cells.blank(value):
                extra[header] = str(value).strip()
        for i, header in self.times:
            value = row[i]
            if value != "" and not cells.blank(value):
                text = self.iso.get(value)
                if text is None:  # a date stays a date (2025-11-15); a time gets its zone
                    stamp = cells.when(value, "UTC")
                    dated = type(value) is str and ":" not in value or type(value) is date
                    text = self.iso[value] = "" if stamp is None else (
                        stamp.date().isoformat() if dated else stamp.isoformat())
                extra[header] = text
        if parts.unexplained:
            extra["unexplained"] = str(parts.unexplained)
        settled_at = None
        if layout.status == SETTLED:
            settled_at = cells.when(statement_date, "UTC", day_zone) or cells.when(order_settled, "UTC", day_zone)
            if settled_at is None:
                raise SourceError("a settled row needs its Statement date (or Order settled time)")
        sku_key = sku_id or ""
        related = cells.text_id(related, "Related order ID")
        return Line(
            store=None,  # type: ignore[arg-type]  # set by read() once the store is known
            key=(layout.key_prefix, statement_id or "", reference, sku_key) if layout.status == SETTLED
            else (layout.key_prefix, reference, sku_key),
            status=layout.status,
            txn_type=row_type,
            currency=currency,
            settlement_amount=total,
            amounts=amounts,
            fields=parts.fields,
            order_id=reference if row_type.lower() == "order" else (related or None),
            sku_id=sku_id,
            sku_name=str(sku_name or "").strip() or None,
            msku=str(seller_sku or "").strip() or None,
            quantity=cells.quantity(quantity),
            order_time=cells.when(order_created, "UTC", day_zone),
            settled_time=settled_at,
            extra=extra,
            reference=reference,
            detail=layout.detail,
            statement_id=statement_id,
        )


@lru_cache(maxsize=1024)
def _dynamic(row_type: str, reason: str, by_reason: bool) -> dict[str, tuple[str, ...]]:
    """The Adjustment amount column's category for this row (few distinct types and reasons: cached)."""
    return {export_adjustment_category(row_type, reason, by_reason): ("adjustment_amount",)}


class OrderDetails(_TikTokExport):
    """US local shops: the settlement workbook's "Order details" sheet (or that sheet saved as CSV)."""

    name = "tiktok.order_details"
    report_type = "order_details"
    columns = US_COLUMNS
    mapping = US_MAPPING


class IncomeDetails(_TikTokExport):
    """Cross-border and SEA shops: the income export (one row per order or adjustment)."""

    name = "tiktok.income"
    report_type = "income"
    columns = CB_COLUMNS
    mapping = CB_MAPPING
    region = "CB"
    timezone = "Asia/Shanghai"
    label = "TikTok CB"
    by_reason = False
    detail = SPLIT  # one row per order or adjustment: the fees, not per SKU
    key_prefix = "income"  # not "sku": the Open API's SKU lines of the same order must be able to replace it

    def accepts(self, sheet: str, located: Located) -> bool:
        return "gross_sales" not in US_COLUMNS.locate(located.headers).index


class Unsettled(_TikTokExport):
    """The on-hold export: orders and adjustments not settled yet, at their estimated amounts."""

    name = "tiktok.unsettled"
    report_type = "unsettled"
    columns = UNSETTLED_COLUMNS
    mapping = UNSETTLED_MAPPING
    status = IN_TRANSIT
    detail = SPLIT
    key_prefix = "unsettled"


ADAPTERS = (OrderDetails(), IncomeDetails(), Unsettled())
