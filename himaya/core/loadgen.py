"""An open-loop HTTP load generator (Django-free), for `himaya bench web`.

Open loop: requests are *scheduled* at a set rate (Poisson arrivals) whatever the server's latency,
the way staff keep clicking whether or not the server is slow. Latency is measured from the
scheduled arrival time, not from when a connection happened to be free, so a stalled server is
charged for the queue it builds (no "coordinated omission"). Plain HTTP/1.1 over asyncio streams,
with keep-alive when the server offers it; loopback only.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Request:
    """One request of the mix: `page` names it in the report."""

    page: str
    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


@dataclass
class PageStats:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)  # connection-level failures by exception name

    def p(self, q: float) -> float:
        return percentile(self.latencies_ms, q)


@dataclass
class RunResult:
    rate: float
    seconds: float
    sent: int
    pages: dict[str, PageStats]
    achieved_rate: float
    late_starts: int  # requests that could not even be started on time (the generator itself lagged)

    def worst_p95(self) -> float:
        return max((s.p(95) for s in self.pages.values() if s.latencies_ms), default=math.inf)

    def error_count(self) -> int:
        return sum(s.errors for s in self.pages.values())


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (nearest rank); inf for no values."""
    if not values:
        return math.inf
    ordered = sorted(values)
    rank = max(math.ceil(q / 100 * len(ordered)), 1)
    return ordered[min(rank, len(ordered)) - 1]


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.reusable = True

    def close(self) -> None:
        self.writer.close()


async def _read_response(conn: _Connection) -> int:
    """Read one response; return its status. Marks the connection unusable when the server closes it."""
    head = await conn.reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size_line = await conn.reader.readuntil(b"\r\n")
            size = int(size_line.split(b";", 1)[0].strip(), 16)
            await conn.reader.readexactly(size + 2)
            if size == 0:
                break
    elif "content-length" in headers:
        await conn.reader.readexactly(int(headers["content-length"]))
    else:
        await conn.reader.read()
        conn.reusable = False
    if headers.get("connection", "").lower() == "close":
        conn.reusable = False
    return status


class LoadGenerator:
    """Sends a mix of requests to host:port at a set rate.

    `pick` returns the next request (called once per arrival, with the generator's seeded RNG).
    """

    def __init__(
        self,
        host: str,
        port: int,
        pick: Callable[[random.Random], Request],
        *,
        seed: int = 1,
        timeout: float = 10.0,
        max_connections: int = 256,
    ) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the load generator only targets this machine (loopback)")
        self.host = host
        self.port = port
        self.pick = pick
        self.rng = random.Random(seed)
        self.timeout = timeout
        self.idle: list[_Connection] = []
        self.max_connections = max_connections
        self._slots: asyncio.Semaphore | None = None

    async def _connection(self) -> _Connection:
        while self.idle:
            conn = self.idle.pop()
            if not conn.writer.is_closing():
                return conn
        reader, writer = await asyncio.open_connection(self.host, self.port)
        return _Connection(reader, writer)

    async def _one(self, req: Request, scheduled: float, stats: PageStats) -> None:
        assert self._slots is not None
        async with self._slots:
            conn: _Connection | None = None
            try:
                conn = await self._connection()
                lines = [f"{req.method} {req.path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
                lines += [f"{k}: {v}" for k, v in req.headers]
                if req.body or req.method in ("POST", "PUT", "PATCH"):
                    lines.append(f"Content-Length: {len(req.body)}")
                data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + req.body
                conn.writer.write(data)
                await conn.writer.drain()
                status = await asyncio.wait_for(_read_response(conn), self.timeout)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError) as exc:
                stats.errors += 1
                name = type(exc).__name__
                stats.failures[name] = stats.failures.get(name, 0) + 1
                if conn is not None:
                    conn.close()
                return
            elapsed_ms = (time.perf_counter() - scheduled) * 1000
            stats.statuses[status] = stats.statuses.get(status, 0) + 1
            if 200 <= status < 300:
                stats.latencies_ms.append(elapsed_ms)
            else:
                stats.errors += 1
            if conn.reusable:
                self.idle.append(conn)
            else:
                conn.close()

    async def run(self, rate: float, seconds: float) -> RunResult:
        """Send requests at `rate` per second (Poisson arrivals) for `seconds`, then wait for the stragglers."""
        self._slots = asyncio.Semaphore(self.max_connections)  # bound to this run's event loop
        pages: dict[str, PageStats] = {}
        tasks: list[asyncio.Task[None]] = []
        start = time.perf_counter()
        next_at = start
        late = 0
        sent = 0
        while True:
            next_at += self.rng.expovariate(rate)
            if next_at - start >= seconds:
                break
            delay = next_at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            elif delay < -0.005:
                late += 1
            req = self.pick(self.rng)
            stats = pages.setdefault(req.page, PageStats())
            tasks.append(asyncio.create_task(self._one(req, next_at, stats)))
            sent += 1
        if tasks:
            await asyncio.wait(tasks, timeout=self.timeout + 5)
        wall = time.perf_counter() - start
        for conn in self.idle:
            conn.close()
        self.idle.clear()
        return RunResult(
            rate=rate, seconds=seconds, sent=sent, pages=pages, achieved_rate=sent / max(wall, 1e-9), late_starts=late
        )


def run(gen: LoadGenerator, rate: float, seconds: float) -> RunResult:
    return asyncio.run(gen.run(rate, seconds))


# --- where the CPU went -----------------------------------------------------------------------
def _ticks_per_second() -> int:
    import os

    return int(os.sysconf("SC_CLK_TCK"))


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process (Linux /proc) has used; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    # After the command name: state is field 3, utime 14 and stime 15 (1-based, man 5 proc).
    return (int(fields[11]) + int(fields[12])) / _ticks_per_second()


def cpu_by_command(names: Sequence[str]) -> dict[str, float]:
    """CPU seconds used so far by every live process whose command name starts with one of `names`."""
    import os

    totals = dict.fromkeys(names, 0.0)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/comm", encoding="utf-8") as f:
                comm = f.read().strip()
        except OSError:
            continue
        for name in names:
            if comm.startswith(name):
                totals[name] += process_cpu_seconds(int(entry))
                break
    return totals
