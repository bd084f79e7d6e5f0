"""The `shoptally` command: argparse front, each command a thin call into the modules."""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import logging
import sys
import tempfile
import traceback
from pathlib import Path

from companion import __version__, config


class UserError(Exception):
    """One sentence for the user; `code` is the exit status."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def _common(p: argparse.ArgumentParser, nested: bool = False) -> None:
    """`nested`: options repeated on an action's parser (`pair approve --data-dir X`) must not reset the
    value given before the action, so their default is to leave it alone."""
    extra = {"default": argparse.SUPPRESS} if nested else {}
    p.add_argument("--data-dir", help="data folder (default: $SHOPTALLY_DATA_DIR, else the user data dir)", **extra)
    p.add_argument("--database-url", help="sqlite:///FILE or postgresql://… (default: $SHOPTALLY_DATABASE_URL)",
                   **extra)
    p.add_argument("--debug", action="store_true", help="show tracebacks and debug logs", **extra)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shoptally", description="Local profit and settlement ledger.")
    parser.add_argument("--version", action="version", version=f"shoptally {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("serve", help="run the daemon (server, scheduler, tray)")
    _common(p)
    p.add_argument("--port", type=int, default=config.DEFAULT_PORT, help="port on 127.0.0.1 (0: any free port)")
    p.add_argument("--no-tray", action="store_true", help="run without a tray icon")
    p.add_argument("--no-scheduler", action="store_true", help="do not run scheduled syncs")
    p.add_argument("--demo", action="store_true", help="start on a generated demo dataset (temporary data dir)")

    p = sub.add_parser("import", help="import settlement report files")
    _common(p)
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--account", help="store the files belong to, when they do not say")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")

    p = sub.add_parser("report", help="the profit report")
    _common(p)
    p.add_argument("--period", default="this-month")
    p.add_argument("--basis", choices=("settlement", "order"), default="settlement")
    p.add_argument("--by", choices=("store", "sku", "msku", "order"), default="store")
    p.add_argument("--account")
    p.add_argument("--currency")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("reset", help="delete settlement records of one store or all stores")
    _common(p)
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--account")
    g.add_argument("--all", action="store_true")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    p = sub.add_parser("pair", help="extension pairing requests of the running daemon")
    _common(p)
    psub = p.add_subparsers(dest="pair_command", required=True, metavar="ACTION")
    q = psub.add_parser("list", help="pending requests and paired browsers")
    q.add_argument("--json", action="store_true")
    psub.add_parser("approve", help="approve a pending request").add_argument("code", nargs="?")
    psub.add_parser("deny", help="deny a pending request").add_argument("code", nargs="?")
    psub.add_parser("revoke", help="revoke a paired browser").add_argument("id", type=int)
    for action in psub.choices.values():
        _common(action, nested=True)

    p = sub.add_parser("sync", help="ask the running daemon to run Sync Settlement")
    _common(p)
    p.add_argument("--account")

    for kind, what, columns in (
            ("costs", "SKU unit costs", "sku_id,unit_cost,currency[,effective_from][,msku]"),
            ("fees", "custom fees (store, product or order)", "level,account,target,month,amount,currency[,name]"),
            ("fx", "dated exchange rates", "date,from,to,rate")):
        p = sub.add_parser(kind, help=f"{what}: import FILE.csv ({columns})")
        _common(p)
        actions = p.add_subparsers(dest="figures_command", required=True, metavar="ACTION")
        q = actions.add_parser("import", help=f"import {what} from a CSV file with columns {columns}")
        q.add_argument("file", metavar="FILE.csv")
        q.add_argument("--json", action="store_true")
        _common(q, nested=True)

    p = sub.add_parser("reconcile", help="compare stored lines with the totals the platforms state")
    _common(p)
    p.add_argument("--account")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("schedule", help="auto-sync schedules per store")
    _common(p)
    ssub = p.add_subparsers(dest="schedule_command", required=True, metavar="ACTION")
    q = ssub.add_parser("list", help="every schedule with its next and last run, and the latest runs")
    q.add_argument("--json", action="store_true")
    q = ssub.add_parser("set", help="sync a store every N hours or at times of day, or turn it off")
    q.add_argument("store", metavar="STORE")
    q.add_argument("off", nargs="?", choices=["off"], help="turn the store's auto-sync off")
    q.add_argument("--every", help="an interval such as 30m, 6h or 1d")
    q.add_argument("--at", help="times of day in the store's time zone, such as 09:00,21:00")
    q = ssub.add_parser("run-now", help="sync one store (or all) now, as a schedule would, and wait for it")
    q.add_argument("store", nargs="?", metavar="STORE")
    q.add_argument("--no-wait", action="store_true", help="only start it")
    for action in ssub.choices.values():
        _common(action, nested=True)

    p = sub.add_parser("browser", help="the browser shoptally starts for unattended syncs")
    _common(p)
    bsub = p.add_subparsers(dest="browser_command", required=True, metavar="ACTION")
    _common(bsub.add_parser("login", help="open its profile in a window to log in to the seller centers once"),
            nested=True)

    p = sub.add_parser("backup", help="one-file backups of all data, and restoring one")
    _common(p)
    bk = p.add_subparsers(dest="backup_command", required=True, metavar="ACTION")
    q = bk.add_parser("create", help="write a backup file (default: DATA_DIR/backups/…)")
    q.add_argument("--out", metavar="FILE")
    q = bk.add_parser("restore", help="replace all data with a backup file's (a safety backup is taken first)")
    q.add_argument("file", metavar="FILE")
    q.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    for action in bk.choices.values():
        _common(action, nested=True)

    p = sub.add_parser("cloud", help="end-to-end encrypted sync of the whole dataset between devices")
    _common(p)
    csub = p.add_subparsers(dest="cloud_command", required=True, metavar="ACTION")
    q = csub.add_parser("push", help="upload this dataset, replacing the cloud copy for the key")
    q.add_argument("--key", required=True, help="the sync key (at least 6 characters; the same on every device)")
    q.add_argument("--label", required=True, help="this device's name, shown to the others")
    q.add_argument("--target", help="file:///FOLDER, webdav(s)://…, s3://BUCKET/PREFIX (default: the setting)")
    q = csub.add_parser("pull", help="download the cloud copy and merge it, after a preview")
    q.add_argument("--key", required=True)
    q.add_argument("--target")
    g = q.add_mutually_exclusive_group()
    g.add_argument("--dry-run", action="store_true", help="only show what would be added, updated, skipped")
    g.add_argument("--yes", action="store_true", help="merge without asking")
    q.add_argument("--json", action="store_true")
    for action in csub.choices.values():
        _common(action, nested=True)

    p = sub.add_parser("reparse", help="re-run the current adapters over the stored raw captures and files")
    _common(p)
    p.add_argument("--site", help="only captures of this site (tiktok, temu, shein, import)")
    p.add_argument("--json", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Only the daemon logs what it does; other commands print their result and, on failure, one line.
    level = logging.DEBUG if args.debug else logging.INFO if args.command == "serve" else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return COMMANDS[args.command](args) or 0
    except UserError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"shoptally: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if args.debug:
            raise
        print(f"shoptally: {exc.__class__.__name__}: {exc} (run again with --debug for details)", file=sys.stderr)
        return 1


def _cfg(args) -> config.Config:
    return config.resolve(args.data_dir, args.database_url)


def _daemon(cfg: config.Config, required: bool) -> str | None:
    from companion.cli.client import running_daemon

    base = running_daemon(cfg)
    if base is None and required:
        raise UserError(f"the daemon is not running on {cfg.data_dir}: start it with `shoptally serve`")
    return base


def _call(cfg, base, method, path, body=None) -> dict:
    from companion.cli.client import DaemonRefused, DaemonUnavailable, call

    try:
        return call(cfg, base, method, path, body)
    except DaemonRefused as exc:
        raise UserError(str(exc)) from exc
    except DaemonUnavailable as exc:
        raise UserError(str(exc)) from exc


def _open_db(cfg):
    from companion.backup.snapshot import open_database
    from companion.store.db import DatabaseUrlError, redact_url

    try:
        return open_database(cfg.database_url, backup_dir=cfg.backups_dir)
    except DatabaseUrlError as exc:
        raise UserError(str(exc)) from exc
    except Exception as exc:
        reason = " ".join(str(exc).split()) or exc.__class__.__name__  # drivers' messages span lines
        raise UserError(f"cannot open the database {redact_url(cfg.database_url)}: {reason}") from exc


def cmd_serve(args) -> int:
    from companion.daemon import DaemonError, run_daemon

    if args.demo and not args.data_dir:
        args.data_dir = tempfile.mkdtemp(prefix="shoptally-demo-")
    cfg = _cfg(args)
    if args.demo and not args.database_url:
        cfg.database_url = config.sqlite_url(cfg.data_dir / config.DB_FILE)
    if not (0 <= args.port <= 65535):
        raise UserError(f"--port {args.port} is not a port number (0-65535)")
    try:
        if args.no_tray:
            def say(_service) -> None:  # once it runs: a daemon that cannot start says only why
                logging.getLogger("companion.tray").info("tray: off (--no-tray); running without a tray icon")

            asyncio.run(run_daemon(cfg, args.port, demo=args.demo, scheduler=not args.no_scheduler, started=say))
        else:
            from companion.tray.run import serve

            serve(run_daemon, cfg, args.port, demo=args.demo, scheduler=not args.no_scheduler)
    except DaemonError as exc:
        raise UserError(str(exc)) from exc
    return 0


def cmd_import(args) -> int:
    from companion.pipeline import importer

    cfg = _cfg(args)
    base = _daemon(cfg, required=False)
    summaries, failed = [], []
    db = None if base else _open_db(cfg)
    for name in args.files:
        path = Path(name)
        try:
            if base:  # the daemon reads the file itself: no copy of a large export through HTTP
                importer.check_file(path)  # the same checks, with the same messages, before asking
                res = _call(cfg, base, "POST", "/api/import", {"paths": [str(path.resolve())],
                                                               "account": args.account})
                if res["errors"]:
                    raise importer.FileError(f"{name}: {res['errors'][0]['message'].partition(': ')[2]}")
                summary = res["files"][0]
            else:
                from companion.store.writer import run_inline

                content = importer.read_file(path)
                store = importer.account_store(args.account)
                large = None
                if len(content) >= importer.LARGE_FILE:
                    large = run_inline(db, importer.import_large, path.name, content, args.account or "", store)
                if large is not None:
                    summary = large.summary
                else:
                    parsed = importer.parse_file(path.name, content, args.account or "", store)
                    summary = run_inline(db, importer.commit_file, path.name, parsed).summary
            summary["file"] = name
            summaries.append(summary)
        except importer.FileError as exc:
            # the importer names the file by its base name; the user gave `name`
            reason = str(exc)
            for prefix in (f"{name}: ", f"{path.name}: "):
                if reason.startswith(prefix):
                    reason = reason[len(prefix):]
                    break
            failed.append(f"{name}: {reason}")
    if args.json:
        print(json.dumps({"files": summaries}, ensure_ascii=False))
    else:
        for s in summaries:
            print(f"{s['file']}: {s['platform']} {s['report_type']} → {s['account']}: "
                  f"{s['added']} added, {s['updated']} updated, {s['skipped']} skipped")
    for line in failed:
        print(f"shoptally: {line}", file=sys.stderr)
    return 2 if failed else 0


def cmd_report(args) -> int:
    from companion.reports import reporting
    from companion.store.stores import UnknownAccount

    cfg = _cfg(args)
    _open_db(cfg)
    try:
        rep = reporting.profit_report(period=args.period, basis=args.basis, by=args.by,
                                      account=args.account, currency=args.currency)
    except (reporting.ReportError, UnknownAccount, ValueError) as exc:
        raise UserError(str(exc)) from exc
    if args.json:
        print(json.dumps(rep, ensure_ascii=False))
        return 0
    from companion.cli.report_text import lines

    print("\n".join(lines(rep)))
    return 0


def cmd_reset(args) -> int:
    from companion.store import settlements, stores
    from companion.store.writer import run_inline

    cfg = _cfg(args)
    db = _open_db(cfg)
    what = f"store {args.account!r}" if args.account else "all stores"
    try:
        if args.account:
            stores.by_name(args.account)
    except stores.UnknownAccount as exc:
        raise UserError(str(exc)) from exc
    count = settlements.count_lines(args.account)
    if not args.yes:
        if not sys.stdin.isatty():
            raise UserError(f"this deletes {count} settlement records of {what}; pass --yes to confirm")
        answer = input(f"Delete {count} settlement records of {what}? Type yes to confirm: ")
        if answer.strip().lower() != "yes":
            raise UserError("nothing deleted")
    base = _daemon(cfg, required=False)
    if base:
        res = _call(cfg, base, "POST", "/api/reset", {"account": args.account} if args.account else {"all": True})
        removed = res["removed"]
    else:
        removed = sum(c.removed for c in run_inline(db, settlements.reset, args.account).changes)
    print(f"deleted {removed} settlement records of {what}")
    return 0


def cmd_pair(args) -> int:
    cfg = _cfg(args)
    base = _daemon(cfg, required=True)
    if args.pair_command == "list":
        state = _call(cfg, base, "GET", "/api/pairing")
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
        res = _call(cfg, base, "POST", "/api/pairing/approve", {"code": args.code})
        print(f"paired {res['name']} (code {res['code']}, id {res['id']})")
    elif args.pair_command == "deny":
        res = _call(cfg, base, "POST", "/api/pairing/deny", {"code": args.code})
        print(f"denied {res['name']} (code {res['code']})")
    else:
        res = _call(cfg, base, "POST", "/api/pairing/revoke", {"id": args.id})
        print(f"revoked paired browser #{res['id']} ({res['closed']} connection(s) closed)")
    return 0


def cmd_sync(args) -> int:
    cfg = _cfg(args)
    base = _daemon(cfg, required=True)
    res = _call(cfg, base, "POST", "/api/sync", {"account": args.account})
    print(f"sync started on {res['site']}" + (f" for {res['account']}" if res["account"] else "")
          + f" (command {res['command_id']}); the Finance view shows its progress")
    return 0


def cmd_figures(args) -> int:
    from companion.ledger.inputs import InputError
    from companion.pipeline import seller_figures
    from companion.store import stores
    from companion.store.writer import run_inline

    cfg = _cfg(args)
    path = Path(args.file)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise UserError(f"{args.file}: cannot be read ({exc.strerror or exc})", 2) from exc
    base = _daemon(cfg, required=False)
    if base:
        from companion.cli.client import DaemonRefused, call

        try:
            res = call(cfg, base, "POST", f"/api/figures/{args.command}",
                       {"name": path.name, "content_base64": base64.b64encode(content).decode()})
        except DaemonRefused as exc:  # the file was refused: the same exit code as offline
            raise UserError(str(exc), 2 if exc.status in (404, 422) else 1) from exc
    else:
        db = _open_db(cfg)
        try:
            rows = seller_figures.read(args.command, path.name, content)
            saved = run_inline(db, seller_figures.save, args.command, rows)
        except InputError as exc:
            raise UserError(str(exc), 2) from exc
        except stores.UnknownAccount as exc:
            raise UserError(f"{path.name}: {exc}", 2) from exc
        res = {"file": path.name, "kind": args.command, **saved.json()}
    res["file"] = args.file
    if args.json:
        print(json.dumps(res, ensure_ascii=False))
    else:
        print(f"{args.file}: {args.command}: {res['added']} added, {res['updated']} updated, {res['skipped']} skipped")
    return 0


def cmd_reconcile(args) -> int:
    from companion.reports import reconcile
    from companion.store.stores import UnknownAccount

    cfg = _cfg(args)
    _open_db(cfg)
    try:
        found = reconcile.run(args.account)
    except UnknownAccount as exc:
        raise UserError(str(exc)) from exc
    if args.json:
        print(json.dumps(found, ensure_ascii=False))
    else:
        for line in reconcile.text(found):
            print(line)
    return 1 if found["problems"] else 0


def cmd_reparse(args) -> int:
    from companion.pipeline import reparse

    cfg = _cfg(args)
    base = _daemon(cfg, required=False)
    if base:
        res = _call(cfg, base, "POST", "/api/reparse", {"site": args.site})
    else:
        db = _open_db(cfg)
        res = reparse.run_offline(db, args.site)
    if args.json:
        print(json.dumps(res, ensure_ascii=False))
    else:
        print(reparse.text(res))
    return 0


def cmd_schedule(args) -> int:
    import time as clock

    from companion.automation import schedules
    from companion.store import stores
    from companion.store.writer import run_inline

    cfg = _cfg(args)
    base = _daemon(cfg, required=args.schedule_command == "run-now")
    if args.schedule_command == "list":
        if base:
            state = _call(cfg, base, "GET", "/api/automation")
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
            raise UserError("give one of --every 6h, --at 09:00,21:00 or off", 2)
        body = {"account": args.store, "every": args.every, "at": args.at, "off": args.off == "off"}
        if base:
            row = _call(cfg, base, "POST", "/api/schedules", body)["schedule"]
        else:
            db = _open_db(cfg)
            try:
                row = run_inline(db, schedules.set_schedule, args.store, args.every, args.at, args.off == "off")
            except (stores.UnknownAccount, schedules.ScheduleError) as exc:
                raise UserError(str(exc), 2) from exc
        if row is None:
            print(f"{args.store}: auto-sync off")
        else:
            when = f"every {row['every']}" if row["every"] else f"at {','.join(row['at'])} ({row['timezone']})"
            print(f"{row['account']}: auto-sync {when}; next run {row['next_run_at']}")
        return 0
    # run-now: through the daemon, which owns the extension connection and the sync browser
    before = {r["id"] for r in _call(cfg, base, "GET", "/api/automation")["runs"]}
    _call(cfg, base, "POST", "/api/schedules/run-now", {"account": args.store, "trigger": "manual"})
    print(f"sync of {args.store or 'all stores'} started")
    if args.no_wait:
        return 0
    while True:  # its record appears when it ends
        clock.sleep(1)
        runs = [r for r in _call(cfg, base, "GET", "/api/automation")["runs"]
                if r["id"] not in before and r["status"] != "running" and r["account"] == args.store]
        if runs:
            run = runs[0]
            print(f"{run['status']}: {run['records']} records, {run['pages']} pages via {run['via'] or '-'}"
                  + (f"; {run['error']}" if run["error"] else ""))
            return 0 if run["status"] == "done" else 1


def cmd_backup(args) -> int:
    from companion.backup import archive, restore, snapshot
    from companion.store.writer import run_inline

    cfg = _cfg(args)
    if args.backup_command == "create":
        out = Path(args.out).expanduser().resolve() if args.out else snapshot.new_path(cfg.backups_dir, "manual")
        if out.exists():
            raise UserError(f"{out} exists already: choose another --out", 2)
        db = _open_db(cfg)  # a read transaction: consistent while the daemon writes
        try:
            manifest = snapshot.create(db, out)
        except OSError as exc:
            raise UserError(f"{out}: cannot be written ({exc.strerror or exc})") from exc
        print(f"backup written to {out}: {manifest['tables'].get('settlement_line', 0)} settlement lines, "
              f"{sum(manifest['tables'].values())} rows in {len(manifest['tables'])} tables")
        return 0
    path = Path(args.file).expanduser().resolve()
    try:
        manifest = restore.check(path)
    except archive.BackupError as exc:
        raise UserError(str(exc), 2) from exc
    lines = manifest["tables"].get("settlement_line", 0)
    if not args.yes:
        question = (f"Replace all data on {cfg.data_dir} with {path.name} (made {manifest['created_at']}, "
                    f"{lines} settlement lines)?")
        if not sys.stdin.isatty():
            raise UserError(f"{question[:-1]}: pass --yes to confirm")
        if input(question + " Type yes to confirm: ").strip().lower() != "yes":
            raise UserError("nothing restored")
    base = _daemon(cfg, required=False)
    if base:
        res = _call(cfg, base, "POST", "/api/backup/restore", {"path": str(path)})
        counts, safety = res["tables"], res["safety_backup"]
    else:
        db = _open_db(cfg)
        try:
            counts, _change, safety = run_inline(db, restore.run, db, path, manifest, cfg.backups_dir)
        except archive.BackupError as exc:
            raise UserError(str(exc), 2) from exc
    print(f"restored {path.name}: {counts.get('settlement_line', 0)} settlement lines, "
          f"{sum(counts.values())} rows; the data before it is in {safety}")
    return 0


def cmd_cloud(args) -> int:
    from companion.cloud import crypto, sync, targets
    from companion.store import app_settings
    from companion.store.writer import run_inline

    cfg = _cfg(args)
    try:
        crypto.check_key(args.key)
    except crypto.SyncKeyError as exc:
        raise UserError(str(exc), 2) from exc
    db = _open_db(cfg)
    target = args.target or app_settings.get_all().get("cloud_target") or ""
    if not target:
        raise UserError("no sync target: give --target file:///FOLDER, webdavs://… or s3://BUCKET/PREFIX, or set "
                        "it in Settings → Data Management", 2)
    base = _daemon(cfg, required=False)
    try:
        if args.cloud_command == "push":
            res = sync.push(db, args.key, args.label, target)
            print(f"uploaded {res['tables'].get('settlement_line', 0)} settlement lines as {res['device']} to "
                  f"{res['target']} ({res['bytes']} bytes, encrypted)")
            return 0
        preview, _ = sync.pull(db, args.key, target, write=False)
    except (sync.SyncError, targets.TargetError) as exc:
        raise UserError(str(exc), 2) from exc
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
        if not sys.stdin.isatty():
            raise UserError("pass --yes to merge it, or --dry-run to only preview it")
        if input("Merge it into this device's data? Type yes to confirm: ").strip().lower() != "yes":
            raise UserError("nothing merged")
    if base:
        res = _call(cfg, base, "POST", "/api/cloud/pull", {"key": args.key, "target": target})
    else:
        try:
            res, _change = run_inline(db, sync.pull, db, args.key, target, True)
        except (sync.SyncError, targets.TargetError) as exc:
            raise UserError(str(exc), 2) from exc
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
        raise UserError("the sync browser's profile is in use (a sync is running, or it is open already): "
                        "try again when it is done")
    try:
        try:
            proc = browser.open_for_login(cfg.data_dir)
        except browser.BrowserMissing as exc:
            raise UserError(str(exc)) from exc
        print("log in to each seller center in the window that opened (TikTok Shop, Temu, SHEIN), "
              "then close the window; unattended syncs use this login")
        proc.wait()
    finally:
        lock.release()
    print("the sync browser's profile is saved")
    return 0


COMMANDS = {"serve": cmd_serve, "import": cmd_import, "report": cmd_report, "reset": cmd_reset,
            "pair": cmd_pair, "sync": cmd_sync, "costs": cmd_figures, "fees": cmd_figures, "fx": cmd_figures,
            "reconcile": cmd_reconcile, "reparse": cmd_reparse, "schedule": cmd_schedule, "browser": cmd_browser,
            "backup": cmd_backup, "cloud": cmd_cloud}
