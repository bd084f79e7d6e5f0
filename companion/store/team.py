"""`shoptally team`: the three group roles of a team's schema, and a login role per person, in PostgreSQL.

Every right is PostgreSQL's own (GRANT, schema ownership, default privileges), so what a person may do holds
whatever program connects as them:

- owner: owns the schema and its tables (only it can migrate them);
- editor: reads and changes rows (SELECT, INSERT, UPDATE, DELETE; the sequences' ids);
- viewer: reads (USAGE on the schema, SELECT).

ALTER DEFAULT PRIVILEGES FOR ROLE owner grants the tables a later migration creates (as the owner: see
store/roles.py) to editors and viewers too. Every statement may run again: `team init` twice changes nothing.
Roles are the cluster's, not one database's: the default names carry the schema so two teams on one server
keep apart.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from peewee import DatabaseError, PostgresqlDatabase

from companion.errors import BadInput, Failed, Forbidden, NotFound
from companion.store.roles import ident

NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")  # what PostgreSQL keeps as written, unquoted, in 63 bytes
GROUPS = ("owner", "editor", "viewer")


@dataclass(frozen=True)
class Team:
    schema: str
    owner: str
    editor: str
    viewer: str

    def group(self, role: str) -> str:
        return {"owner": self.owner, "editor": self.editor, "viewer": self.viewer}[role]


def check_name(name: str, what: str = "role") -> str:
    """A role or schema name: lower-case letters, digits and _, at most 63, not starting with a digit or pg_
    (PostgreSQL's own). Quoted all the same wherever it is written."""
    if not isinstance(name, str) or not NAME.fullmatch(name) or name.startswith("pg_"):
        raise BadInput.of("team_name_invalid", what=what, name=str(name)[:80])
    return name


def default_name(schema: str, role: str) -> str:
    """shoptally_owner on `public`; shoptally_<schema>_owner on another schema (roles are cluster-wide)."""
    return f"shoptally_{role}" if schema == "public" else f"shoptally_{schema}_{role}"


def team(schema: str | None, owner: str | None = None, editor: str | None = None,
         viewer: str | None = None) -> Team:
    schema = check_name(schema or "public", "schema")
    names = {role: check_name(given or default_name(schema, role))
             for role, given in (("owner", owner), ("editor", editor), ("viewer", viewer))}
    if len(set(names.values())) < 3:
        raise BadInput.of("team_names_same")
    return Team(schema, **names)


def literal(text: str) -> str:
    """A string literal (standard_conforming_strings, on since PostgreSQL 9.1)."""
    return "'" + text.replace("'", "''") + "'"


def _create_role(name: str) -> str:
    return (f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {literal(name)}) "
            f"THEN CREATE ROLE {ident(name)} NOLOGIN; END IF; END $$")


def init_sql(t: Team, database: str) -> list[str]:
    """The statements `team init` runs, in order; each may run again."""
    s, o, e, v = ident(t.schema), ident(t.owner), ident(t.editor), ident(t.viewer)
    return [
        _create_role(t.owner), _create_role(t.editor), _create_role(t.viewer),
        # whoever runs this joins the owner role: a role with CREATEROLE that is no superuser (a managed
        # service's administrator) may then make it the schema's owner and set its default privileges
        f"GRANT {o} TO CURRENT_USER",
        f"GRANT CONNECT ON DATABASE {ident(database)} TO {o}, {e}, {v}",
        f"CREATE SCHEMA IF NOT EXISTS {s} AUTHORIZATION {o}",
        f"ALTER SCHEMA {s} OWNER TO {o}",
        # a ledger that was one person's before: its tables (and the sequences no column owns) go to the owner
        "DO $$ DECLARE r record; BEGIN FOR r IN SELECT c.relname, c.relkind FROM pg_class c "
        f"JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = {literal(t.schema)} "
        "AND (c.relkind IN ('r', 'p') OR (c.relkind = 'S' AND NOT EXISTS (SELECT FROM pg_depend d "
        "WHERE d.objid = c.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')))) LOOP "
        "EXECUTE format('ALTER %s %I.%I OWNER TO %I', CASE r.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, "
        f"{literal(t.schema)}, r.relname, {literal(t.owner)}); END LOOP; END $$",
        f"GRANT USAGE ON SCHEMA {s} TO {e}, {v}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {e}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {s} TO {e}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA {s} TO {v}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {e}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {e}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} GRANT SELECT ON TABLES TO {v}",
    ]


def _may_create_roles(db: PostgresqlDatabase) -> bool:
    return bool(db.execute_sql(
        "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user").fetchone()[0])


def init(db: PostgresqlDatabase, t: Team) -> list[str]:
    """Run `init_sql` in one transaction: all of it or nothing. Returns the statements run."""
    if not _may_create_roles(db):
        raise Forbidden.of("team_cannot_create_roles")
    statements = init_sql(t, db.database)
    try:
        with db.atomic():
            for statement in statements:
                db.execute_sql(statement.replace("%", "%%"))  # the driver reads % as a parameter's mark
    except DatabaseError as exc:  # e.g. a schema the connected role neither owns nor may hand over
        raise Failed.of("team_init_failed", reason=_first_line(exc)) from exc
    return statements


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else exc.__class__.__name__


def add_user(db: PostgresqlDatabase, name: str, group: str, password: str | None) -> tuple[bool, str | None]:
    """A LOGIN role `name`, member of `group`. A new one gets `password` (or a generated one, returned); an
    existing one only becomes a member (its password stays). Returns (created, the password set)."""
    check_name(name)
    if not _may_create_roles(db):
        raise Forbidden.of("team_cannot_create_roles")
    if not db.execute_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (group,)).fetchone():
        raise NotFound.of("team_group_missing", role=group)
    try:
        with db.atomic():
            if db.execute_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() is not None:
                db.execute_sql(f"GRANT {ident(group)} TO {ident(name)}")
                return False, None
            password = password or secrets.token_urlsafe(18)
            # the password is a parameter: the driver writes it as a literal, whatever it holds
            db.execute_sql(f"CREATE ROLE {ident(name)} LOGIN PASSWORD %s IN ROLE {ident(group)}", (password,))
    except DatabaseError as exc:
        raise Failed.of("team_init_failed", reason=_first_line(exc)) from exc
    return True, password

