"""Team mode's roles come from PostgreSQL's own privileges (issue #20 point 3): `shoptally team init` creates
the owner, editor and viewer group roles (or only prints their SQL), `team add-user` a login per person; only
the owner migrates; an editor's daemon stores imports; a viewer's daemon serves the same figures and refuses
every change with one sentence (team_read_only), over HTTP, the CLI and the extension's socket.

Real processes on the CI's PostgreSQL. Roles belong to the whole server, not to one database: every test
names its roles at random and drops them (and its schema) afterwards, so no test sees another's."""

from __future__ import annotations

import asyncio
import json
import urllib.error

import pytest

from companion.errors import render
from companion.store.db import MIGRATIONS_DIR, make_database
from tests.support import PG_URL
from tests.support.builders import order_list_capture, order_row
from tests.support.daemon import Daemon, query, recv, run, scalar, send
from tests.support.tables import bench_export
from tests.support.team import Team, admin, new_team

pytestmark = pytest.mark.skipif(not PG_URL, reason="SHOPTALLY_TEST_DATABASE_URL is not set")
READ_ONLY = render("team_read_only", {})
LAST = sorted(p.stem for p in MIGRATIONS_DIR.glob("0*.py"))[-1][:4]


@pytest.fixture
def team():
    with new_team() as t:
        yield t


def init(t: Team):
    res = t.init()
    assert res.out == (f"schema {t.schema}: owner {t.owner}, editor {t.editor}, viewer {t.viewer}; add people "
                       "with `shoptally team add-user NAME --role editor`\n"), res


def roles_named(t: Team) -> dict[str, bool]:
    """rolname -> rolcanlogin of the team's group roles that exist."""
    return dict(query(PG_URL, "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname IN (%s, %s, %s)",
                      (t.owner, t.editor, t.viewer)))


def lines_stored(t: Team) -> int:
    return scalar(t.admin_url(), 'SELECT COUNT(*) FROM "settlement_line"')


def test_init_print_shows_the_sql_and_creates_nothing(team):
    res = team.cli("init", "--print", *team.options())
    assert res.code == 0 and res.err == "", res
    sql = res.out
    for role in (team.owner, team.editor, team.viewer):
        assert f'CREATE ROLE "{role}" NOLOGIN' in sql, sql
    assert f'CREATE SCHEMA IF NOT EXISTS "{team.schema}" AUTHORIZATION "{team.owner}";' in sql
    assert (f'ALTER DEFAULT PRIVILEGES FOR ROLE "{team.owner}" IN SCHEMA "{team.schema}" GRANT SELECT ON TABLES '
            f'TO "{team.viewer}";') in sql
    assert roles_named(team) == {}
    assert query(PG_URL, "SELECT 1 FROM pg_namespace WHERE nspname = %s", (team.schema,)) == []


def test_init_twice_creates_the_roles_and_migrations_keep_their_grants(team, tmp_path):
    init(team)
    init(team)  # idempotent: the second run changes nothing and says the same
    assert roles_named(team) == {team.owner: False, team.editor: False, team.viewer: False}
    assert scalar(PG_URL, "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = %s",
                  (team.schema,)) == team.owner
    alice, bob, carol = team.add_person("owner"), team.add_person("editor"), team.add_person("viewer")
    again = team.cli("add-user", bob, "--role", "editor", "--group", team.editor)
    assert (again.code, again.out, again.err) == (
        0, f"{bob} already exists: now a member of {team.editor} (its password is unchanged)\n", ""), again
    # the owner's member migrates the new schema as the owner role: the tables belong to the group, and the
    # default privileges grant them to the editor and the viewer
    res = run(["report", "--period", "all", "--json", "--data-dir", str(tmp_path / "a"),
               "--database-url", team.url(alice)])
    assert res.code == 0 and res.err == "", res
    owners = query(PG_URL, "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = %s", (team.schema,))
    assert owners == [(team.owner,)]
    table = f'"{team.schema}"."settlement_line"'
    privileges = query(PG_URL, "SELECT r, p, has_table_privilege(r, %s, p) FROM unnest(%s::text[]) r, "
                               "unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) p ORDER BY 1, 2",
                       (table, [bob, carol]))
    assert {(r, p): ok for r, p, ok in privileges} == {
        (bob, "DELETE"): True, (bob, "INSERT"): True, (bob, "SELECT"): True, (bob, "UPDATE"): True,
        (carol, "DELETE"): False, (carol, "INSERT"): False, (carol, "SELECT"): True, (carol, "UPDATE"): False}
    assert query(PG_URL, "SELECT has_schema_privilege(%s, %s, 'CREATE'), has_schema_privilege(%s, %s, 'CREATE')",
                 (bob, team.schema, carol, team.schema)) == [(False, False)]


