"""A TCP proxy on loopback that delays each direction, to measure a server 50 ms away on one machine.

    python3 benchmarks/delay_proxy.py --target 127.0.0.1:5432 --delay-ms 25   (prints the port)

Every chunk is forwarded `delay` seconds after it arrived, in order, per direction, so a request
and its answer cost 2 × delay — a round trip, as across a VPN. The proxy also counts round trips:
each time the client sends after having received an answer, a new exchange has begun. `Proxy`
runs in a thread, so a benchmark or a test in the same process can start it, point a database URL
at it and read `round_trips` afterwards. It connects only to the target given (loopback here).

For the app's tests of a dropped connection it can also fail like a network does: `cut()` closes
every connection and refuses new ones until `restore()`; `mute()` (or `mute_on`, set to bytes
of a statement) keeps forwarding what the client sends but drops the server's answers: a write
that commits while its reply is lost on the way.
"""

from __future__ import annotations

import argparse
import asyncio
import threading
import time
from contextlib import suppress


class Proxy:
    """A delaying, counting proxy to `target` on 127.0.0.1, run on its own event loop thread."""

    def __init__(self, target_host: str, target_port: int, delay_s: float) -> None:
        self.target = (target_host, target_port)
        self.delay = delay_s
        self.port = 0
        self.round_trips = 0
        self.connections = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._server: asyncio.AbstractServer | None = None
        self._open: set[asyncio.StreamWriter] = set()
        self.refusing = False
        self.muted = False
        self.mute_on: bytes | None = None  # mute once the client sends a message containing this
        self._thread = threading.Thread(target=self._run, daemon=True, name="delay-proxy")

    def __enter__(self) -> Proxy:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the delay proxy did not start")

    def stop(self) -> None:
        async def _close() -> None:
            if self._server is not None:
                self._server.close()
            for writer in list(self._open):
                writer.transport.abort()
            tasks = [t for t in asyncio.all_tasks(self._loop) if t is not asyncio.current_task()]
            if tasks:  # the aborted connections end their pumps; only what hangs on is cancelled
                _done, hanging = await asyncio.wait(tasks, timeout=1)
                for task in hanging:
                    task.cancel()
                await asyncio.gather(*hanging, return_exceptions=True)
            self._loop.stop()

        if self._loop.is_running():
            self._loop.call_soon_threadsafe(lambda: self._loop.create_task(_close()))
        self._thread.join(5)

    def reset(self) -> None:
        self.round_trips = 0
        self.connections = 0

    def cut(self) -> None:
        """Drop every connection now (both ends see it closed) and refuse new ones until `restore`."""
        done = threading.Event()

        def _cut() -> None:
            self.refusing = True
            for writer in list(self._open):
                writer.transport.abort()
            self._open.clear()
            done.set()

        self._loop.call_soon_threadsafe(_cut)
        done.wait(5)

    def restore(self) -> None:
        self.refusing = False
        self.muted = False
        self.mute_on = None

    def mute(self) -> None:
        """Forward the client's messages but drop the server's answers (until `restore`)."""
        self.muted = True

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def serve() -> None:
            self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
            self.port = self._server.sockets[0].getsockname()[1]
            self._ready.set()

        self._loop.run_until_complete(serve())
        with suppress(RuntimeError):
            self._loop.run_forever()

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        if self.refusing:
            client_w.transport.abort()
            return
        self.connections += 1
        try:
            server_r, server_w = await asyncio.open_connection(*self.target)
        except OSError:
            client_w.close()
            return
        self._open.update((client_w, server_w))
        state = {"answered": True}  # the client speaks first; that opens the first exchange

        async def pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, upstream: bool) -> None:
            queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

            async def deliver() -> None:
                while True:
                    due, data = await queue.get()
                    wait = due - time.monotonic()
                    if wait > 0:
                        await asyncio.sleep(wait)
                    if not data:
                        writer.close()
                        return
                    if self.muted and not upstream:
                        continue  # the answer is lost on the way
                    writer.write(data)
                    await writer.drain()

            sender = asyncio.ensure_future(deliver())
            try:
                while True:
                    data = await reader.read(65536)
                    if upstream and self.mute_on is not None and self.mute_on in data:
                        self.muted = True  # this message reaches the server; its answer will not come back
                    if upstream and data and state["answered"]:
                        self.round_trips += 1
                        state["answered"] = False
                    elif not upstream and data:
                        state["answered"] = True
                    queue.put_nowait((time.monotonic() + self.delay, data))
                    if not data:
                        break
                await sender
            except (ConnectionError, asyncio.CancelledError):
                sender.cancel()
                writer.close()

        await asyncio.gather(pump(client_r, server_w, True), pump(server_r, client_w, False),
                             return_exceptions=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, help="HOST:PORT of the real server (loopback)")
    parser.add_argument("--delay-ms", type=float, default=25.0, help="delay per direction (default 25)")
    args = parser.parse_args()
    host, port = args.target.rsplit(":", 1)
    proxy = Proxy(host, int(port), args.delay_ms / 1000)
    proxy.start()
    print(proxy.port, flush=True)
    with suppress(KeyboardInterrupt):
        while True:
            time.sleep(3600)


if __name__ == "__main__":
    main()
