"""Pages travel compressed (gzip) to the browsers that accept it, except those showing a lasting secret."""

import gzip
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[3]
GZIP = "gzip, deflate, br, zstd"  # what Chromium sends


@pytest.mark.django_db
def test_it_compresses_a_page_for_a_browser_that_accepts_gzip(client, world):
    client.force_login(world.user("parent"))
    plain = client.get(reverse("home"))
    compressed = client.get(reverse("home"), HTTP_ACCEPT_ENCODING=GZIP)

    assert "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    html = gzip.decompress(compressed.content).decode()
    assert '<main id="contenu"' in html
    assert html.rstrip().endswith("</html>")
    assert len(compressed.content) < len(plain.content) / 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,page",
    [
        ("teacher", "planning:calendar_links"),  # the feed's secret link
        ("direction", "mfa_index"),  # the second factor and its pages (its key, its recovery codes)
    ],
)
def test_it_never_compresses_a_page_that_shows_a_lasting_secret(client, world, role, page):
    client.force_login(world.user(role))
    response = client.get(reverse(page), HTTP_ACCEPT_ENCODING=GZIP)

    assert response.status_code == 200
    assert "Content-Encoding" not in response


def test_it_compresses_pages_with_the_production_settings(tmp_path):
    """With CONTINUITE_ENV=production, as deployed: a page asked for with gzip comes compressed."""
    code = """
import gzip, os, django
os.environ["DJANGO_SETTINGS_MODULE"] = "continuite.settings"
django.setup()
from django.conf import settings
from django.test import Client, override_settings
# The pages' static links without a collectstatic run (the manifest's names are not the point here).
plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}):
    client = Client(HTTP_HOST="portail.example.fr")
    response = client.get("/accessibilite/", secure=True, HTTP_ACCEPT_ENCODING="gzip")
    plain = client.get("/accessibilite/", secure=True)
print(settings.PRODUCTION, response.status_code, response.get("Content-Encoding"), plain.get("Content-Encoding"),
      b"</html>" in gzip.decompress(response.content))
"""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")}
    env.update(
        CONTINUITE_ENV="production",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="portail.example.fr",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.split() == ["True", "200", "gzip", "None", "True"], result.stderr[-2000:]
