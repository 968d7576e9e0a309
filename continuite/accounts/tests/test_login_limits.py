"""Failed-login limits cannot be turned against a school, and logins survive a Redis outage.

Behind the HTTPS proxy every request reaches the portal from the proxy's address; the client's
address comes from X-Forwarded-For only when TRUSTED_PROXY_COUNT says how many proxies append to it.
These tests talk to the live server over loopback, as the proxy would.
"""

from __future__ import annotations

import http.client
import logging
import shutil
import socket
import subprocess
import time
import urllib.parse

import pytest
from django.core.cache import caches
from django.test import Client, override_settings

from continuite.tests.world import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


class Browser:
    """A cookie-keeping HTTP client that talks to the live server as a proxy would forward it."""

    def __init__(self, base_url: str, client_ip: str):
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.client_ip = client_ip
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str, dict]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"X-Forwarded-For": self.client_ip, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return response.status, text, dict(response.getheaders())

    def login(self, email: str, password: str) -> tuple[int, str, dict]:
        self.request("GET", "/comptes/login/")
        return self.request(
            "POST",
            "/comptes/login/",
            {"login": email, "password": password, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")},
        )


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_it_slows_the_attacker_not_the_school_behind_the_proxy(world, live_server):
    attacker = Browser(live_server.url, "203.0.113.66")
    pages = [attacker.login(f"inconnu{n}@lycee.fr", "mauvais")[1] for n in range(11)]
    assert not any("Trop de tentatives" in page for page in pages[:10])
    assert "Trop de tentatives" in pages[10]  # the attacker is slowed down

    # Another member of the school, through the same proxy, from his own address: he gets in.
    teacher = Browser(live_server.url, "198.51.100.7")
    status, _, headers = teacher.login(world.user("teacher").email, PASSWORD)
    assert status == 302, "the teacher was locked out by someone else's failed logins"
    assert headers["Location"] == "/"
    status, page, _ = teacher.request("GET", "/")
    assert status == 200 and "Se déconnecter" in page


def test_it_would_lock_everyone_out_without_the_proxy_setting(world, live_server):
    """Why TRUSTED_PROXY_COUNT matters: unset, every client shares the proxy's address."""
    attacker = Browser(live_server.url, "203.0.113.66")
    for n in range(11):
        attacker.login(f"inconnu{n}@lycee.fr", "mauvais")
    teacher = Browser(live_server.url, "198.51.100.7")
    status, page, _ = teacher.login(world.user("teacher").email, PASSWORD)
    assert status == 200 and "Trop de tentatives" in page


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=2)
def test_a_proxy_count_larger_than_the_proxies_never_breaks_login(world, live_server, caplog):
    """Two proxies configured, one in front: people still log in, and the operator reads why in the log."""
    for cache in caches.all():
        cache.clear()  # the limits counted on the proxy's address by the tests before
    teacher = Browser(live_server.url, "198.51.100.7")
    with caplog.at_level(logging.ERROR, logger="continuite.accounts"):
        status, _, headers = teacher.login(world.user("teacher").email, PASSWORD)
    assert status == 302 and headers["Location"] == "/"
    assert "TRUSTED_PROXY_COUNT=2 mais X-Forwarded-For ne contient que 1 adresse(s)" in caplog.text


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_cache():
    """A Redis server of the test's own, as the production cache (and sessions); the test stops it."""
    server = shutil.which("redis-server")
    if not server:
        pytest.skip("redis-server n'est pas installé")
    port = _free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    config = {
        "default": {
            "BACKEND": "continuite.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    # As in production with Redis: sessions read from the cache, written to both.
    with override_settings(CACHES=config, SESSION_ENGINE="django.contrib.sessions.backends.cached_db"):
        yield process
    process.kill()
    process.wait()


def test_it_lets_people_log_in_and_out_while_redis_is_down(world, live_server, redis_cache, caplog):
    from continuite import cache as resilient

    resilient._last_warning[0] = -resilient.WARNING_INTERVAL
    teacher = Browser(live_server.url, "198.51.100.7")
    assert teacher.login(world.user("teacher").email, PASSWORD)[0] == 302
    assert caches["default"].set("sonde", "ok") is not False and caches["default"].get("sonde") == "ok"

    redis_cache.kill()
    redis_cache.wait()
    with caplog.at_level(logging.WARNING, logger="continuite.cache"):
        cpe = Browser(live_server.url, "198.51.100.8")
        status, page, headers = cpe.login(world.user("parent").email, PASSWORD)
        assert status == 302, page[:500]
        status, page, _ = cpe.request("GET", "/")
        assert status == 200 and "Se déconnecter" in page
        status, _, headers = cpe.request("POST", "/comptes/logout/", {"csrfmiddlewaretoken": cpe.cookies["csrftoken"]})
        assert status == 302
        assert "Se connecter" in cpe.request("GET", headers["Location"])[1] or cpe.request("GET", "/")[0] == 302
        # Asking for a new password works too (its rate limits are off with the cache).
        visitor = Browser(live_server.url, "198.51.100.10")
        visitor.request("GET", "/comptes/password/reset/")
        status, _, headers = visitor.request(
            "POST",
            "/comptes/password/reset/",
            {"email": world.user("teacher").email, "csrfmiddlewaretoken": visitor.cookies["csrftoken"]},
        )
        assert status == 302 and "done" in headers["Location"]
        # A wrong password is still refused (the limits are off, the password check is not).
        assert "incorrect" in Browser(live_server.url, "198.51.100.9").login(world.user("teacher").email, "faux")[1]
    assert any("Cache Redis indisponible" in record.getMessage() for record in caplog.records)


def _session_keys_in_redis() -> list[bytes]:
    return [key for key in caches["default"]._cache.get_client().keys("*") if b"sessions" in key]


def test_a_signed_in_user_stays_signed_in_when_redis_goes_down(world, redis_cache):
    """Sessions are read from Redis (``cached_db``), written to the database too: an outage signs no one out."""
    teacher = Client()  # a new client builds its handler, and so its session middleware, under these settings
    teacher.force_login(world.user("teacher"))
    assert "Se déconnecter" in teacher.get("/").text
    assert _session_keys_in_redis()  # the session is read from Redis
    redis_cache.kill()
    redis_cache.wait()
    response = teacher.get("/")
    assert response.status_code == 200 and "Se déconnecter" in response.text


def test_a_session_ended_is_ended_in_redis_too(world, redis_cache):
    teacher = Client()
    teacher.force_login(world.user("teacher"))
    assert teacher.get("/").status_code == 200 and _session_keys_in_redis()
    kept = teacher.cookies["sessionid"].value
    assert teacher.post("/comptes/logout/").status_code == 302
    assert not _session_keys_in_redis()
    replay = Client()
    replay.cookies["sessionid"] = kept  # the cookie of the ended session, replayed
    response = replay.get("/")
    assert response.status_code == 302 and "login" in response["Location"]