def test_an_administrator_who_is_no_superuser_sets_up_a_team(team):
    """A managed service's administrator: CREATEROLE and CREATE on the database, not a superuser."""
    admin_role = f"adm_{team.schema}"
    team.people.append(admin_role)
    admin(f'CREATE ROLE "{admin_role}" LOGIN CREATEROLE')
    admin(f'GRANT CREATE ON DATABASE "{make_database(PG_URL).database}" TO "{admin_role}"')
    for _ in range(2):
        res = run(["team", "init", *team.options(), "--database-url", team.url(admin_role)])
        assert (res.code, res.err) == (0, ""), res
    assert roles_named(team) == {team.owner: False, team.editor: False, team.viewer: False}
    assert scalar(PG_URL, "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = %s",
                  (team.schema,)) == team.owner


def test_editor_imports_and_a_viewer_reads_the_same_figures_and_changes_nothing(team, tmp_path):
    init(team)
    alice, bob, carol = team.add_person("owner"), team.add_person("editor"), team.add_person("viewer")
    res = run(["report", "--period", "all", "--data-dir", str(tmp_path / "a"), "--database-url", team.url(alice)])
    assert res.code == 0, res  # migrated once, by the owner
    export = bench_export(tmp_path, 5)
    with Daemon(tmp_path / "bob", team.url(bob)) as editor, Daemon(tmp_path / "carol", team.url(carol)) as viewer:
        assert (editor.get("/api/status")["role"], viewer.get("/api/status")["role"]) == ("editor", "viewer")
        imported = editor.cli("import", str(export))
        assert imported.code == 0 and imported.err == "" and ": 5 added, 0 updated, 0 skipped" in imported.out
        stored = lines_stored(team)
        assert stored > 0
        figures = "/api/report?period=all"
        assert viewer.get(figures) == editor.get(figures)
        # the view's reads all answer on the viewer's daemon (none of them writes)
        for path in ("/api/settings", "/api/lines?period=all", "/api/automation", "/api/pairing", "/api/backups",
                     "/api/chart?period=all", "/api/reports/sales?period=all", "/api/costs"):
            viewer.get(path)
        # an import through the viewer's daemon: one line, exit 2, nothing stored
        (tmp_path / "more").mkdir()
        refused = viewer.cli("import", str(bench_export(tmp_path / "more", 5, seed=9)))
        assert (refused.code, refused.out, refused.err) == (2, "", f"shoptally: {READ_ONLY}\n"), refused
        line_id = viewer.get("/api/lines?period=all&tab=expense")["rows"][0]["id"]
        for path, body in (("/api/settings", {"order_sync_mode": "new"}),
                           ("/api/edits", {"line_id": line_id, "field": "purchase_price", "value": "1.00"}),
                           ("/api/reset", {"all": True})):
            with pytest.raises(urllib.error.HTTPError) as caught:
                viewer.fetch(path, "POST", body)
            assert caught.value.code == 403
            answer = json.loads(caught.value.read())
            assert (answer["code"], answer["message"]) == ("team_read_only", READ_ONLY), path
        # a capture from the extension is rejected for good, with the sentence (not queued to be sent again)

        async def capture() -> dict:
            ws = await viewer.extension(hello_token=viewer.token)
            frame = order_list_capture([order_row(900, "12.00")])
            await send(ws, frame)
            return await recv(ws)

        answer = asyncio.run(capture())
        assert answer == {"type": "rejected", "id": frame_id(answer), "error": READ_ONLY, "code": "team_read_only",
                          "params": {}}, answer
        assert lines_stored(team) == stored
        assert editor.get("/api/settings")["settings"]["order_sync_mode"] != "new"
        # nothing the viewer's daemon did on its own (start-up, idle work, upkeep) tried to write: PostgreSQL
        # would have refused it, and the daemon logged that
        complaints = [line for line in viewer.output().splitlines() if " WARNING " in line or " ERROR " in line]
        assert complaints == [], complaints
        assert "connected to the team's database as viewer: read-only" in viewer.output()
    # with no daemon running, the command refuses the same way, in the viewer's own process
    offline = run(["import", str(export), "--data-dir", str(tmp_path / "carol-offline"),
                   "--database-url", team.url(carol)])
    assert (offline.code, offline.out, offline.err) == (2, "", f"shoptally: {READ_ONLY}\n"), offline
    assert lines_stored(team) == stored


