"""TikTok Shop settlement exports (CSV or XLSX), mapped to the profit model as seed 002 says.

- US local shops: the workbook's "Order details" sheet (other sheets: Summary, Reserve Details,
  Adjustments), one row per SKU per order and one per adjustment.
- Cross-border and SEA shops: the "income" layout, one row per order or adjustment (the current Indonesian
  layout, its MY/SEA variants, and a local SEA shop's "Order details" sheet, e.g. Vietnam's).
- The on-hold export: sheet "Unsettled order and adjustment", banner rows above the header, "/" for 0.

Exports do not name their store: it comes from the file name (平台_店铺_报告名_时间) or --account.
Times in these files are UTC. Settled rows are settled by their statement (Statement ID, Statement date).

Every row's categories add up to its Total settlement amount. Where a layout leaves a reading open (seed 002
says Shipping fee subsidy already includes the shipping incentives, TikTok's own formula adds them as separate
terms; a seller-funded voucher that may or may not be inside the settlement), the row's own arithmetic
decides (`_RowReader.settle`); a row that adds up no way keeps the difference in extra["unexplained"].
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache
from itertools import combinations
from operator import itemgetter

from companion.ledger.money import ZERO
from companion.sources import cells
from companion.sources.headers import Columns, Located
from companion.sources.mapping import INFO, SUBTOTAL, TOTAL, Table, books, by_sign, marked, nearest, seed, table
from companion.sources.model import IN_TRANSIT, SETTLED, SKU_SPLIT, SPLIT, Line, SourceError, SourceField, StoreRef
from companion.sources.tabular import (
    Context,
    Mapping,
    Split,
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
                      "Order created time (UTC)", "Order create time", "Creation date"),
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
    "platform_cofunded_voucher": ("Platform co-funded voucher discounts", "Platform co-funded voucher discount"),
    "platform_cofunded_voucher_refund": ("Platform co-funded voucher discounts refund",
                                         "Platform co-funded voucher discount refund"),
    "seller_cofunded_voucher": ("Seller co-funded voucher discount",),
    "seller_cofunded_voucher_refund": ("Seller co-funded voucher discount refund",),
    "seller_shipping_discount": ("Seller shipping fee discount", "Seller shipping cost discount"),
    "transaction_fee": ("Transaction fee",),
    "referral_fee": ("Referral fee",),
    "refund_admin_fee": ("Refund administration fee",),
    "affiliate_commission": ("Affiliate commission",),
    "affiliate_partner_commission": ("Affiliate partner commission",),
    "affiliate_shop_ads": ("Affiliate Shop Ads commission",),
    "affiliate_partner_shop_ads": ("Affiliate Partner shop ads commission",),
    "tsp_commission": ("TikTok Shop Partner commission", "TSP commission"),
    "return_shipping_fee": ("Return shipping fee", "Actual return shipping fee",
                            "Return shipping costs (passed on to the customer)"),
    "shipping_fee_subsidy": ("Shipping fee subsidy",),
    "shipping_incentive": ("TikTok Shop shipping incentive",),
    "shipping_incentive_refund": ("TikTok Shop shipping incentive refund",),
    "signature_fee": ("Signature confirmation service fee", "Signature confirmation fee"),
    "shipping_insurance_fee": ("Shipping insurance fee",),
    "fbt_shipping_fee": ("Fulfilled by TikTok Shop (FBT) shipping fee", "Fulfilled by TikTok Shop shipping fee",
                         "FBT shipping fee", "FBT shipping cost"),
    "fbt_fulfillment_fee": ("FBT fulfillment fee",),
    "fbt_fulfillment_reimbursement": ("FBT fulfillment fee reimbursement", "Fulfillment fee reimbursement"),
    "customer_shipping_offset": ("Customer shipping fee offset",),
    "sales_tax_payment": ("Sales tax payment",),
    "sales_tax_refund": ("Sales tax refund",),
}

# Money columns that must not block the add-up rule (not money) or money kept only as text.
_NOT_MONEY = {
    "estimated_weight": ("Estimated package weight (g)",),
    "actual_weight": ("Actual package weight (g)",),
    "shopping_center": ("Shopping center items",),
    "order_source": ("Order Source",),
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
    "shipping_fee_discount": ("Shipping fee discount",),
    "return_label_fee": ("Return shipping label fee",),
    "fees": ("Fees",),
    "cofunded_promotion": ("Co-funded promotion (seller-funded)", "Co-funded promotion service fee",
                           "Cofunded promotion service fee"),
    "cofunded_period_fee": ("Co-funded Promotion campaign period fee",),
    "campaign_service_fee": ("Campaign service fee",),
    "smart_promotion_fee": ("Smart Promotion fee",),
    "smart_promotion_period_fee": ("Smart Promotion campaign period fee",),
    "marketing_benefits_fee": ("Marketing benefits package fee",),
    "fbt_merchant_subsidy": ("FBT overall merchant subsidy",),
    "referral_fee_tax": ("Sales tax on referral fees",),
    "logistics_reimbursement": ("Logistics reimbursement",),
    "gmv_warehouse_fee": ("GMV deduction for FBT warehouse service fee",),
    "tts_reimbursement": ("TikTok Shop reimbursement",),
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
        "promo_discount": ("shipping_fee_discount",),
        "subsidy": ("fbt_merchant_subsidy",),
        "platform_fee": ("tsp_commission",),
        "platform_logistics": ("fbt_shipping_fee", "fbt_fulfillment_fee", "customer_shipping_offset",
                               "signature_fee", "shipping_insurance_fee", "return_label_fee"),
        "promotion_fee": ("referral_fee_tax",),
        "ad_fee": ("affiliate_partner_shop_ads",),
        "storage_fee": ("gmv_warehouse_fee",),
        "adjustment": ("logistics_reimbursement", "tts_reimbursement"),
        "other_platform_fee": ("campaign_service_fee", "cofunded_period_fee", "smart_promotion_fee",
                               "smart_promotion_period_fee", "marketing_benefits_fee"),
    }),
    # Seller-funded discounts the customer-payment columns also show: counted only when the row needs them.
    seed({"promo_discount": ("seller_cofunded_voucher", "seller_cofunded_voucher_refund",
                             "seller_shipping_discount")}, mapped=False, conditional=True),
    marked(SUBTOTAL, "net_sales", "shipping", "fees"),
    marked(INFO, "customer_payment", "customer_refund", "platform_discounts", "platform_discounts_refund",
           "platform_cofunded_voucher", "platform_cofunded_voucher_refund", "sales_tax_payment", "sales_tax_refund"),
    marked(TOTAL, "total_settlement"),
)
# (aggregate, parts) a row may state either way: TikTok's own formula adds the parts as terms of their own (the
# default); where the row adds up only with the parts inside the aggregate, they are a view of it. Seed 002:
# "Shipping fee subsidy already includes the TikTok Shop shipping incentives"; the adjustment columns beside
# Adjustment amount may be its breakdown.
US_VIEWS = (
    ("shipping_fee_subsidy", ("shipping_incentive", "shipping_incentive_refund")),
    ("adjustment_amount", ("logistics_reimbursement", "gmv_warehouse_fee", "tts_reimbursement")),
)
US_MAPPING = Mapping(US_TABLE)

# Cross-border and SEA shops, the "income" layout (and a local SEA shop's "Order details" sheet).
CB_COLUMNS = Columns({
    **_COMMON,
    **_NOT_MONEY,
    "total_revenue": ("Total revenue",),
    "subtotal_after_discounts": ("Subtotal after seller discounts",),
    "subtotal_before_discounts": ("Subtotal before discounts", "Subtotal before discount"),
    "seller_discounts": ("Seller discounts", "Seller discount"),
    "refund_subtotal_after_discounts": ("Refund subtotal after seller discounts",),
    "refund_subtotal_before_discounts": ("Refund subtotal before seller discounts", "Refund subtotal before discount"),
    "refund_of_seller_discounts": ("Refund of seller discounts", "Seller discount refund"),
    "total_fees": ("Total fees",),
    "commission_fee": ("TikTok Shop commission fee", "Platform commission fee", "Platform commission",
                       "Commission fee"),
    "dynamic_commission": ("Dynamic Commission",),
    "flat_fee": ("Flat fee",),
    "sales_fee": ("Sales fee",),
    "payment_fee": ("Payment fee",),
    "order_processing_fee": ("Order processing fee",),
    "shipping_cost": ("Shipping cost",),
    "seller_shipping_fee": ("Seller shipping fee",),
    "actual_shipping_fee": ("Actual shipping fee",),
    "provider_shipping_cost": ("Shipping costs passed on to the logistics provider",),
    "platform_shipping_cost": ("Shipping cost borne by the platform",),
    "fbm_shipping_cost": ("FBM shipping cost",),
    "shipping_fee_discount": ("Shipping fee discount",),
    "platform_shipping_fee_discount": ("Platform shipping fee discount",),
    "promo_shipping_incentive": ("Promo shipping incentive",),
    "cofunded_free_shipping": ("Co-funded free shipping reimbursement",),
    "shipping_cost_subsidy": ("Shipping cost subsidy", "Shipping subsidy"),
    "customer_shipping_fee": ("Customer shipping fee", "Customer paid shipping fee", "Customer-paid shipping fee",
                              "Shipping cost paid by the customer"),
    "customer_shipping_fee_refund": ("Customer paid shipping fee refund", "Customer shipping fee refund",
                                     "Refunded customer shipping fee", "Refunded shipping cost paid by the customer"),
    "replacement_shipping_fee": ("Replacement shipping fee", "Replacement shipping fee (passed on to the customer)"),
    "exchange_shipping_fee": ("Exchange shipping fee", "Exchange shipping fee (passed on to the customer)"),
    "dt_handling_fee": ("DT handling fee",),
    "cod_service_fee": ("COD service fee",),
    "refund_cod_service_fee": ("Refund COD service fee", "COD service fee refund"),
    "affiliate_ads_commission": ("Affiliate ads commission",),
    "gmv_ads": ("GMV Payment for TikTok Ads",),
    "credit_card_fee": ("Credit card handling fee",),
    "sfp_service_fee": ("SFP service fee",),
    "sfr_service_fee": ("SFR service fee",),
    "live_specials_fee": ("LIVE Specials Service Fee", "LIVE specials fee"),
    "bonus_cashback_fee": ("Bonus cashback service fee",),
    "mall_service_fee": ("Mall service fee",),
    "voucher_xtra_fee": ("Voucher Xtra Service Fee", "Voucher xtra fee"),
    "flash_sales_fee": ("Flash sales service fee", "Flash Sale service fee"),
    "brand_flash_sale_fee": ("Brand Crazy Deals/Flash Sale service fee",),
    "cofunded_promotion_fee": ("Co-funded promotion service fee", "Cofunded promotion service fee"),
    "pre_order_fee": ("Pre-order service fee", "Pre order service fee"),
    "paylater_fee": ("Seller PayLater handling fee", "Seller paylater handling fee", "PayLater Handling Fee"),
    "installation_fee": ("Installation service fee",),
    "eams_fee": ("EAMS Program service fee",),
    "infrastructure_fee": ("Fix Infrastructure Fee",),
    "sst": ("SST", "SST amount"),
    "gst": ("GST", "GST amount"),
    "sales_tax": ("Sales tax",),
    "vat": ("VAT", "VAT amount"),
    "vat_withheld": ("VAT withheld by TikTok Shop",),
    "pit_withheld": ("PIT withheld by TikTok Shop",),
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
                           "shipping_cost_subsidy", "shipping_incentive"),
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
        # the seed lists "gmv payment for ads" among adjustments; issue #14: it is what the ads cost
        "ad_fee": ("affiliate_ads_commission", "affiliate_shop_ads", "gmv_ads"),
        "other_platform_fee": ("transaction_fee", "credit_card_fee", "sfp_service_fee", "live_specials_fee",
                               "bonus_cashback_fee", "mall_service_fee", "voucher_xtra_fee", "flash_sales_fee",
                               "cofunded_promotion_fee", "pre_order_fee", "paylater_fee"),
        "sales_tax": ("sst", "gst", "sales_tax_refund", "sales_tax", "sales_tax_payment"),
        "vat": ("vat", "vat_withheld", "import_vat", "iva"),
        "other_tax": ("isr", "anti_dumping", "customs_duty", "customs_clearance"),
    }),
    nearest({
        "platform_fee": ("sales_fee",),
        "promo_discount": ("platform_shipping_cost",),
        "platform_logistics": ("provider_shipping_cost",),
        "ad_fee": ("affiliate_partner_shop_ads",),
        "other_platform_fee": ("flat_fee", "payment_fee", "order_processing_fee", "sfr_service_fee",
                               "brand_flash_sale_fee", "installation_fee", "eams_fee", "infrastructure_fee"),
        "other_tax": ("pit_withheld",),
    }),
    # Counted only when the row needs them: seller-funded discounts the customer-payment columns also show, and
    # a dynamic commission that may be inside the commission already.
    seed({"promo_discount": ("seller_cofunded_voucher", "seller_cofunded_voucher_refund",
                             "seller_shipping_discount"),
          "platform_fee": ("dynamic_commission",)}, mapped=False, conditional=True),
    marked(SUBTOTAL, "total_revenue", "subtotal_after_discounts", "refund_subtotal_after_discounts", "total_fees",
           "shipping_cost", "seller_shipping_fee"),
    marked(INFO, "customer_payment", "customer_refund", "platform_discounts", "platform_discounts_refund",
           "platform_cofunded_voucher", "platform_cofunded_voucher_refund"),
    marked(TOTAL, "total_settlement"),
)
CB_MAPPING = Mapping(CB_TABLE, (
    ("shipping_fee_discount", ("platform_shipping_fee_discount", "promo_shipping_incentive",
                               "cofunded_free_shipping", "shipping_fee_subsidy", "shipping_cost_subsidy",
                               "shipping_incentive")),
    ("actual_shipping_fee", ("fbm_shipping_cost", "fbt_shipping_fee", "fbt_fulfillment_fee",
                             "customer_shipping_offset", "fbt_fulfillment_reimbursement")),
))

# The on-hold export: what the components are estimated to be, and the estimated total.
UNSETTLED_COLUMNS = Columns({
    **{k: v for k, v in US_COLUMNS.spec.items() if k != "total_settlement"},
    "total_estimated": ("Total estimated settlement amount", "Estimated settlement amount"),
    "unsettled_reason": ("Unsettled reason", "Unsettled reasons", "Reason", "On-hold reason"),
    "estimated_settle": ("Estimated settlement time", "Estimated settlement date", "Estimated settle time"),
}, required=("reference", "type", "total_estimated"))
# The US table, checked against the estimated total instead.
UNSETTLED_MAPPING = Mapping(table({c: e for c, e in US_TABLE.items() if e is not TOTAL},
                                  marked(TOTAL, "total_estimated")))

# A local shop's home by the currency it settles in: (region, time zone, store label). Cross-border shops sell
# from China and count their days on China time.
LOCAL_SHOPS = {
    "USD": ("US", "America/Los_Angeles", "TikTok US"),
    "GBP": ("GB", "Europe/London", "TikTok UK"),
    "VND": ("VN", "Asia/Ho_Chi_Minh", "TikTok VN"),
    "THB": ("TH", "Asia/Bangkok", "TikTok TH"),
    "IDR": ("ID", "Asia/Jakarta", "TikTok ID"),
    "MYR": ("MY", "Asia/Kuala_Lumpur", "TikTok MY"),
    "PHP": ("PH", "Asia/Manila", "TikTok PH"),
    "SGD": ("SG", "Asia/Singapore", "TikTok SG"),
}
_US = LOCAL_SHOPS["USD"]
_CROSS_BORDER = ("CB", "Asia/Shanghai", "TikTok CB")
# Columns only a local shop's export has: taxes TikTok withholds from local sellers (Vietnam).
_LOCAL_ONLY = ("vat_withheld", "pit_withheld")


def is_local(located: Located, hints) -> bool:
    """Whether a file is a local shop's (rather than a cross-border shop's): the file name's mode (本土/local,
    跨境/cross) when it says one, else whether the header has a column only local shops' exports have."""
    mode = hints.name.mode if hints.name is not None else ""
    if mode in ("local", "cross_border"):
        return mode == "local"
    return any(c in located.index for c in _LOCAL_ONLY)


