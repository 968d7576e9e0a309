"""Settings come from the environment; a bad value stops the start with a clear message."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def start_with(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")}
    clean.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='continuite.settings'; django.setup()",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "env,message",
    [
        ({"CONTINUITE_ENV": "prod"}, "CONTINUITE_ENV='prod' is not valid"),
        ({"CONTINUITE_ENV": "production"}, "SECRET_KEY must be set in production"),
        (
            {"CONTINUITE_ENV": "production", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "portail.example.fr"},
            "DATABASE_URL must be set in production",
        ),
        ({"DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL must point to PostgreSQL"),
        ({"REDIS_URL": "amqp://guest@localhost//"}, "must be a redis:// URL"),
        ({"DEBUG": "peut-etre"}, "DEBUG='peut-etre' is not a boolean"),
        ({"CONN_MAX_AGE": "dix"}, "CONN_MAX_AGE='dix' is not a whole number"),
        ({"ENT_OIDC_CLIENT_ID": "abc"}, "ENT_OIDC_SERVER_URL, ENT_OIDC_CLIENT_ID and ENT_OIDC_SECRET together"),
    ],
)
def test_it_refuses_a_bad_value_with_a_clear_message(env, message):
    result = start_with(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_it_starts_embedded_with_no_variable():
    result = start_with(CONTINUITE_ENV="development")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("value", ["12", "moins"])
def test_it_refuses_a_bad_trusted_proxy_count(value):
    result = start_with(CONTINUITE_ENV="development", TRUSTED_PROXY_COUNT=value)
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT" in result.stderr


def test_it_runs_the_demo_without_django_s_technical_pages():
    """The demo runs without DEBUG: an unknown page reads « Page introuvable », never Django's URL list."""
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='continuite.settings'; django.setup();"
        "from django.conf import settings; print(settings.DEBUG, settings.WHITENOISE_USE_FINDERS)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG",)}
    clean["CONTINUITE_ENV"] = "development"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True)
    assert result.stdout.split() == ["False", "True"], result.stderr


def test_it_answers_an_unknown_page_in_french(client, db):
    page = client.get("/cette-page-n-existe-pas/")
    assert page.status_code == 404
    assert "Page introuvable" in page.content.decode() and "URLconf" not in page.content.decode()


@pytest.mark.parametrize("name,value", [("LOGIN_RATE_LIMIT", "30/minute"), ("LOGIN_FAILED_RATE_LIMIT", "foo")])
def test_it_refuses_a_login_limit_it_cannot_read(name, value):
    result = start_with(CONTINUITE_ENV="development", **{name: value})
    assert result.returncode != 0
    assert f"{name}={value!r}: write limits like" in result.stderr


def test_it_refuses_to_seed_the_demo_in_production(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")}
    env.update(CONTINUITE_ENV="production", SECRET_KEY="x" * 60, ALLOWED_HOSTS="portail.example.fr")
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'prod.sqlite3'}"
    result = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "Refusé en production" in result.stderr


def test_it_turns_postgresql_s_jit_off():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='continuite.settings'; django.setup();"
            "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS']['options'])",
        ],
        cwd=ROOT,
        env={**os.environ, "CONTINUITE_ENV": "development", "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "-c jit=off"
