"""The page benchmark: gunicorn on 127.0.0.1, wrk at 16 connections, each page against the floor.

Each simulated user logs in once (a real POST of the login form, so a real password check), then
wrk replays his session cookie. The floor is a page of the base layout that makes no query, measured
in the same run; every page's throughput is printed as a ratio to it, with its p50/p95 latency and
its number of queries and its time in this process (Django's test client), with an empty cache (« à
froid »: what a page costs the first time it is read after a write) and with its fragments cached.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
WRK = shutil.which("wrk") or ""

LUA = r"""
local pairs_ = {}
local counter = 0
function init(args)
  for line in io.lines(args[1]) do
    local cookie, path = line:match("([^\t]*)\t(.*)")
    table.insert(pairs_, {cookie = cookie, path = path})
  end
  counter = math.random(#pairs_)
end
function request()
  counter = counter % #pairs_ + 1
  local p = pairs_[counter]
  local headers = {}
  if p.cookie ~= "" then headers["Cookie"] = p.cookie end
  return wrk.format("GET", p.path, headers)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.status + e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass
class Page:
    label: str
    role: str  # a key of the users dict, or "anonymous"
    path: Callable[[object], str]  # the path for one simulated user
    headers: dict | None = None


@dataclass
class Result:
    label: str
    rps: float
    p50_ms: float
    p95_ms: float
    errors: int
    queries: int
    cold_queries: int = 0
    cold_ms: float = 0.0
    warm_ms: float = 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving the portal on loopback, with the benchmark's database."""

    def __init__(self, workers: int):
        self.port = free_port()
        env = {
            **os.environ,
            "CONTINUITE_ENV": "development",
            "DEBUG": "0",
            "ALLOWED_HOSTS": HOST,
            "MFA_REQUIRED_FOR_SENSITIVE_ROLES": "0",
            # every simulated user logs in from 127.0.0.1, within a few seconds
            "LOGIN_RATE_LIMIT": "1000/m/ip",
            "LOG_LEVEL": "ERROR",
        }
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "continuite.wsgi",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((HOST, self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn n'a pas démarré")

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def login(base_url: str, email: str, password: str) -> str:
    """Log in through the real login form; returns the Cookie header of the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base_url}/comptes/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"login": email, "password": password, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(f"{base_url}/comptes/login/", data=data, headers={"Referer": f"{base_url}/"})  # noqa: S310
    opener.open(request).read()
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise RuntimeError(f"connexion impossible pour {email}")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def count_queries(path: str, user) -> tuple[int, int, float, float]:
    """In this process: (queries cold, queries cached, ms cold, ms cached), medians of five readings."""
    import statistics

    client = Client()
    if user is not None:
        client.force_login(user)
    client.get(path)  # as in the load test: a session already in use
    counts, times = {}, {"cold": [], "warm": []}
    for state in ("cold", "warm"):
        for _ in range(5):
            if state == "cold":
                _clear_fragments()
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path)
            times[state].append((time.perf_counter() - started) * 1000)
            counts[state] = len(ctx.captured_queries)
            if response.status_code != 200:
                raise RuntimeError(f"{path} répond {response.status_code}")
    return (
        counts["cold"],
        counts["warm"],
        statistics.median(times["cold"]),
        statistics.median(times["warm"]),
    )


def _clear_fragments() -> None:
    """Empty the fragments and cached values, not the sessions (the reader stays signed in)."""
    from django.core.cache import cache

    client = getattr(cache, "_cache", None)
    if client is not None and hasattr(client, "get_client"):
        redis = client.get_client(write=True)
        keys = list(redis.scan_iter(match=f"{cache.key_prefix}:*frag:*"))
        if keys:
            redis.delete(*keys)
    else:
        for key in list(getattr(cache, "_cache", {})):
            if "frag:" in key:
                cache._cache.pop(key, None)


def run_wrk(base_url: str, pairs: list[tuple[str, str]], *, seconds: int, connections: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "bench.lua"
        script.write_text(LUA)
        pairs_file = Path(tmp) / "pairs.tsv"
        pairs_file.write_text("".join(f"{cookie}\t{path}\n" for cookie, path in pairs))
        out = subprocess.run(  # noqa: S603
            [WRK, "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), base_url, "--", str(pairs_file)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return json.loads(out.strip().splitlines()[-1])


def measure(
    pages: list[Page], users: dict[str, list], *, password: str, seconds: int, connections: int, workers: int, log
) -> list[Result]:
    if not WRK:
        raise RuntimeError("wrk est introuvable : apt-get install wrk")
    server = Server(workers)
    try:
        log(f"gunicorn : {server.url} ({workers} workers sync)")
        cookies: dict[int, str] = {}
        for role, members in users.items():
            for user in members:
                cookies[user.pk] = login(server.url, user.email, password)
            log(f"  {len(members)} utilisateurs « {role} » connectés (une fois chacun)")
        results = []
        for page in pages:
            members = users.get(page.role, [None])
            pairs = [(cookies.get(getattr(u, "pk", None), ""), page.path(u)) for u in members]
            cold, queries, cold_ms, warm_ms = count_queries(pairs[0][1], members[0])
            run_wrk(server.url, pairs, seconds=2, connections=connections)  # warm-up
            stats = run_wrk(server.url, pairs, seconds=seconds, connections=connections)
            rps = stats["requests"] / (stats["duration_us"] / 1e6)
            results.append(
                Result(
                    page.label,
                    rps,
                    stats["p50_us"] / 1000,
                    stats["p95_us"] / 1000,
                    stats["errors"],
                    queries,
                    cold_queries=cold,
                    cold_ms=cold_ms,
                    warm_ms=warm_ms,
                )
            )
            log(f"  {page.label:<40} {rps:8.0f} req/s  p95 {stats['p95_us'] / 1000:6.1f} ms")
        return results
    finally:
        server.stop()


def table(results: list[Result], floor_label: str) -> str:
    floor = next(r for r in results if r.label == floor_label)
    lines = [
        f"{'Page':<44} {'req/s':>6} {'× plancher':>10} {'p50 ms':>7} {'p95 ms':>7} {'requêtes':>10} "
        f"{'ms en cache':>11} {'ms à froid':>10} {'erreurs':>7}",
        "-" * 120,
    ]
    for r in results:
        ratio = r.rps / floor.rps
        queries = f"{r.queries}/{r.cold_queries}"
        lines.append(
            f"{r.label:<44} {r.rps:6.0f} {ratio:10.2f} {r.p50_ms:7.1f} {r.p95_ms:7.1f} {queries:>10} "
            f"{r.warm_ms:11.1f} {r.cold_ms:10.1f} {r.errors:7d}"
        )
    lines.append("requêtes : en cache / à froid ; ms : temps dans un seul processus (client de test), médiane de 5")
    return "\n".join(lines)


def explain(path: str, user) -> list[tuple[float, str, str]]:
    """EXPLAIN ANALYZE every query of a page: (execution ms, first plan line, SQL), slowest first."""
    client = Client()
    if user is not None:
        client.force_login(user)
    client.get(path)
    with CaptureQueriesContext(connection) as ctx:
        client.get(path)
    plans = []
    with connection.cursor() as cursor:
        for query in ctx.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, FORMAT TEXT) " + sql)
            lines = [row[0] for row in cursor.fetchall()]
            ms = next(
                (float(line.split(":")[1].split()[0]) for line in lines if line.startswith("Execution Time")), 0.0
            )
            plans.append((ms, lines[0].strip(), sql))
    return sorted(plans, reverse=True)
