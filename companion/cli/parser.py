"""The `shoptally` command line: every command, its options and an example of each, for `--help`."""

from __future__ import annotations

import argparse

from companion import __version__, config

GLOBAL_EPILOG = """\
--data-dir, --database-url and --debug go before or after the command: `shoptally --data-dir D report`
and `shoptally report --data-dir D` are the same. Naming no data dir (flag or $SHOPTALLY_DATA_DIR) and no
database, while a `serve --demo` runs on a temporary folder and no daemon on the user data dir, commands
use the demo's folder.

examples:
  shoptally serve --demo                      # try it on a generated demo dataset
  shoptally import ~/Downloads/*.xlsx         # settlement exports of any platform
  shoptally report --period last-month        # the profit report
  shoptally --data-dir ~/shop2 report         # another data folder
  shoptally COMMAND --help                    # a command's options and examples

exit codes: 0 done; 2 the input was refused (a bad option, an unknown store, a file it cannot read, a
data folder that holds no data); 1 something else stood in the way (no daemon, a database that cannot
be opened, a "no" at a confirmation, reconcile finding a difference); 141 the output's reader went away
(`shoptally report | head -1`)."""


def _common(p: argparse.ArgumentParser, nested: bool = True) -> None:
    """The global options. On the top parser they have their defaults; repeated on every command and action
    (`report --data-dir X`, `pair approve --data-dir X`) their default is to leave alone what was given
    before the command, so they work in either place."""
    extra = {"default": argparse.SUPPRESS} if nested else {}
    p.add_argument("--data-dir", metavar="DIR",
                   help="data folder (default: $SHOPTALLY_DATA_DIR, else the user data dir)", **extra)
    p.add_argument("--database-url", metavar="URL",
                   help="sqlite:///FILE or postgresql://… (default: $SHOPTALLY_DATABASE_URL)", **extra)
    p.add_argument("--debug", action="store_true", help="show tracebacks and debug logs",
                   **({"default": argparse.SUPPRESS} if nested else {"default": False}))


def _add(sub, name: str, summary: str, examples: str, more: str = "") -> argparse.ArgumentParser:
    """A command (or an action of one) with its summary as description, more words if any, and examples as
    epilog, laid out as written."""
    p = sub.add_parser(name, help=summary, description=summary + (f"\n\n{more}" if more else ""),
                       epilog="examples:\n" + examples, formatter_class=argparse.RawDescriptionHelpFormatter)
    _common(p)
    return p


def _actions(p: argparse.ArgumentParser, dest: str):
    return p.add_subparsers(dest=dest, required=True, metavar="ACTION")


DELETES = {  # kind: (summary, examples) of its delete action
    "purchases": ("delete one purchase order with its goods lines and the sold orders linked to it", """\
  shoptally purchases delete 2871234567890123456
  shoptally purchases delete PO-1 --source csv      # the same number stored from two sources"""),
    "skumap": ("delete one SKU map entry: the one for every store, or with --account a store's own", """\
  shoptally skumap delete YW-MUG-RED
  shoptally skumap delete YW-MUG-RED --account "TikTok US MyShop\""""),
}


