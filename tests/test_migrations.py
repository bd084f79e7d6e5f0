"""Versioned schema: a database made by an older schema version opens, migrates and keeps its data."""

from __future__ import annotations

from decimal import Decimal

from companion.store.db import close_database, make_database, migration_runner, open_database, schema_version
from companion.store.models import ChangeLog, SettlementLine, Store

ALL_VERSIONS = ["0001_initial", "0002_change_log_and_report_indexes", "0003_sources_and_profit",
                "0004_inline_edits", "0005_counted_line_indexes", "0006_line_totals", "0007_sync_schedules",
                "0008_scrub_kept_captures", "0009_sync_run_codes", "0010_purchases",
                "0012_payout_and_tax_indexes",
                "0013_unit_charges", "0014_sales_totals", "0015_sales_sku_totals", "0016_team_events"]


def test_fresh_database_has_every_migration(db):
    assert schema_version(db) == ALL_VERSIONS
    assert set(db.get_tables()) >= {"store", "order", "order_line", "settlement_line", "raw_capture",
                                    "pairing_token", "setting", "change_log", "schema_migration"}


def test_version_1_database_is_migrated_with_its_data(db_url):
    old = make_database(db_url)
    old.connect()
    assert migration_runner(old).up(target="0001_initial") == ["0001_initial"]
    assert "change_log" not in old.get_tables()
    old.execute_sql(
        "INSERT INTO store (platform, external_id, region, name, currency, timezone, created_at) "
        "VALUES ('tiktok', '7495', 'US', 'Old store', 'USD', 'America/Los_Angeles', 1700000000000)")
    store_id = old.execute_sql("SELECT id FROM store WHERE name = 'Old store'").fetchone()[0]
    old.execute_sql(
        "INSERT INTO settlement_line (store_id, natural_key, digest, status, txn_type, order_id, quantity, currency,"
        " settled_time, settled_time_approx, settlement_amount, sales, source_fields, extra, capture,"
        " created_at, updated_at, promo_discount, subsidy, buyer_shipping, other_income, income_refund, fee_refund,"
        " platform_fee, platform_logistics, promotion_fee, ad_fee, adjustment, storage_fee, penalty,"
        " other_platform_fee, sales_tax, market_tax, vat, other_tax) VALUES"
        f" ({store_id}, '[\"order_list\",\"A1\",\"Order\"]', 'd', 'settled', 'Order', 'A1', 1, 'USD', 1700000000000,"
        " false, 123456, 123456, '[]', '{}', 'c1', 1700000000000, 1700000000000,"
        " 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)")
    old.close()

    db = open_database(db_url)
    try:
        assert schema_version(db) == ALL_VERSIONS
        line = SettlementLine.get()
        assert line.store.name == "Old store"
        assert line.settlement_amount == Decimal("12.3456")
        assert line.sales == Decimal("12.3456")
        assert ChangeLog.select().count() == 0
        assert Store.select().count() == 1
        # opening again applies nothing
        assert migration_runner(db).up() == []
    finally:
        close_database()