def frame_id(answer: dict) -> str:
    assert isinstance(answer.get("id"), str) and answer["id"], answer
    return answer["id"]


def test_pending_migrations_are_refused_to_an_editor_and_a_newer_schema_to_everyone(team, tmp_path):
    init(team)
    alice, bob, carol = team.add_person("owner"), team.add_person("editor"), team.add_person("viewer")
    needs = f"shoptally: {render('team_needs_migration', {'first': '0001', 'last': LAST})}\n"
    assert needs == f"shoptally: the database schema needs migration 0001..{LAST}: start a daemon as the owner " \
                    "role once\n"
    for person in (bob, carol):
        served = run(["serve", "--port", "0", "--no-tray", "--data-dir", str(tmp_path / person),
                      "--database-url", team.url(person)])
        assert (served.code, served.err.splitlines()[-1] + "\n") == (1, needs), served
        assert needs in served.err
    assert query(PG_URL, "SELECT 1 FROM pg_tables WHERE schemaname = %s", (team.schema,)) == []
    res = run(["report", "--period", "all", "--data-dir", str(tmp_path / "a"), "--database-url", team.url(alice)])
    assert res.code == 0, res
    # a newer shoptally migrated it since: this one refuses rather than misread the tables
    admin(f'INSERT INTO "{team.schema}"."schema_migration" (name, applied) VALUES (%s, now())', ("9999_future",))
    newer = run(["report", "--period", "all", "--data-dir", str(tmp_path / "b"), "--database-url", team.url(bob)])
    said = render("team_schema_newer", {"version": "0.1.0", "migrations": "9999_future"})
    assert (newer.code, newer.out, newer.err) == (1, "", f"shoptally: {said}\n"), newer


def test_refusals_of_team_commands_are_one_line(team, tmp_path):
    init(team)
    bob = team.add_person("editor")
    as_bob = run(["team", "init", *team.options(), "--database-url", team.url(bob)])
    assert (as_bob.code, as_bob.err) == (2, f"shoptally: {render('team_cannot_create_roles', {})}\n"), as_bob
    bad = run(["team", "init", "--owner", "Robert'); DROP", "--database-url", team.admin_url()])
    assert (bad.code, bad.err) == (2, "shoptally: " + render("team_name_invalid", {
        "what": "role", "name": "Robert'); DROP"}) + "\n"), bad
    sqlite = run(["team", "init", "--data-dir", str(tmp_path / "d")])
    assert (sqlite.code, sqlite.err) == (2, f"shoptally: {render('team_needs_postgres', {})}\n"), sqlite
    missing = run(["team", "add-user", "someone", "--role", "viewer", "--group", f"{team.viewer}_x",
                   "--database-url", team.admin_url()])
    assert (missing.code, missing.err) == (
        2, f"shoptally: {render('team_group_missing', {'role': team.viewer + '_x'})}\n"), missing
