"""/ws/events: a view that leaves at any moment takes its subscription with it."""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import struct

from tests.support import TOKEN


async def _leave_right_after_the_upgrade(port: int) -> None:
    """A view that completes the WebSocket handshake and is gone (TCP reset) before its hello arrives."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write((f"GET /ws/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n"
                  f"Authorization: Bearer {TOKEN}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    await writer.drain()
    assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 101")
    writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.close()


async def test_views_that_leave_before_their_hello_leave_no_subscription(client, service):
    for _ in range(30):
        await _leave_right_after_the_upgrade(client.port)
    # Each handler ends on its own once it sees its socket gone; wait for that state (it leaked 16 of 30 before).
    deadline = asyncio.get_running_loop().time() + 10
    while service.bus.subscriber_count and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)
    assert service.bus.subscriber_count == 0
    # and a view that stays still gets its hello and live events
    ws = await client.ws_connect("/ws/events", headers={"Origin": f"http://127.0.0.1:{client.port}",
                                                         "Host": f"127.0.0.1:{client.port}"})
    assert (await ws.receive_json(timeout=30))["event"] == "hello"
    assert service.bus.subscriber_count == 1
    service.bus.publish({"event": "stores.updated", "account": "x", "name": "x"})
    assert (await ws.receive_json(timeout=30))["event"] == "stores.updated"
    await ws.close()
