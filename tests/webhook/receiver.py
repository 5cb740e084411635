"""A real HTTP receiver on 127.0.0.1 (asyncio server): records each request's raw body and headers, and answers
what the test asks (fail N times, redirect, hang, a long body)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes


@dataclass
class Receiver:
    requests: list[Received] = field(default_factory=list)
    fail_next: int = 0  # answer `fail_status` to this many requests, then `status`
    fail_status: int = 500
    status: int = 200
    reply: bytes = b"ok"
    extra_headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False  # never answer
    port: int = 0
    _server: asyncio.Server | None = None
    _handlers: set[asyncio.Task[None]] = field(default_factory=set)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def start(self) -> Receiver:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._handlers):
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        await self._server.wait_closed()

    async def wait_for(self, count: int, timeout: float = 10) -> None:
        """Until `count` requests arrived (work done by another task: the embedded worker)."""
        async with asyncio.timeout(timeout):
            while len(self.requests) < count:
                self._arrived.clear()
                await self._arrived.wait()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            request_line = (await reader.readline()).decode("latin-1").split()
            headers: dict[str, str] = {}
            while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            self.requests.append(Received(request_line[0], request_line[1], headers, body))
            self._arrived.set()
            if self.hang:
                await asyncio.Event().wait()
            status = self.status
            if self.fail_next > 0:
                self.fail_next -= 1
                status = self.fail_status
            head = [f"HTTP/1.1 {status} Status", f"Content-Length: {len(self.reply)}", "Connection: close"]
            head += [f"{name}: {value}" for name, value in self.extra_headers.items()]
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + self.reply)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._handlers.discard(task)
            writer.close()