def _store_without_currency(ctx: Context, sheet: str) -> StoreRef:
    """The store of a file without a Currency column (the on-hold export): its currency is the store's, so the
    store must be one shoptally knows."""
    ref = store_for_file(ctx.hints, PLATFORM, ctx.file, label="TikTok")
    if ref.currency:
        return ref
    for known in getattr(ctx.hints, "stores", ()):
        if known.platform == ref.platform and known.external_id == ref.external_id and known.currency:
            return known
    raise SourceError.of("tiktok_no_currency_column_new_store", file=ctx.file, sheet=sheet, store=ref.name)


class _TikTokExport(TableAdapter):
    mapping: Mapping
    views: tuple[tuple[str, tuple[str, ...]], ...] = ()
    by_reason = True
    status = SETTLED
    detail = SKU_SPLIT
    key_prefix = "sku"
    # the currencies in which a file of this layout is a local shop's whatever it shows, and the home otherwise
    local_currencies: tuple[str, ...] = tuple(LOCAL_SHOPS)
    fallback = _US

    chunkable = True

    def read_rows(self, ctx: Context, sheet: str, numbered, located: Located):
        known = None if "currency" in located.index else _store_without_currency(ctx, sheet)
        local = is_local(located, ctx.hints)
        store = known
        home = known or ctx.hints.store  # a store shoptally knows: its days are counted in its zone
        reader = _RowReader(self, located, home.timezone if home else None, local, known.currency if known else "")
        lines: list[Line] = []
        for number, row in numbered_data(numbered):
            try:
                line = reader.line(row)
            except SourceError as exc:
                raise at_row(exc, ctx.file, sheet, number) from exc
            if line is None:
                continue
            if store is None:
                region, timezone, label = self.home(line.currency, local)
                store = store_for_file(ctx.hints, PLATFORM, ctx.file, region, line.currency, timezone, label)
            line.store = store
            lines.append(line)
        return lines, []

    def home(self, currency: str, local: bool = False) -> tuple[str, str, str]:
        """(region, time zone, label) of a shop whose file names no store. "Order details" is a local shop's
        report (US, UK, SEA); the income export and the on-hold export are a cross-border shop's unless the file
        shows it is a local shop's (`is_local`); the on-hold export in USD or GBP is a US or UK shop's."""
        found = LOCAL_SHOPS.get(currency)
        if found is not None and (local or currency in self.local_currencies):
            return found
        return self.fallback


