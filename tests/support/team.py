"""A team of roles on the CI's PostgreSQL (docs/team.md), for the tests of team mode: group roles and
people named at random, and everything dropped afterwards. Roles belong to the whole server, not to one
database or schema, so a test that left one behind would be seen by every later test."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from companion.store.db import make_database
from tests.support import PG_URL
from tests.support.daemon import Result, query, run


@dataclass
class Team:
    schema: str
    owner: str
    editor: str
    viewer: str
    people: list[str] = field(default_factory=list)

    def admin_url(self) -> str:
        return f"{PG_URL}{'&' if '?' in PG_URL else '?'}schema={self.schema}"

    def url(self, user: str) -> str:
        """The team's database as `user` (the CI's server trusts local connections: no password)."""
        parts = urlsplit(self.admin_url())
        return parts._replace(netloc=f"{user}@{parts.netloc.rpartition('@')[2]}").geturl()

    def options(self) -> list[str]:
        return ["--owner", self.owner, "--editor", self.editor, "--viewer", self.viewer]

    def cli(self, *args: str) -> Result:
        """`shoptally team ARGS` as the server's administrator."""
        return run(["team", *args, "--database-url", self.admin_url()])

    def init(self) -> Result:
        res = self.cli("init", *self.options())
        assert res.code == 0 and res.err == "", res
        return res

    def add_person(self, role: str) -> str:
        """A login role in `role`'s group (created with a generated password); its name."""
        name = f"{role[0]}p_{uuid.uuid4().hex[:10]}"
        self.people.append(name)  # dropped afterwards even when the command fails half-way
        res = self.cli("add-user", name, "--role", role, "--group", getattr(self, role))
        assert res.code == 0 and res.err == "", res
        lines = res.out.splitlines()
        assert lines[0] == f"created {name}, a member of {getattr(self, role)}", res
        assert lines[1].startswith("password: ") and len(lines[1]) > len("password: ") + 16, res
        return name


def admin(sql: str, params: tuple = ()) -> None:
    """One statement as the server's administrator."""
    db = make_database(PG_URL)
    db.connect()
    try:
        db.execute_sql(sql, params)
    finally:
        db.close()


@contextlib.contextmanager
def new_team() -> Iterator[Team]:
    """A team whose schema and roles nobody has yet; dropped with its people afterwards."""
    tag = uuid.uuid4().hex[:10]
    t = Team(f"team_{tag}", f"o_{tag}", f"e_{tag}", f"v_{tag}")
    try:
        yield t
    finally:
        admin(f'DROP SCHEMA IF EXISTS "{t.schema}" CASCADE')
        for role in [*t.people, t.owner, t.editor, t.viewer]:  # members first, then the groups
            if query(PG_URL, "SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)):
                admin(f'DROP OWNED BY "{role}"')  # its grants and default privileges in this database
                admin(f'DROP ROLE "{role}"')