def _add_delete(actions, kind: str) -> None:
    summary, examples = DELETES[kind]
    q = _add(actions, "delete", summary, examples, "Open views reload; the costs that used it are worked out again.")
    if kind == "purchases":
        q.add_argument("order_no", metavar="ORDER_NO", help="the purchase order's number, as the view lists it")
        q.add_argument("--source", choices=("1688", "csv"),
                       help="where it came from: 1688 (captured) or csv (imported); needed only when both hold it")
    else:
        q.add_argument("supplier_sku", metavar="SKU_1688", help="the supplier SKU (1688 skuId / specId) mapped")
        q.add_argument("--account", metavar="NAME", help="the store whose own entry goes (default: the entry for "
                                                         "every store)")
    q.add_argument("--json", action="store_true", help="print the count as JSON")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shoptally", description="Local profit and settlement ledger.",
                                     epilog=GLOBAL_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"shoptally {__version__}")
    _common(parser, nested=False)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = _add(sub, "serve", "run the daemon (server, scheduler, tray)", """\
  shoptally serve                         # http://127.0.0.1:47810/, prints the sign-in link on a terminal
  shoptally serve --port 0 --no-tray      # any free port (daemon.json in the data folder says which)
  shoptally serve --demo                  # a generated demo dataset in a temporary folder
  shoptally serve --demo --data-dir ~/shoptally-demo   # keep the demo data in that folder""",
             "One daemon per data folder. With --demo and no --data-dir it prints the temporary folder it uses,\n"
             "and other commands that name no data folder reach it while it runs.")
    p.add_argument("--port", type=int, default=config.DEFAULT_PORT,
                   help=f"port on 127.0.0.1 (default {config.DEFAULT_PORT}; 0: any free port)")
    p.add_argument("--no-tray", action="store_true", help="run without a tray icon")
    p.add_argument("--no-scheduler", action="store_true", help="do not run scheduled syncs")
    p.add_argument("--demo", action="store_true",
                   help="start on a generated demo dataset (in a temporary data folder unless --data-dir)")

    p = _add(sub, "open", "open the Finance view of the running daemon in the browser, signed in", """\
  shoptally open
  shoptally open --print        # the sign-in link, to paste into another browser""")
    p.add_argument("--print", action="store_true", help="print the sign-in link instead of opening a browser")

    p = _add(sub, "import", "import settlement report files (CSV, XLSX, JSON captures) of any platform", """\
  shoptally import TikTok本土_MugHouse_结算报告_2025-10.xlsx
  shoptally import ~/Downloads/*.xlsx --account "TikTok US 7495100000000000001"
  shoptally import a.csv b.xlsx --json""",
             "A file it cannot read or recognise: one line naming it, exit code 2, the other files still import.\n"
             "Works on a new data folder (creates its database).")
    p.add_argument("files", nargs="+", metavar="FILE", help="report files; the type is told from the content")
    p.add_argument("--account", metavar="NAME", help="store the files belong to, when they do not say")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")

    p = _add(sub, "report", "the profit report", """\
  shoptally report                                  # this month, settlement basis, by store
  shoptally report --period last-month --by sku
  shoptally report --period 2025-10-01..2025-10-15 --basis order --account "TikTok US MyShop"
  shoptally report --period all --currency USD --json
  shoptally report --kind sales --group week --by sku   # sales: orders, units, gross/net sales, refunds …
  shoptally report --kind payments --period last-month    # payouts and how each reconciles with its lines
  shoptally report --kind tax --period this-year --basis order   # taxes by type, per store and currency""")
    p.add_argument("--period", default="this-month", metavar="P",
                   help="today, yesterday, last-7-days, this-month (default), last-month, this-year, all, "
                        "YYYY, YYYY-MM, YYYY-MM-DD or FROM..TO (days inclusive, in each store's time zone)")
    p.add_argument("--basis", choices=("settlement", "order"), default="settlement",
                   help="settlement (default): settled lines by settlement time; order: all lines by order time")
    p.add_argument("--by", choices=("store", "sku", "msku", "order"), default="store",
                   help="one row per store (default), SKU, your own SKU (msku) or order")
    p.add_argument("--account", metavar="NAME", help="only this store")
    p.add_argument("--currency", metavar="CUR", help="convert every amount to CUR at its day's rate (fx import)")
    p.add_argument("--json", action="store_true", help="the full report as JSON")
    p.add_argument("--kind", choices=("profit", "sales", "payments", "tax"), default="profit",
                   help="profit (default): the profit report; sales: orders, units, gross sales, discounts, "
                        "refunds, net sales, shipping, taxes per day/week/month; payments: one row per payout "
                        "(statement, bill) with its status, reserve and whether its lines add up to it; tax: "
                        "taxes by type and store (docs/reports.md). --by store|sku and --group apply to sales "
                        "too, --currency to profit only, --basis to profit, sales and tax")
    p.add_argument("--group", choices=("day", "week", "month"), default="day",
                   help="--kind sales: one row per local day (default), week (Monday to Sunday) or month")

    p = _add(sub, "reset", "delete settlement records of one store or all stores", """\
  shoptally reset --account "TikTok US MyShop"     # asks first
  shoptally reset --all --yes""")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--account", metavar="NAME", help="the store whose records go")
    g.add_argument("--all", action="store_true", help="every store's records")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    p = _add(sub, "pair", "extension pairing requests of the running daemon", """\
  shoptally pair list
  shoptally pair approve            # the only pending request
  shoptally pair approve 4821""")
    psub = _actions(p, "pair_command")
    q = _add(psub, "list", "pending requests and paired browsers", "  shoptally pair list --json")
    q.add_argument("--json", action="store_true", help="print them as JSON")
    q = _add(psub, "approve", "approve a pending request", "  shoptally pair approve\n  shoptally pair approve 4821")
    q.add_argument("code", nargs="?", help="the code the extension shows (default: the only pending request)")
    q = _add(psub, "deny", "deny a pending request", "  shoptally pair deny 4821")
    q.add_argument("code", nargs="?", help="the code the extension shows (default: the only pending request)")
    q = _add(psub, "revoke", "revoke a paired browser", "  shoptally pair revoke 2      # the id `pair list` shows")
    q.add_argument("id", type=int, help="the paired browser's id, as `pair list` shows it")

    p = _add(sub, "sync", "ask the running daemon to run Sync Settlement", """\
  shoptally sync
  shoptally sync --account "TikTok US MyShop" --wait""")
    p.add_argument("--account", metavar="NAME", help="only this store (default: the connected seller center's)")
    p.add_argument("--wait", action="store_true", help="print its progress and outcome; exit 0 only when it completed")

    for kind, what, columns, example in (
            ("costs", "SKU unit costs", "sku_id,unit_cost,currency[,effective_from][,msku]",
             "1729000000000000001,4.20,USD,2025-01-01"),
            ("fees", "custom fees (store, product or order)", "level,account,target,month,amount,currency[,name]",
             "store,TikTok US MyShop,,2025-10,30.00,USD,rent"),
            ("fx", "dated exchange rates", "date,from,to,rate", "2025-10-01,USD,CNY,7.10"),
            ("logistics", "first-leg, last-leg and other costs per unit, or per shipment spread by units",
             "kind,sku_id,currency and unit_cost[,effective_from] or shipment,date,units,shipment_cost",
             "first_leg,1729000000000000001,CNY,3.50,2025-10-01"),
            ("purchases", "purchase records (one row per goods line)",
             "order_no, sku, quantity, unit_price, currency, and optionally supplier, shipping, adjustment, "
             "status, placed_at, paid_at, sold_order, self_delivery",
             "PO-1,1729000000000000004,10,2.00,USD,Yiwu Cups,3.00,,paid,2025-08-30,2025-09-01,576900000000000101,no"),
            ("skumap", "the SKU map (supplier SKU to shop SKU)", "supplier_sku,sku_id[,store]",
             "5012345678901,1729000000000000004,")):
        p = _add(sub, kind, f"{what}: import FILE.csv ({columns})" + (", or delete one" if kind in DELETES else ""),
                 f"  shoptally {kind} import {kind}.csv" + (f"\n{DELETES[kind][1]}" if kind in DELETES else ""))
        actions = _actions(p, "figures_command")
        q = _add(actions, "import", f"import {what} from a CSV file with columns {columns}",
                 f"  shoptally {kind} import {kind}.csv\n  shoptally {kind} import {kind}.csv --json\n\n"
                 f"a row of {kind}.csv:\n  {columns}\n  {example}",
                 "The file is checked whole first: one bad row refuses it (exit code 2), nothing stored.")
        q.add_argument("file", metavar="FILE.csv", help=f"a CSV file with the columns {columns}")
        q.add_argument("--json", action="store_true", help="print the counts as JSON")
        if kind in DELETES:
            _add_delete(actions, kind)

    p = _add(sub, "costing", "each store's costing: fixed unit costs by date, or the moving average of purchases", """\
  shoptally costing list
  shoptally costing set "TikTok US MyShop" moving_average""")
    csub = _actions(p, "costing_command")
    q = _add(csub, "list", "every store with its costing", "  shoptally costing list --json")
    q.add_argument("--json", action="store_true", help="print them as JSON")
    q = _add(csub, "set", "choose a store's costing", "  shoptally costing set \"TikTok US MyShop\" fixed")
    q.add_argument("store", metavar="STORE", help="the store's name")
    q.add_argument("method", choices=("fixed", "moving_average"), help="fixed | moving_average")
    q.add_argument("--json", action="store_true", help="print it as JSON")

    p = _add(sub, "sales-tax", "each Shopify store's sales: without tax (default) or with the sales tax included",
             """\
  shoptally sales-tax list
  shoptally sales-tax set "Shopify DemoShop" included""",
             "Seed 002: a Shopify store shows its sales without tax unless its seller chooses otherwise. With\n"
             "`included` the profit report shows sales + sales_tax as sales and 0 as sales_tax; gross profit is\n"
             "unchanged. Stores of other platforms take no choice.")
    tsub = _actions(p, "sales_tax_command")
    q = _add(tsub, "list", "every Shopify store with its choice", "  shoptally sales-tax list --json")
    q.add_argument("--json", action="store_true", help="print them as JSON")
    q = _add(tsub, "set", "choose whether a Shopify store's sales include tax",
             "  shoptally sales-tax set \"Shopify DemoShop\" included\n"
             "  shoptally sales-tax set \"Shopify DemoShop\" excluded     # the default")
    q.add_argument("store", metavar="STORE", help="the Shopify store's name")
    q.add_argument("choice", choices=("excluded", "included"), help="excluded (sales without tax) | included")
    q.add_argument("--json", action="store_true", help="print it as JSON")

    p = _add(sub, "reconcile", "compare stored lines with the totals the platforms state", """\
  shoptally reconcile
  shoptally reconcile --account "TikTok US MyShop" --json""", "Exit code 1 when something differs.")
    p.add_argument("--account", metavar="NAME", help="only this store")
    p.add_argument("--json", action="store_true", help="print the checks as JSON")

    p = _add(sub, "schedule", "auto-sync schedules per store", """\
  shoptally schedule list
  shoptally schedule set "TikTok US MyShop" --every 6h
  shoptally schedule run-now "TikTok US MyShop\"""")
    ssub = _actions(p, "schedule_command")
    q = _add(ssub, "list", "every schedule with its next and last run, and the latest runs",
             "  shoptally schedule list\n  shoptally schedule list --json")
    q.add_argument("--json", action="store_true", help="print them as JSON")
    q = _add(ssub, "set", "sync a store every N hours or at times of day, or turn it off", """\
  shoptally schedule set "TikTok US MyShop" --every 6h
  shoptally schedule set "TikTok US MyShop" --at 09:00,21:00
  shoptally schedule set "TikTok US MyShop" off""")
    q.add_argument("store", metavar="STORE", help="the store's name, as `shoptally report` shows it")
    q.add_argument("off", nargs="?", choices=["off"], help="turn the store's auto-sync off")
    q.add_argument("--every", help="an interval such as 30m, 6h or 1d (15m to 7d)")
    q.add_argument("--at", help="times of day in the store's time zone, such as 09:00,21:00")
    q = _add(ssub, "run-now", "sync one store (or all) now, as a schedule would, and wait for it", """\
  shoptally schedule run-now "TikTok US MyShop"
  shoptally schedule run-now --no-wait""")
    q.add_argument("store", nargs="?", metavar="STORE", help="the store (default: all stores)")
    q.add_argument("--no-wait", action="store_true", help="only start it")

    p = _add(sub, "browser", "the browser shoptally starts for unattended syncs", "  shoptally browser login")
    bsub = _actions(p, "browser_command")
    _add(bsub, "login", "open its profile in a window to log in to the seller centers once",
         "  shoptally browser login")

    p = _add(sub, "backup", "one-file backups of all data, and restoring one", """\
  shoptally backup create
  shoptally backup restore ~/shoptally-2025-10-01.zip --yes""")
    bk = _actions(p, "backup_command")
    q = _add(bk, "create", "write a backup file (default: DATA_DIR/backups/…)", """\
  shoptally backup create
  shoptally backup create --out ~/shoptally-backup.zip""")
    q.add_argument("--out", metavar="FILE", help="where to write it (must not exist)")
    q = _add(bk, "restore", "replace all data with a backup file's (a safety backup is taken first)",
             "  shoptally backup restore ~/shoptally-backup.zip --yes",
             "Works on a new data folder too: restoring onto a new computer.")
    q.add_argument("file", metavar="FILE", help="a file `backup create` wrote")
    q.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    p = _add(sub, "cloud", "end-to-end encrypted sync of the whole dataset between devices", """\
  shoptally cloud push --key "a long sync key" --label office --target file:///home/me/Dropbox/shoptally
  shoptally cloud pull --key "a long sync key" --dry-run""")
    csub = _actions(p, "cloud_command")
    q = _add(csub, "push", "upload this dataset, replacing the cloud copy for the key", """\
  shoptally cloud push --key "a long sync key" --label office --target file:///home/me/Dropbox/shoptally
  shoptally cloud push --key "a long sync key" --label laptop --target s3://my-bucket/shoptally""")
    q.add_argument("--key", required=True, help="the sync key (at least 6 characters; the same on every device)")
    q.add_argument("--label", required=True, help="this device's name, shown to the others")
    q.add_argument("--target", help="file:///FOLDER, webdav(s)://…, s3://BUCKET/PREFIX (default: the setting)")
    q = _add(csub, "pull", "download the cloud copy and merge it, after a preview", """\
  shoptally cloud pull --key "a long sync key" --dry-run --json
  shoptally cloud pull --key "a long sync key" --yes""", "Works on a new data folder too: a new device.")
    q.add_argument("--key", required=True, help="the sync key the copy was pushed with")
    q.add_argument("--target", help="file:///FOLDER, webdav(s)://…, s3://BUCKET/PREFIX (default: the setting)")
    g = q.add_mutually_exclusive_group()
    g.add_argument("--dry-run", action="store_true", help="only show what would be added, updated, skipped")
    g.add_argument("--yes", action="store_true", help="merge without asking")
    q.add_argument("--json", action="store_true", help="print the counts as JSON")

    p = _add(sub, "reparse", "re-run the current adapters over the stored raw captures and files", """\
  shoptally reparse
  shoptally reparse --site tiktok --json""")
    p.add_argument("--site", help="only captures of this site (tiktok, temu, shein, import)")
    p.add_argument("--json", action="store_true", help="print the counts as JSON")

    p = _add(sub, "team", "team mode on PostgreSQL: the owner, editor and viewer roles, and a login per person", """\
  shoptally team init --database-url postgresql://postgres@db.example.com/shop?schema=team
  shoptally team add-user alice --role editor --database-url postgresql://postgres@db.example.com/shop?schema=team""",
             "Run by a superuser or a role with CREATEROLE; the others then connect as themselves (docs/team.md).")
    tsub = _actions(p, "team_command")
    q = _add(tsub, "init", "create the schema's owner, editor and viewer group roles and grant them (idempotent)",
             """\
  shoptally team init --database-url postgresql://postgres@127.0.0.1/shop?schema=team
  shoptally team init --database-url postgresql://postgres@127.0.0.1/shop --schema team --print > team.sql
  shoptally team init --database-url postgresql://postgres@127.0.0.1/shop --owner shop_owner --viewer shop_ro""",
             "Default names: shoptally_owner, shoptally_editor, shoptally_viewer on the public schema, and\n"
             "shoptally_SCHEMA_owner … on another (roles belong to the whole server, not to one database).")
    q.add_argument("--schema", metavar="S", help="the team's schema (default: the URL's ?schema=, else public)")
    q.add_argument("--print", action="store_true", help="only print the SQL (for psql or an administrator); "
                                                        "nothing is created")
    for role, what in (("owner", "owns the schema and its tables; migrates"),
                       ("editor", "captures, imports, edits, resets"), ("viewer", "reads only")):
        q.add_argument(f"--{role}", metavar="NAME", help=f"the {role} group role's name ({what})")
    q = _add(tsub, "add-user", "create a person's login role as a member of a group role (or add an existing one)",
             """\
  shoptally team add-user alice --role editor --database-url postgresql://postgres@127.0.0.1/shop?schema=team
  printf '%s\\n' "$PASSWORD" | shoptally team add-user bob --role viewer --password-stdin --database-url …""",
             "Without --password-stdin a password is generated and printed once.")
    q.add_argument("name", metavar="NAME", help="the person's login role (lower-case letters, digits, _)")
    q.add_argument("--role", choices=("owner", "editor", "viewer"), required=True,
                   help="which group the person joins: owner | editor | viewer")
    q.add_argument("--schema", metavar="S", help="the team's schema (default: the URL's ?schema=, else public)")
    q.add_argument("--group", metavar="NAME",
                   help="the group role's name when team init was given other names (e.g. --group shop_ro)")
    q.add_argument("--password-stdin", action="store_true", help="read the password from the first line of "
                                                                 "standard input instead of generating one")

    p = _add(sub, "extension", "the browser extension shipped in this package", """\
  shoptally extension path       # the folder to pick in chrome://extensions → Load unpacked
  shoptally extension pack --out ~/Downloads""")
    esub = _actions(p, "extension_command")
    _add(esub, "path", "print the unpacked extension folder to load (chrome://extensions → Load unpacked)",
         "  shoptally extension path")
    q = _add(esub, "pack", "build the extension's zip and print its path", """\
  shoptally extension pack                      # into the current folder
  shoptally extension pack --out dist --store   # the zip to upload to the Chrome Web Store""")
    q.add_argument("--out", metavar="DIR", default=".", help="the folder to write the zip to (default: here)")
    q.add_argument("--store", action="store_true",
                   help="without the manifest's key, for uploading to the Chrome Web Store")
    return parser
