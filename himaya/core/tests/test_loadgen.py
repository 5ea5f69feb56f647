"""The open-loop load generator behind `himaya bench web`, against a tiny server in the test."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import pytest

from himaya.core import loadgen


def test_percentiles_use_the_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert loadgen.percentile(values, 50) == 50
    assert loadgen.percentile(values, 95) == 95
    assert loadgen.percentile([7.0], 95) == 7
    assert loadgen.percentile([], 95) == float("inf")


def test_it_refuses_to_target_another_machine() -> None:
    with pytest.raises(ValueError):
        loadgen.LoadGenerator("10.0.0.1", 80, lambda r: loadgen.Request("x", "GET", "/"))


class _Server:
    """HTTP/1.1 on loopback: /slow answers after `delay` seconds, one request at a time (like a
    single busy worker); /chunked answers chunked; /missing is a 404."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.port = 0
        self.ready = threading.Event()
        self.lock: asyncio.Lock | None = None

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        assert self.lock is not None
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1]
                async with self.lock:
                    await asyncio.sleep(self.delay)
                if path == b"/chunked":
                    writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
                elif path == b"/missing":
                    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                else:
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    def run(self) -> None:
        async def main() -> None:
            self.lock = asyncio.Lock()
            server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
            self.port = server.sockets[0].getsockname()[1]
            self.ready.set()
            async with server:
                await asyncio.sleep(30)

        asyncio.run(main())


@pytest.fixture
def server() -> Iterator[_Server]:
    srv = _Server(delay=0.02)
    threading.Thread(target=srv.run, daemon=True).start()
    assert srv.ready.wait(5)
    yield srv


def test_it_keeps_sending_at_the_rate_and_charges_the_queue_to_latency(server: _Server) -> None:
    # 40 requests/s at a server that serves 50/s one at a time: near saturation, queues form.
    gen = loadgen.LoadGenerator("127.0.0.1", server.port, lambda r: loadgen.Request("slow", "GET", "/slow"), seed=3)
    started = time.perf_counter()
    result = loadgen.run(gen, rate=40, seconds=1.5)
    assert time.perf_counter() - started < 5
    stats = result.pages["slow"]
    assert 35 <= result.sent <= 85  # Poisson arrivals around 60
    assert stats.errors == 0 and len(stats.latencies_ms) == result.sent
    assert min(stats.latencies_ms) >= 20  # never faster than the server's own time
    assert stats.p(95) > stats.p(50) >= 20


def test_it_reads_chunked_answers_and_counts_non_2xx_as_errors(server: _Server) -> None:
    paths = iter(["/chunked", "/missing"] * 50)
    gen = loadgen.LoadGenerator(
        "127.0.0.1", server.port, lambda r: (lambda p: loadgen.Request(p, "GET", p))(next(paths))
    )
    result = loadgen.run(gen, rate=20, seconds=0.8)
    assert result.pages["/chunked"].errors == 0 and result.pages["/chunked"].latencies_ms
    assert result.pages["/missing"].statuses.get(404, 0) == result.pages["/missing"].errors > 0


def test_cpu_accounting_sees_this_process_work() -> None:
    import os
    import time

    with open(f"/proc/{os.getpid()}/comm", encoding="utf-8") as f:
        me = f.read().strip()
    before_own = loadgen.process_cpu_seconds(os.getpid())
    before_all = loadgen.cpu_by_command([me])[me]
    deadline = time.process_time() + 0.3
    spun = 0
    while time.process_time() < deadline:
        spun += 1
    assert spun > 0
    assert loadgen.process_cpu_seconds(os.getpid()) - before_own >= 0.2
    assert loadgen.cpu_by_command([me])[me] - before_all >= 0.2
    assert loadgen.process_cpu_seconds(2**22 + 1) == 0.0  # beyond pid_max: gone