class _RowReader:
    """One sheet's rows → lines; where each column is, worked out once from the header."""

    _TEXT = ("product_name", "payment_id", "status", "adjustment_reason", "unsettled_reason", "estimated_weight",
             "actual_weight", "shopping_center", "order_source")
    _TIMES = ("order_delivered", "estimated_settle")
    _MAY_BE_TEXT = ("estimated_settle",)  # "Delivered + 1 days": kept as written
    _SCALARS = ("reference", "type", "adjustment_reason", "currency", "sku_id", "statement_id", "statement_date",
                "order_settled", "related_order", "sku_name", "seller_sku", "quantity", "order_created")

    def __init__(self, layout: _TikTokExport, located: Located, store_zone: str | None, local: bool,
                 currency: str = "") -> None:
        self.layout = layout
        self.store_zone = store_zone  # dates without a time are days in the store's zone
        self.local = local
        self.currency = currency  # the store's, for a file without a Currency column
        index = located.index
        label = {name: located.headers[i].strip() for name, i in index.items()}
        mapping = layout.mapping.resolve(located)
        # columns counted only when the row needs them: read as kept fields, counted by settle()
        self.conditional = {label[c]: (book.category_for(ZERO), book.mapped) for c, book in books(mapping.table)
                            if book.conditional and c in index}
        read: Table = {c: INFO if label.get(c) in self.conditional else e for c, e in mapping.table.items()}
        self.splitter = Splitter(located, Mapping(read))
        self.views = [(label[a], frozenset(label[p] for p in parts if p in index)) for a, parts in layout.views
                      if a in index and any(p in index for p in parts)]
        self.width = len(located.headers)
        self.at = {name: index.get(name) for name in layout.columns.spec}
        self.text = [(self.at[n], label[n]) for n in self._TEXT if self.at.get(n) is not None]
        self.times = [(self.at[n], label[n], n in self._MAY_BE_TEXT) for n in self._TIMES
                      if self.at.get(n) is not None]
        # the cells every row needs, fetched in one call; a column the file lacks reads as ""
        at = [self.at.get(n) for n in self._SCALARS]
        self.pad = any(i is None for i in at)
        self.pick = itemgetter(*(self.width if i is None else i for i in at))
        self.iso: dict[object, str] = {}  # the text of a time column's values, read once each
        self.zones: dict[str, str] = {}  # currency → the zone of the store's days

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
        if parts.unexplained:
            self.settle(parts)
        amounts = parts.amounts
        total = parts.total if parts.total is not None else sum(amounts.values(), Decimal(0))
        if self.currency:
            currency = self.currency
        else:
            currency = str(currency or "").strip().upper()
            if not currency:
                raise SourceError.of("tiktok_currency_empty")
        day_zone = self.store_zone or self.zones.get(currency)
        if day_zone is None:
            day_zone = self.zones[currency] = layout.home(currency, self.local)[1]
        sku_id = cells.text_id(sku_id, "SKU ID") or None
        statement_id = cells.text_id(statement_id, "Statement ID") or None
        extra = parts.extra
        for i, header in self.text:
            value = row[i]
            if value != "" and not cells.blank(value):  # a spreadsheet's 250.0 is the 250 typed in
                extra[header] = str(int(value)) if type(value) is float and value.is_integer() else str(value).strip()
        for i, header, may_be_text in self.times:
            value = row[i]
            if value != "" and not cells.blank(value):
                text = self.iso.get(value)
                if text is None:  # a date stays a date (2025-11-15); a time gets its zone
                    try:
                        stamp = cells.when(value, "UTC")
                    except SourceError:
                        if not may_be_text:
                            raise
                        stamp = None
                        text = str(value).strip()
                    if text is None:
                        dated = type(value) is str and ":" not in value or type(value) is date
                        text = "" if stamp is None else (stamp.date().isoformat() if dated else stamp.isoformat())
                    self.iso[value] = text
                extra[header] = text
        if parts.unexplained:
            extra["unexplained"] = str(parts.unexplained)
        settled_at = None
        if layout.status == SETTLED:
            settled_at = cells.when(statement_date, "UTC", day_zone) or cells.when(order_settled, "UTC", day_zone)
            if settled_at is None:
                raise SourceError.of("tiktok_settled_row_no_date")
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

    def settle(self, parts: Split) -> None:
        """A row whose categories miss its stated total: the readings the layout leaves open, tried fewest
        first, until one adds up. Each reading moves money in or out of the categories:
        - a group's parts are a view of its aggregate (the aggregate carries money): its parts leave;
        - a conditional column (a seller-funded discount the settlement may include) is counted;
        - a column nobody knows is counted by its sign.
        No reading adds up: the row is left as it is and its difference stays unexplained."""
        fields = parts.fields
        named = {f.name for f in fields}
        options: list[tuple[tuple[int, ...], tuple[int, ...]]] = []  # (fields leaving, fields counted)
        for aggregate, members in self.views:
            if aggregate in named:
                leaving = tuple(i for i, f in enumerate(fields) if f.name in members and f.category is not None)
                if leaving and sum((fields[i].amount for i in leaving), ZERO):
                    options.append((leaving, ()))
        for i, f in enumerate(fields):
            if f.category is None and (f.name in self.conditional or f.unmapped):
                options.append(((), (i,)))
        if not options or len(options) > 12:
            return
        gap = parts.unexplained
        for size in range(1, len(options) + 1):
            for chosen in combinations(options, size):
                leaving = {i for out, _ in chosen for i in out}
                counted = [i for _, into in chosen for i in into]
                change = sum((fields[i].amount for i in counted), ZERO) - sum((fields[i].amount for i in leaving),
                                                                               ZERO)
                if change == gap:
                    self._apply(parts, leaving, counted)
                    return

    def _apply(self, parts: Split, leaving: set[int], counted: Sequence[int]) -> None:
        amounts, fields = parts.amounts, parts.fields
        for i in leaving:
            f = fields[i]
            amounts[f.category] = amounts.get(f.category, ZERO) - f.amount  # type: ignore[index]
            fields[i] = SourceField(f.name, f.amount, None, False)
        for i in counted:
            f = fields[i]
            if f.name in self.conditional:
                category, mapped = self.conditional[f.name]
            else:
                category, mapped = by_sign(f.amount), False
            amounts[category] = amounts.get(category, ZERO) + f.amount
            fields[i] = SourceField(f.name, f.amount, category, not mapped)
        parts.amounts = {k: v for k, v in amounts.items() if v}
        parts.unexplained = ZERO


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
    views = US_VIEWS


class IncomeDetails(_TikTokExport):
    """Cross-border and SEA shops: the income export (one row per order or adjustment)."""

    name = "tiktok.income"
    report_type = "income"
    columns = CB_COLUMNS
    mapping = CB_MAPPING
    local_currencies = ()  # a local SEA shop's file shows it (is_local)
    fallback = _CROSS_BORDER
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
    views = US_VIEWS
    local_currencies = ("USD", "GBP")
    fallback = _CROSS_BORDER
    status = IN_TRANSIT
    detail = SPLIT
    key_prefix = "unsettled"


ADAPTERS = (OrderDetails(), IncomeDetails(), Unsettled())
