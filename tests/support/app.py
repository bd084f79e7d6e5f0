"""Clients of the in-process app (pytest-aiohttp's test client on conftest's `service`): an extension socket,
a GET that must answer with a status, and an extension that answers sync commands as the real one does."""

from __future__ import annotations

import asyncio
import base64

from tests.support import TOKEN
from tests.support.builders import ext_headers, hello


async def ext_ws(client, do_hello: bool = True):
    """A socket on /ws/extension; with `do_hello`, already welcomed."""
    ws = await client.ws_connect("/ws/extension", headers=ext_headers(client.port))
    if do_hello:
        await ws.send_json(hello())
        assert (await ws.receive_json(timeout=30))["type"] == "welcome"
    return ws


async def sign_in(client, token: str = TOKEN) -> None:
    """Open the sign-in link as the tray does; the client keeps the session cookie the view would get."""
    resp = await client.get(f"/?token={token}", allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/", await resp.text()


def upload(name: str, content: bytes, account: str | None = None) -> dict:
    """One file of POST /api/import as the view sends it (with the store its picker chose, if any)."""
    item = {"name": name, "content_base64": base64.b64encode(content).decode()}
    return item if account is None else {**item, "account": account}


async def import_files(client, *files: dict) -> dict:
    """POST /api/import from the view (signed-in client, same origin); the answer, which must be 200."""
    resp = await client.post("/api/import", json={"files": list(files)},
                             headers={"Origin": f"http://127.0.0.1:{client.port}"})
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def get(client, path, status=200):
    """GET `path` as the Finance view does; the response, which must have `status`."""
    resp = await client.get(path, headers={"Host": f"127.0.0.1:{client.port}"})
    assert resp.status == status, await resp.text()
    return resp


class FakeExtension:
    """A client of /ws/extension that answers each sync command as the extension does: progress, then
    `done` with pages and records (or an error), after `delay` seconds."""

    def __init__(self, client, delay: float = 0.3, error: str | None = None, said: dict | None = None) -> None:
        """`error`: the sentence the sync ends with; `said`: the code and params sent beside it (the
        extension's `ext_*`), or any other keys a forged frame carries."""
        self.client, self.delay, self.error, self.said = client, delay, error, said or {}
        self.commands: list[dict] = []
        self.task = None

    async def connect(self) -> FakeExtension:
        self.ws = await self.client.ws_connect("/ws/extension", headers=ext_headers(self.client.port))
        await self.ws.send_json(hello(TOKEN))
        while (await self.ws.receive_json(timeout=30))["type"] != "welcome":
            pass
        self.task = asyncio.get_running_loop().create_task(self._answer())
        return self

    async def _answer(self) -> None:
        while True:
            msg = await self.ws.receive_json()
            if msg.get("type") != "command":
                continue
            self.commands.append(msg)
            await asyncio.sleep(self.delay)  # the sync's work
            if self.error:
                await self.ws.send_json({"type": "progress", "command_id": msg["id"], "stage": "error", "pages": 0,
                                         "records": 0, "message": self.error, **self.said})
            else:
                await self.ws.send_json({"type": "progress", "command_id": msg["id"], "stage": "done", "pages": 4,
                                         "records": 30, "message": ""})

    async def close(self) -> None:
        self.task.cancel()
        await self.ws.close()
