"""A slow link between a browser and a server: a TCP proxy that delays and paces every byte.

DevTools' network emulation delays each HTTP request and a websocket's opening handshake by
its latency, but not the websocket's frames (measured in chromium at 300 ms: a frame's round
trip took 60 ms): whatever runs over the websocket looked quicker than on a real wifi. This
proxy is the link itself, for HTTP and websocket alike:

- each direction is one shared link (a phone's wifi): a byte waits for the bytes before it to
  be sent at `down` or `up` bits a second (the bytes before it on its connection, and whatever
  else holds the link when it may go), then for the one-way delay (half the round trip);
- a new connection costs one round trip before its first byte goes (TCP's handshake over the
  link; the browser's connect() to this proxy is local and instant).

    with SlowLink(server_port, rtt=0.3, down=400_000, up=400_000) as link:
        page.goto(f"http://127.0.0.1:{link.port}/...")
        link.received  # bytes that reached the browser
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time

PIECE = 1400  # bytes paced at a time (one TCP segment)


class Pipe:
    """One direction of the link, shared by every connection that uses it. A piece takes the
    first free time of the link from when it may go (a new connection's piece not before its
    handshake is done; each piece after the piece before it on its connection): a piece
    waiting for its connection's handshake does not hold the link idle for the others, as
    it did until the sixth session (a reused connection's request then waited behind the
    handshakes of the five new ones)."""

    def __init__(self, bits_per_s: float, delay: float) -> None:
        self.rate = bits_per_s / 8
        self.delay = delay
        self.planned: list[tuple[float, float]] = []  # (start, end) of the pieces on the link, in order
        self.bytes = 0

    def arrival(self, size: int, not_before: float) -> tuple[float, float]:
        """When a piece handed to the link now (or at not_before) has left this end, and when
        it reaches the other end."""
        now = time.monotonic()
        while self.planned and self.planned[0][1] <= now:
            self.planned.pop(0)
        start, length = max(now, not_before), size / self.rate
        at = len(self.planned)
        for i, (begins, ends) in enumerate(self.planned):
            if start + length <= begins:
                at = i
                break
            start = max(start, ends)
        self.planned.insert(at, (start, start + length))
        self.bytes += size
        return start + length, start + length + self.delay


class SlowLink:
    """The proxy, in a thread of its own (its own event loop), for a `with` block."""

    def __init__(self, target_port: int, *, rtt: float = 0.3, down: float = 400_000, up: float = 400_000) -> None:
        self.target_port = target_port
        self.rtt = rtt
        self.down = Pipe(down, rtt / 2)
        self.up = Pipe(up, rtt / 2)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.port = 0

    @property
    def received(self) -> int:
        return self.down.bytes

    def __enter__(self) -> SlowLink:
        self.thread.start()
        self.server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._connection, "127.0.0.1", 0), self.loop).result()
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *_exc: object) -> None:
        async def close() -> None:
            self.server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(close(), self.loop).result()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        handshake_done = time.monotonic() + self.rtt  # SYN, SYN-ACK over the link, then the first bytes
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        for stream in (writer, up_writer):
            stream.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            await asyncio.gather(self._pump(reader, up_writer, self.up, handshake_done),
                                 self._pump(up_reader, writer, self.down, handshake_done), return_exceptions=True)
        except asyncio.CancelledError:  # the link is closing: so are its connections
            for stream in (writer, up_writer):
                stream.close()

    async def _pump(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, pipe: Pipe,
                    not_before: float) -> None:
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def deliver() -> None:
            while True:
                at, piece = await queue.get()
                wait = at - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not piece:
                    sink.close()
                    return
                sink.write(piece)
                await sink.drain()

        delivering = asyncio.create_task(deliver())
        try:
            while True:
                data = await source.read(65536)
                if not data:
                    break
                for i in range(0, len(data), PIECE):
                    piece = data[i:i + PIECE]
                    not_before, at = pipe.arrival(len(piece), not_before)
                    queue.put_nowait((at, piece))
        except (ConnectionError, OSError):
            pass
        finally:
            queue.put_nowait((time.monotonic() + pipe.delay, b""))
        await delivering
