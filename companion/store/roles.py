"""Who this connection is in team mode: owner, editor or viewer of the schema, as PostgreSQL's privileges say.

PostgreSQL already decides what a role may do; shoptally only reads it, once, when it opens the database, so it
can say so in one sentence instead of failing on the first "permission denied":

- owner: a superuser, or a member of the role that owns the ledger's tables (or, before there are any, a role
  that may create tables in the schema). Only an owner migrates. When the tables (or the schema) belong to a
  group role (NOLOGIN, as `shoptally team init` makes them), a member migrates as that role (SET ROLE), so the
  tables a migration creates belong to the group too and its default privileges grant them to editors and
  viewers.
- editor: may INSERT into the ledger's core table: captures, imports, edits and resets work.
- viewer: may only read it: the daemon serves the view and refuses every change (`team_read_only`).

SQLite has no roles: the role is None and nothing is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import Database, DatabaseProxy, PostgresqlDatabase

from companion.errors import Forbidden

OWNER, EDITOR, VIEWER = "owner", "editor", "viewer"
CORE_TABLE = "settlement_line"  # every write path stores or changes lines: INSERT on it tells an editor

# the owner of the core table (or, before it exists, of the schema), and what the connected role may do
_ACCESS_SQL = """
WITH o AS (
  SELECT n.oid AS nsp, c.oid AS tbl, coalesce(c.relowner, n.nspowner) AS owner
  FROM (SELECT 1) one
  LEFT JOIN pg_namespace n ON n.nspname = current_schema()
  LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = %s AND c.relkind IN ('r', 'p')
)
SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user),
       o.tbl IS NOT NULL,
       CASE WHEN o.tbl IS NOT NULL THEN pg_has_role(current_user, o.owner, 'MEMBER')
            ELSE o.nsp IS NOT NULL AND has_schema_privilege(o.nsp, 'CREATE') END,
       o.tbl IS NULL OR has_table_privilege(o.tbl, 'INSERT'),
       (SELECT rolname FROM pg_roles WHERE oid = o.owner),
       NOT coalesce((SELECT rolcanlogin FROM pg_roles WHERE oid = o.owner), true),
       o.owner IS NOT NULL AND pg_has_role(current_user, o.owner, 'MEMBER'),
       current_user
FROM o
"""


@dataclass(frozen=True)
class Access:
    """What the connected role may do with the ledger's schema."""

    role: str | None  # owner | editor | viewer; None on SQLite
    migrate_as: str | None = None  # a group role a member migrates as (SET ROLE), None: as itself

    @property
    def may_migrate(self) -> bool:
        return self.role in (None, OWNER)

    @property
    def read_only(self) -> bool:
        return self.role == VIEWER


def _postgres(db: Database) -> PostgresqlDatabase | None:
    real = db.obj if isinstance(db, DatabaseProxy) else db
    return real if isinstance(real, PostgresqlDatabase) else None


def access(db: Database) -> Access:
    """The connected role's access, read from PostgreSQL's catalogs (on SQLite: no roles)."""
    pg = _postgres(db)
    if pg is None:
        return Access(None)
    row = pg.execute_sql(_ACCESS_SQL, (CORE_TABLE,)).fetchone()
    superuser, has_table, owns, inserts, owner_name, owner_is_group, member, me = row
    if superuser or owns:
        # a member of the group role that owns the tables (or the schema) migrates as that role, so what it
        # creates belongs to the group; pg_* roles are PostgreSQL's own (pg_database_owner owns `public`)
        group = owner_is_group and member and owner_name != me and not str(owner_name).startswith("pg_")
        return Access(OWNER, owner_name if group else None)
    if has_table and not inserts:
        return Access(VIEWER)
    return Access(EDITOR)


def remember(db: Database, found: Access) -> None:
    """Keep what `access` found on the database object: the writer and the service ask it, not PostgreSQL."""
    real = db.obj if isinstance(db, DatabaseProxy) else db
    real.shoptally_access = found


def of(db: Database) -> Access:
    real = db.obj if isinstance(db, DatabaseProxy) else db
    return getattr(real, "shoptally_access", None) or Access(None)


def read_only(db: Database) -> bool:
    return of(db).read_only


def refuse_if_read_only(db: Database) -> None:
    """The one refusal of every change a viewer's daemon or command is asked for."""
    if read_only(db):
        raise Forbidden.of("team_read_only")


def ident(name: str) -> str:
    """An identifier quoted as PostgreSQL reads it: any name, its double quotes doubled."""
    return '"' + name.replace('"', '""') + '"'


def migrate_as(db: Database, role: str) -> None:
    """SET ROLE for the migrations (new tables then belong to the group); `reset_role` undoes it."""
    pg = _postgres(db)
    assert pg is not None
    pg.execute_sql(f"SET ROLE {ident(role)}")


def reset_role(db: Database) -> None:
    pg = _postgres(db)
    if pg is not None:
        pg.execute_sql("RESET ROLE")
