"""Report completeness per store and month: which reports a platform needs, and which arrived.

Seed 002 shows it as a colour: green, all reports in; orange, the required ones in; grey, a required one
missing. `REPORTS` lists per platform the required and the optional groups (any one report of a group
satisfies it). The names are the adapters' report types; a report of totals only (TikTok's statements)
counts for the months its statements fall in.
"""

from __future__ import annotations

REPORTS: dict[str, dict[str, list]] = {
    "tiktok": {
        "required": [["order_list", "order_details", "income", "transaction_detail", "api_transactions",
                      "api_order_transactions"]],
        "optional": [["statements", "api_statements"]],
    },
    # Semi-managed, seed 002 ①: 账务明细, 财务明细, 发货面单费 and 退货面单费 (商家仓 / TEMU仓, one report type).
    "temu": {"required": [["fund_detail", "po_detail", "po_aggregate"]],
             "optional": [["account_detail"], ["shipping_labels"], ["return_labels"]]},
    "shein": {"required": [["completed_bills", "payed_list", "report_orders"]], "optional": [["income_expense"]]},
    # seed 002 ⑥: the orders are the base data (sales, tax, shipping, refunds); Shopify Payments' payout
    # transactions add its fees and disputes (a store paid through another gateway has none)
    "shopify": {"required": [["orders"]], "optional": [["payment_transactions"]]},
    "ebay": {"required": [["transaction_report"]], "optional": []},  # ⑦
    "walmart": {"required": [["payment_report"]], "optional": []},  # ⑧: Payment Report (New)
    "shopee": {"required": [["income"]], "optional": []},  # ⑨: 我的收入 > 已完成拨款
    "aliexpress": {"required": [["fund_detail"]], "optional": []},
}
COMPLETE, REQUIRED_ONLY, MISSING = "complete", "required_in", "required_missing"
COLOURS = {COMPLETE: "green", REQUIRED_ONLY: "orange", MISSING: "grey"}


def status(platform: str, present: set[str]) -> dict:
    spec = REPORTS.get(platform, {"required": [], "optional": []})
    missing_required = [group for group in spec["required"] if not set(group) & present]
    missing_optional = [group for group in spec["optional"] if not set(group) & present]
    state = MISSING if missing_required else (REQUIRED_ONLY if missing_optional else COMPLETE)
    return {"status": state, "colour": COLOURS[state], "present": sorted(present),
            "missing_required": [" or ".join(g) for g in missing_required],
            "missing_optional": [" or ".join(g) for g in missing_optional]}
