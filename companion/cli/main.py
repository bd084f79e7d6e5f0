"""The `shoptally` command: argparse front, each command a thin call into the modules."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import sys
import tempfile
import traceback
from pathlib import Path

from companion import config
from companion.cli import closed_pipe, progress
from companion.cli.client import call, call_following, running_daemon
from companion.cli.parser import build_parser
from companion.errors import BadInput, Busy, Cancelled, Failed, NotFound, ShoptallyError, Unavailable
from companion.store.workers import Inline, complete


def main(argv: list[str] | None = None) -> int:
    try:
        try:
            code = _run(argv)
        except SystemExit:  # argparse's own ends (--help, --version, a usage error) print too
            sys.stdout.flush()
            raise
        sys.stdout.flush()  # here, where a reader that went away is seen, rather than at the interpreter's exit
        return code
    except BrokenPipeError as exc:
        if closed_pipe.stdout_is_closed():
            return closed_pipe.quiet_exit()
        # another pipe (a socket): said like any other unexpected error
        print(f"shoptally: {exc.__class__.__name__}: {exc} (run again with --debug for details)", file=sys.stderr)
        return 1


def _run(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    if os.name == "posix":  # every file shoptally writes (database, backups, exports) is the seller's alone
        os.umask(0o077)
    # Only the daemon logs what it does; other commands print their result and, on failure, one line.
    level = logging.DEBUG if args.debug else logging.INFO if args.command == "serve" else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return COMMANDS[args.command](args) or 0
    except ShoptallyError as exc:  # the one place an error becomes a line and an exit code (companion/errors.py)
        if args.debug:
            traceback.print_exc()
        print(f"shoptally: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        raise  # main's: the reader of the output went away
    except Exception as exc:
        if args.debug:
            raise
        print(f"shoptally: {exc.__class__.__name__}: {exc} (run again with --debug for details)", file=sys.stderr)
        return 1


def _cfg(args) -> config.Config:
    """The data dir and database the seller named (flag, else env); naming neither, the platform's data dir,
    or the data dir of a `serve --demo` running on a temporary folder when no daemon runs on that one."""
    cfg = config.resolve(args.data_dir, args.database_url)
    named = args.data_dir or args.database_url or os.environ.get("SHOPTALLY_DATA_DIR") \
        or os.environ.get("SHOPTALLY_DATABASE_URL")
    if named or running_daemon(cfg):
        return cfg
    found = config.read_demo_pointer(config.demo_pointer_path())
    if found is None:
        return cfg
    demo = config.resolve(str(found[1]), None, env={})
    if demo.data_dir == cfg.data_dir or not running_daemon(demo):
        return cfg  # a pointer a killed demo left behind
    print(f"shoptally: using the running demo's data dir {demo.data_dir} (name --data-dir for another)",
          file=sys.stderr)
    return demo


def _cfg_with_data(args) -> config.Config:
    """For commands that only read (or only work on what is stored): a data dir holding no database is refused,
    naming it, and nothing is created there."""
    cfg = _cfg(args)
    if config.holds_no_database(cfg):
        raise NotFound(f"{cfg.data_dir} holds no shoptally data (no {config.DB_FILE}): name the data dir "
                       "with --data-dir, or import files into it first (`shoptally import FILE`)")
    return cfg


def _daemon(cfg: config.Config, required: bool) -> str | None:
    base = running_daemon(cfg)
    if base is None and required:
        raise Unavailable(f"the daemon is not running on {cfg.data_dir}: start it with `shoptally serve`")
    return base


def _open_db(cfg):
    from companion.backup.snapshot import open_database
    from companion.store.db import DatabaseUrlError, redact_url

    try:
        return open_database(cfg.database_url, backup_dir=cfg.backups_dir)
    except (DatabaseUrlError, ShoptallyError):  # a refusal already said in one line (team mode: not the owner)
        raise
    except Exception as exc:
        reason = " ".join(str(exc).split()) or exc.__class__.__name__  # drivers' messages span lines
        raise Failed(f"cannot open the database {redact_url(cfg.database_url)}: {reason}") from exc


def _confirm(question: str, refusal: str, non_interactive: str) -> None:
    """Asks on a terminal; elsewhere (a script) says to pass --yes. A no leaves everything as it was."""
    if not sys.stdin.isatty():
        raise Cancelled(non_interactive)
    if input(f"{question} Type yes to confirm: ").strip().lower() != "yes":
        raise Cancelled(refusal)


def cmd_serve(args) -> int:
    from companion.daemon import run_daemon

    pointer = None
    if args.demo and not args.data_dir:
        args.data_dir = tempfile.mkdtemp(prefix="shoptally-demo-")
        if not args.database_url:
            pointer = config.demo_pointer_path()
    cfg = config.resolve(args.data_dir, args.database_url)  # never another daemon's data dir
    if args.demo and not args.database_url:
        cfg.database_url = config.sqlite_url(cfg.data_dir / config.DB_FILE)
    if not (0 <= args.port <= 65535):
        raise BadInput(f"--port {args.port} is not a port number (0-65535)")
    if args.no_tray:
        def say(_service) -> None:  # once it runs: a daemon that cannot start says only why
            logging.getLogger("companion.tray").info("tray: off (--no-tray); running without a tray icon")

        asyncio.run(run_daemon(cfg, args.port, demo=args.demo, scheduler=not args.no_scheduler, started=say,
                               demo_pointer=pointer))
    else:
        from companion.tray.run import serve

        serve(run_daemon, cfg, args.port, demo=args.demo, scheduler=not args.no_scheduler, demo_pointer=pointer)
    return 0


def cmd_open(args) -> int:
    """The view signs a browser in from a link holding the token (server/signin.py); any browser the seller
    opens it in stays signed in for 30 days."""
    import webbrowser

    cfg = _cfg(args)
    _daemon(cfg, required=True)
    link = config.signin_link((config.read_daemon_info(cfg) or {})["port"], config.read_token(cfg))
    if args.print:
        print(link)
    elif not webbrowser.open(link):
        print(f"no browser could be started here; open this link in yours: {link}")
    return 0


def cmd_import(args) -> int:
    """Each file through importer.import_file: in the daemon when one runs (it reads the file itself, no copy
    of a large export through HTTP), else here on Inline workers. A refused file is named; the others go on."""
    from companion.pipeline import importer

    cfg = _cfg(args)
    base = _daemon(cfg, required=False)
    summaries, failed = [], []
    db = None if base else _open_db(cfg)
    for name in args.files:
        path = Path(name)
        try:
            if base:
                importer.check_file(path)  # the same checks, with the same messages, before asking
                with progress.bar(args, f"import {path.name}") as report:  # drawn from the daemon's events
                    res = call_following(cfg, base, "/api/import", {"paths": [str(path.resolve())],
                                                                    "account": args.account}, report)
                if res["errors"]:
                    error = res["errors"][0]
                    raise importer.file_error(path.name, error["message"])
                summary = res["files"][0]
            else:
                content = importer.read_file(path)
                with progress.bar(args, f"import {path.name}") as report:
                    summary = complete(importer.import_file(Inline(db), path.name, content, args.account, report))
            summary["file"] = name
            summaries.append(summary)
        except importer.FileError as exc:
            failed.append(f"{name}: {exc.message}")  # named as the user gave it
    if args.json:
        print(json.dumps({"files": summaries}, ensure_ascii=False))
    else:
        for s in summaries:
            if s["account"] is None and s.get("note"):  # nothing came of the file (Temu's empty export): why
                print(f"{s['file']}: {s['note']}")
                continue
            print(f"{s['file']}: {s['platform']} {s['report_type']} → {s['account']}: "
                  f"{s['added']} added, {s['updated']} updated, {s['skipped']} skipped"
                  + (f" ({s['note']})" if s.get("note") else ""))
    for line in failed:
        print(f"shoptally: {line}", file=sys.stderr)
    return importer.FileError.exit_code if failed else 0


def cmd_report(args) -> int:
    from companion.cli.report_text import lines
    from companion.reports import reporting

    cfg = _cfg_with_data(args)
    _open_db(cfg)
    if args.kind == "sales":
        return _sales_report(args)
    if getattr(args, "kind", "profit") in ("payments", "tax"):
        from companion.cli import money_report_text

        rep = money_report_text.build(args)
        print(json.dumps(rep, ensure_ascii=False) if args.json else "\n".join(money_report_text.lines(rep)))
        return 0
    rep = reporting.profit_report(period=args.period, basis=args.basis, by=args.by,
                                  account=args.account, currency=args.currency)
    if args.json:
        print(json.dumps(rep, ensure_ascii=False))
        return 0
    print("\n".join(lines(rep)))
    return 0


def _sales_report(args) -> int:
    from companion.cli.sales_text import lines
    from companion.errors import BadInput
    from companion.reports.sales_report import sales_report

    if args.currency:
        raise BadInput.of("sales_no_currency", currency=args.currency)
    rep = sales_report(period=args.period, basis=args.basis, group=args.group, by=args.by, account=args.account)
    print(json.dumps(rep, ensure_ascii=False) if args.json else "\n".join(lines(rep)))
    return 0


def cmd_reset(args) -> int:
    from companion.store import settlements, stores

    cfg = _cfg_with_data(args)
    db = _open_db(cfg)
    what = f"store {args.account!r}" if args.account else "all stores"
    if args.account:
        stores.by_name(args.account)
    count = settlements.count_lines(args.account)
    if not args.yes:
        _confirm(f"Delete {count} settlement records of {what}?", "nothing deleted",
                 f"this deletes {count} settlement records of {what}; pass --yes to confirm")
    base = _daemon(cfg, required=False)
    if base:
        res = call(cfg, base, "POST", "/api/reset", {"account": args.account} if args.account else {"all": True})
        removed = res["removed"]
    else:
        removed = sum(c.removed for c in complete(Inline(db).write(settlements.reset, args.account)).changes)
    print(f"deleted {removed} settlement records of {what}")
    return 0


def cmd_pair(args) -> int:
    cfg = _cfg(args)
    base = _daemon(cfg, required=True)
    if args.pair_command == "list":
        state = call(cfg, base, "GET", "/api/pairing")
        if getattr(args, "json", False):
            print(json.dumps(state, ensure_ascii=False))
            return 0
        if not state["pending"]:
            print("no pending pairing requests")
        for p in state["pending"]:
            print(f"pending  {p['code']}  {p['name']}  (since {p['created_at']})")
        for p in state["paired"]:
            print(f"paired   #{p['id']}  {p['name']}  (since {p['created_at']})")
        return 0
    if args.pair_command == "approve":
        res = call(cfg, base, "POST", "/api/pairing/approve", {"code": args.code})
        print(f"paired {res['name']} (code {res['code']}, id {res['id']})")
    elif args.pair_command == "deny":
        res = call(cfg, base, "POST", "/api/pairing/deny", {"code": args.code})
        print(f"denied {res['name']} (code {res['code']})")
    else:
        res = call(cfg, base, "POST", "/api/pairing/revoke", {"id": args.id})
        print(f"revoked paired browser #{res['id']} ({res['closed']} connection(s) closed)")
    return 0


def cmd_sync(args) -> int:
    cfg = _cfg(args)
    base = _daemon(cfg, required=True)
    if not args.wait:
        res = call(cfg, base, "POST", "/api/sync", {"account": args.account, "trigger": "cli"})
        print(f"sync started on {res['site']}" + (f" for {res['account']}" if res["account"] else "")
              + f" (command {res['command_id']}); the Finance view shows its progress")
        return 0
    return _sync_and_follow(cfg, base, args.account)


def _sync_and_follow(cfg, base: str, account: str | None) -> int:
    """Listen on /ws/events first (no progress is missed), start the sync, print its progress events and the
    outcome its SyncRun records: exit 0 only when it completed."""
    from websockets.exceptions import WebSocketException
    from websockets.sync.client import connect

    from companion.cli.client import DaemonUnavailable

    url = "ws" + base.removeprefix("http") + "/ws/events"
    try:
        with connect(url, origin=base, additional_headers={"Authorization": f"Bearer {config.read_token(cfg)}"},
                     open_timeout=10, proxy=None) as ws:
            ws.recv(timeout=10)  # the hello
            res = call(cfg, base, "POST", "/api/sync", {"account": account, "trigger": "cli"})
            cid = res["command_id"]
            print(f"sync started on {res['site']}" + (f" for {res['account']}" if res["account"] else "")
                  + (" (queued behind the sync running now)" if res.get("queued") else ""), flush=True)
            while True:
                ev = json.loads(ws.recv())
                ours = ev.get("command_id") == cid
                if ev.get("event") == "sync.progress" and ours and ev.get("stage") not in ("done", "error"):
                    print(f"{ev.get('stage')}: {ev.get('pages') or 0} pages, {ev.get('records') or 0} records"
                          + (f" ({ev['message']})" if ev.get("message") else ""), flush=True)
                elif ev.get("event") == "sync.run" and ev["run"].get("command_id") == cid \
                        and ev["run"]["status"] != "running":
                    run = ev["run"]
                    break
    except (OSError, WebSocketException) as exc:
        raise DaemonUnavailable(f"the daemon at {base} stopped sending the sync's progress ({exc})") from exc
    if run["status"] != "done":
        raise Failed(f"the sync {'was skipped' if run['status'] == 'skipped' else 'failed'}: "
                     f"{run['error'] or run['status']} ({run['records']} records, {run['pages']} pages stored)")
    print(f"done: {run['records']} records, {run['pages']} pages via {run['via'] or '-'}")
    return 0


def cmd_figures(args) -> int:
    """Through seller_figures.import_figures: in the daemon when one runs, else here on Inline workers."""
    from companion.pipeline import seller_figures

    if args.figures_command == "delete":
        return _delete_figure(args)

    cfg = _cfg(args)
    path = Path(args.file)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"cannot be read ({exc.strerror or exc})", file=args.file) from exc
    base = _daemon(cfg, required=False)
    if base:
        res = call(cfg, base, "POST", f"/api/figures/{args.command}",
                    {"name": path.name, "content_base64": base64.b64encode(content).decode()})
    else:
        res = complete(seller_figures.import_figures(Inline(_open_db(cfg)), args.command, path.name, content))
    res["file"] = args.file
    if args.json:
        print(json.dumps(res, ensure_ascii=False))
    else:
        print(f"{args.file}: {args.command}: {res['added']} added, {res['updated']} updated, {res['skipped']} skipped")
    return 0


def _delete_figure(args) -> int:
    """`purchases delete` / `skumap delete`: in the daemon when one runs (its views reload), else here."""
    from companion.store import purchases, sku_map

    cfg = _cfg_with_data(args)
    if args.command == "purchases":
        what, body = f"purchase order {args.order_no}", {"order_no": args.order_no, "source": args.source}
        path, work, params = "/api/purchases/delete", purchases.delete, (args.order_no, args.source)
    else:
        account = args.account or ""
        what = f"SKU map entry {args.supplier_sku}" + (f" of {account}" if account else "")
        body = {"supplier_sku": args.supplier_sku, "store": account}
        path, work, params = "/api/skumap/delete", sku_map.delete, (args.supplier_sku, account)
    base = _daemon(cfg, required=False)
    if base:
        res = call(cfg, base, "POST", path, body)
    else:
        res = complete(Inline(_open_db(cfg)).write(work, *params)).json()
    if args.json:
        print(json.dumps(res, ensure_ascii=False))
    else:
        print(f"deleted {what}")
    return 0


def _store_choice(args, listing: bool, route: str, field: str, module, setter, value: str | None,
                  none_yet: str = "") -> int:
    """A per-store choice (costing, Shopify's sales tax): list every store's, or set one store's; through the
    daemon when one runs, else straight into the database."""
    cfg = _cfg_with_data(args) if listing else _cfg(args)
    base = _daemon(cfg, required=False)
    if listing:
        if base:
            rows = call(cfg, base, "GET", route)["stores"]
        else:
            _open_db(cfg)
            rows = module.listing()
    else:
        module.check(value)
        if base:
            rows = [call(cfg, base, "POST", route, {"account": args.store, field: value})]
        else:
            rows = [complete(Inline(_open_db(cfg)).write(setter, args.store, value)).json()]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
    else:
        if not rows and none_yet:
            print(none_yet)
        for row in rows:
            print(f"{row['account']}: {row[field]}")
    return 0


def cmd_costing(args) -> int:
    """Each store's costing (fixed | moving_average): list, or set one store's."""
    from companion.store import costing

    return _store_choice(args, args.costing_command == "list", "/api/costing", "method", costing,
                         costing.set_method, getattr(args, "method", None))


def cmd_sales_tax(args) -> int:
    """Each Shopify store's sales with or without tax: list, or set one store's."""
    from companion.store import sales_tax

    return _store_choice(args, args.sales_tax_command == "list", "/api/sales-tax", "sales_tax", sales_tax,
                         sales_tax.set_choice, getattr(args, "choice", None),
                         "no Shopify store yet: the choice is a Shopify store's (import a Shopify export first)")


def cmd_reconcile(args) -> int:
    from companion.reports import reconcile

    cfg = _cfg_with_data(args)
    _open_db(cfg)
    found = reconcile.run(args.account)
    if args.json:
        print(json.dumps(found, ensure_ascii=False))
    else:
        for line in reconcile.text(found):
            print(line)
    return 1 if found["problems"] else 0


def cmd_reparse(args) -> int:
    """Through reparse.run: in the daemon when one runs, else here on Inline workers."""
    from companion.pipeline import reparse

    cfg = _cfg_with_data(args)
    base = _daemon(cfg, required=False)
    with progress.bar(args, "reparse") as report:
        if base:
            res = call_following(cfg, base, "/api/reparse", {"site": args.site}, report)
        else:
            res = complete(reparse.run(Inline(_open_db(cfg)), args.site, report))
    if args.json:
        print(json.dumps(res, ensure_ascii=False))
    else:
        print(reparse.text(res))
    return 0


def cmd_schedule(args) -> int:
    import time as clock

    from companion.automation import schedules

    cfg = _cfg_with_data(args) if args.schedule_command != "run-now" else _cfg(args)
    base = _daemon(cfg, required=args.schedule_command == "run-now")
    if args.schedule_command == "list":
        if base:
            state = call(cfg, base, "GET", "/api/automation")
        else:
            _open_db(cfg)
            state = {"schedules": schedules.listing(), "runs": schedules.recent_runs(20), "paused": None}
        if args.json:
            print(json.dumps(state, ensure_ascii=False))
            return 0
        if not state["schedules"]:
            print("no schedules: set one with `shoptally schedule set STORE --every 6h`")
        for row in state["schedules"]:
            when = f"every {row['every']}" if row["every"] else f"at {','.join(row['at'])} ({row['timezone']})"
            last = f"{row['last_run_at']} {row['last_status']}" if row["last_run_at"] else "never"
            print(f"{row['account']}: {when}; next {row['next_run_at'] or '-'}; last {last}")
        if state.get("paused"):
            print("auto-sync is paused")
        return 0
    if args.schedule_command == "set":
        if [args.every is not None, args.at is not None, args.off == "off"].count(True) != 1:
            raise BadInput("give one of --every 6h, --at 09:00,21:00 or off")
        body = {"account": args.store, "every": args.every, "at": args.at, "off": args.off == "off"}
        if base:
            row = call(cfg, base, "POST", "/api/schedules", body)["schedule"]
        else:
            db = _open_db(cfg)
            row = complete(Inline(db).write(schedules.set_schedule, args.store, args.every, args.at,
                                            args.off == "off"))
        if row is None:
            print(f"{args.store}: auto-sync off")
        else:
            when = f"every {row['every']}" if row["every"] else f"at {','.join(row['at'])} ({row['timezone']})"
            print(f"{row['account']}: auto-sync {when}; next run {row['next_run_at']}")
        return 0
    # run-now: through the daemon, which owns the extension connection and the sync browser
    before = {r["id"] for r in call(cfg, base, "GET", "/api/automation")["runs"]}
    call(cfg, base, "POST", "/api/schedules/run-now", {"account": args.store, "trigger": "manual"})
    print(f"sync of {args.store or 'all stores'} started")
    if args.no_wait:
        return 0
    while True:  # its record appears when it ends
        clock.sleep(1)
        runs = [r for r in call(cfg, base, "GET", "/api/automation")["runs"]
                if r["id"] not in before and r["status"] != "running" and r["account"] == args.store]
        if runs:
            run = runs[0]
            print(f"{run['status']}: {run['records']} records, {run['pages']} pages via {run['via'] or '-'}"
                  + (f"; {run['error']}" if run["error"] else ""))
            return 0 if run["status"] == "done" else 1


def cmd_backup(args) -> int:
    """Restore through restore.restore_file: in the daemon when one runs, else here on Inline workers."""
    from companion.backup import restore, snapshot

    cfg = _cfg_with_data(args) if args.backup_command == "create" else _cfg(args)
    if args.backup_command == "create":
        out = Path(args.out).expanduser().resolve() if args.out else snapshot.new_path(cfg.backups_dir, "manual")
        if out.exists():
            raise BadInput("exists already: choose another --out", file=str(out))
        db = _open_db(cfg)  # a read transaction: consistent while the daemon writes
        try:
            with progress.bar(args, "backup") as report:
                manifest = snapshot.create(db, out, progress=report)
        except OSError as exc:
            raise Failed(f"cannot be written ({exc.strerror or exc})", file=str(out)) from exc
        print(f"backup written to {out}: {manifest['tables'].get('settlement_line', 0)} settlement lines, "
              f"{sum(manifest['tables'].values())} rows in {len(manifest['tables'])} tables")
        return 0
    path = Path(args.file).expanduser().resolve()
    manifest = restore.check(path)
    lines = manifest["tables"].get("settlement_line", 0)
    if not args.yes:
        question = (f"Replace all data on {cfg.data_dir} with {path.name} (made {manifest['created_at']}, "
                    f"{lines} settlement lines)?")
        _confirm(question, "nothing restored", f"{question[:-1]}: pass --yes to confirm")
    base = _daemon(cfg, required=False)
    with progress.bar(args, "restore") as report:
        if base:
            res = call_following(cfg, base, "/api/backup/restore", {"path": str(path)}, report)
        else:
            db = _open_db(cfg)
            res = complete(restore.restore_file(Inline(db), path, cfg.backups_dir, report))
    counts = res["tables"]
    print(f"restored {path.name}: {counts.get('settlement_line', 0)} settlement lines, "
          f"{sum(counts.values())} rows; the data before it is in {res['safety_backup']}")
    return 0


def cmd_cloud(args) -> int:
    """Pull through sync.pull_into: the merge in the daemon when one runs, else here on Inline workers."""
    from companion.cloud import crypto, sync
    from companion.store import app_settings

    cfg = _cfg_with_data(args) if args.cloud_command == "push" else _cfg(args)
    crypto.check_key(args.key)
    db = _open_db(cfg)
    target = args.target or app_settings.get_all().get("cloud_target") or ""
    if not target:
        raise BadInput("no sync target: give --target file:///FOLDER, webdavs://… or s3://BUCKET/PREFIX, or set "
                       "it in Settings → Data Management")
    base = _daemon(cfg, required=False)
    if args.cloud_command == "push":
        with progress.bar(args, "cloud push") as report:
            res = sync.push(db, args.key, args.label, target, report)
        print(f"uploaded {res['tables'].get('settlement_line', 0)} settlement lines as {res['device']} to "
              f"{res['target']} ({res['bytes']} bytes, encrypted)")
        return 0
    with progress.bar(args, "cloud pull") as report:
        preview = complete(sync.pull_into(Inline(db), args.key, target, write=False, progress=report))
    if args.json and (args.dry_run or not args.yes):
        print(json.dumps(preview, ensure_ascii=False))
    elif not args.json:
        print(f"cloud copy from {preview['device']} ({preview['created_at']}):")
        for table, c in preview["tables"].items():
            if any(c.values()):
                print(f"  {table}: {c['added']} added, {c['updated']} updated, {c['skipped']} skipped")
    if args.dry_run:
        return 0
    if not args.yes:
        _confirm("Merge it into this device's data?", "nothing merged",
                 "pass --yes to merge it, or --dry-run to only preview it")
    with progress.bar(args, "cloud pull") as report:
        if base:
            res = call_following(cfg, base, "/api/cloud/pull", {"key": args.key, "target": target}, report)
        else:
            res = complete(sync.pull_into(Inline(db), args.key, target, write=True, progress=report))
    if args.json:
        print(json.dumps(res, ensure_ascii=False))
    else:
        lines = res["tables"].get("settlement_line", {})
        print(f"merged: {lines.get('added', 0)} settlement lines added, {lines.get('updated', 0)} updated")
    return 0


def cmd_browser(args) -> int:
    from companion.automation import browser

    cfg = _cfg(args)
    lock = browser.ProfileLock(cfg.data_dir)
    if not lock.acquire():
        raise Busy("the sync browser's profile is in use (a sync is running, or it is open already): "
                   "try again when it is done")
    try:
        proc = browser.open_for_login(cfg.data_dir)
        print("log in to each seller center in the window that opened (TikTok Shop, Temu, SHEIN), "
              "then close the window; unattended syncs use this login")
        proc.wait()
    finally:
        lock.release()
    print("the sync browser's profile is saved")
    return 0


def cmd_team(args) -> int:
    """Team mode's roles in PostgreSQL (store/team.py): init prints or runs the SQL; add-user adds a person."""
    from urllib.parse import urlsplit

    from companion.store import team
    from companion.store.db import make_database, url_schema

    cfg = _cfg(args)
    url = cfg.database_url
    if not url.lower().startswith(("postgresql://", "postgres://")):
        raise BadInput.of("team_needs_postgres")
    schema = args.schema or url_schema(url)
    db = make_database(url)
    if args.team_command == "init":
        t = team.team(schema, args.owner, args.editor, args.viewer)
        if args.print:
            print(";\n".join(team.init_sql(t, db.database)) + ";")
            return 0
        _connect(db, url)
        try:
            team.init(db, t)
        finally:
            db.close()
        print(f"schema {t.schema}: owner {t.owner}, editor {t.editor}, viewer {t.viewer}; add people with "
              f"`shoptally team add-user NAME --role editor`")
        return 0
    t = team.team(schema)
    group = team.check_name(args.group) if args.group else t.group(args.role)
    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise BadInput.of("team_password_empty")
    _connect(db, url)
    try:
        created, password = team.add_user(db, args.name, group, password)
    finally:
        db.close()
    if not created:
        print(f"{args.name} already exists: now a member of {group} (its password is unchanged)")
        return 0
    print(f"created {args.name}, a member of {group}")
    if not args.password_stdin:
        print(f"password: {password}")
    parts = urlsplit(url)
    theirs = parts._replace(netloc=f"{args.name}:PASSWORD@{parts.netloc.rpartition('@')[2]}").geturl()
    print(f"they start: shoptally serve --database-url '{theirs}'")
    return 0


def _connect(db, url: str) -> None:
    from companion.store.db import redact_url

    try:
        db.connect()
    except Exception as exc:
        reason = " ".join(str(exc).split()) or exc.__class__.__name__
        raise Failed(f"cannot open the database {redact_url(url)}: {reason}") from exc


def cmd_extension(args) -> int:
    """The extension inside the installed package: its folder for Load unpacked, or a zip of it."""
    from companion.automation import extension_files

    if args.extension_command == "path":
        print(extension_files.extension_dir())
        return 0
    out = Path(args.out).expanduser().resolve()
    print(extension_files.pack(out, store=args.store))
    return 0


COMMANDS = {"serve": cmd_serve, "open": cmd_open, "import": cmd_import, "report": cmd_report, "reset": cmd_reset,
            "pair": cmd_pair, "sync": cmd_sync, "costs": cmd_figures, "fees": cmd_figures, "fx": cmd_figures,
            "logistics": cmd_figures,
            "purchases": cmd_figures, "skumap": cmd_figures, "costing": cmd_costing,
            "sales-tax": cmd_sales_tax,
            "reconcile": cmd_reconcile, "reparse": cmd_reparse, "schedule": cmd_schedule, "browser": cmd_browser,
            "backup": cmd_backup, "cloud": cmd_cloud, "team": cmd_team, "extension": cmd_extension}
