"""The ENT login when the ENT cannot be reached or does not confirm: a French page that says what happened
(« L'ENT ne répond pas pour le moment »), what to do (try again, or the portal's own email and
password) and leads back to the login page; the error is logged. The OpenID Connect and CAS settings
point at a loopback port where nothing listens, or at a small local server whose token endpoint is
such a port."""

from __future__ import annotations

import html
import json
import logging
import re
import socket
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import override_settings
from django.urls import reverse

from .test_ent_oidc import settings_from_environment

pytestmark = pytest.mark.django_db

WHAT_TO_DO = (
    "Ou connectez-vous avec votre adresse de courriel et votre mot de passe Continuité.",
    "Réessayez dans quelques minutes depuis la page de connexion.",
)


def closed_port() -> int:
    """A loopback port where nothing listens (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def text_of(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def title_of(response) -> str:
    return html.unescape(re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)).strip()


def assert_french_failure_page(response, *, said: str) -> None:
    text = text_of(response)
    assert title_of(response).startswith("Connexion par l'ENT impossible pour le moment")
    assert said in text, text
    for step in WHAT_TO_DO:
        assert step in text
    assert f'href="{reverse("account_login")}"' in response.content.decode()
    assert "Retour à la page de connexion" in text
    assert "Échec de la connexion via réseau social" not in text


@contextmanager
def oidc_settings(server_url: str):
    configuration = settings_from_environment(
        ENT_OIDC_SERVER_URL=server_url, ENT_OIDC_CLIENT_ID="continuite", ENT_OIDC_SECRET="secret"
    )
    with override_settings(**configuration):
        yield


def start_oidc_login(client):
    """The login page's ENT button: the form posted to allauth."""
    page = client.get(reverse("account_login"))
    action = re.search(r'<form method="post" action="([^"]*/oidc/ent/login/[^"]*)">', page.content.decode()).group(1)
    return client.post(html.unescape(action))


def test_it_says_the_ent_does_not_answer_when_the_oidc_button_is_pressed(client, caplog):
    with oidc_settings(f"http://127.0.0.1:{closed_port()}"), caplog.at_level(logging.WARNING, "continuite.accounts"):
        response = start_oidc_login(client)
    assert response.status_code == 503
    assert_french_failure_page(response, said="L'ENT ne répond pas pour le moment")
    assert any("injoignable" in record.getMessage() for record in caplog.records)
    assert "_auth_user_id" not in client.session


@contextmanager
def discovery_only(token_port: int):
    """An OpenID provider that publishes its discovery document, whose token endpoint is a closed port."""
    holder = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            base = holder["url"]
            document = {
                "issuer": base,
                "authorization_endpoint": f"{base}/auth",
                "token_endpoint": f"http://127.0.0.1:{token_port}/token",
                "userinfo_endpoint": f"http://127.0.0.1:{token_port}/me",
                "jwks_uri": f"http://127.0.0.1:{token_port}/jwks",
            }
            body = json.dumps(document).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["url"] = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder["url"]
    finally:
        server.shutdown()
        server.server_close()


def test_it_says_the_ent_does_not_answer_when_the_code_cannot_be_exchanged(client, caplog):
    with discovery_only(closed_port()) as issuer, oidc_settings(issuer):
        to_ent = start_oidc_login(client)
        assert to_ent.status_code == 302 and to_ent.headers["Location"].startswith(f"{issuer}/auth?")
        state = parse_qs(urlsplit(to_ent.headers["Location"]).query)["state"][0]
        with caplog.at_level(logging.WARNING, "continuite.accounts"):
            response = client.get("/comptes/oidc/ent/login/callback/", {"code": "abc", "state": state})
    assert response.status_code == 503
    assert_french_failure_page(response, said="L'ENT ne répond pas pour le moment")
    assert any("injoignable" in record.getMessage() for record in caplog.records)


def test_it_explains_an_error_sent_back_by_the_ent(client, caplog):
    with discovery_only(closed_port()) as issuer, oidc_settings(issuer):
        state = parse_qs(urlsplit(start_oidc_login(client).headers["Location"]).query)["state"][0]
        with caplog.at_level(logging.WARNING, "continuite.accounts"):
            response = client.get(
                "/comptes/oidc/ent/login/callback/",
                {"error": "server_error", "error_description": "maintenance", "state": state},
            )
    assert response.status_code == 502
    assert_french_failure_page(response, said="ENT NetO'Centre n'a pas confirmé votre connexion")
    assert any("refusée" in record.getMessage() for record in caplog.records)


def test_it_says_the_ent_does_not_answer_when_a_cas_ticket_cannot_be_validated(client, caplog):
    cas_url = f"http://127.0.0.1:{closed_port()}/cas/"
    with (
        override_settings(ENT_CAS_SERVER_URL=cas_url, ENT_CAS_NAME="ENT NetO'Centre (CAS)"),
        caplog.at_level(logging.WARNING, "continuite.accounts"),
    ):
        to_cas = client.get(reverse("ent_cas_login"))
        assert to_cas.status_code == 302 and to_cas.headers["Location"].startswith(f"{cas_url}login?service=")
        response = client.get(reverse("ent_cas_login"), {"ticket": "ST-1-abcdef"})
    assert response.status_code == 503
    assert_french_failure_page(response, said="L'ENT ne répond pas pour le moment")
    assert any("injoignable" in record.getMessage() for record in caplog.records)
    assert "_auth_user_id" not in client.session
