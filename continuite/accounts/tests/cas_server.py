"""A real CAS 3.0 server for the tests: the django-cas-server application run as a small Django project
in a subprocess on a free loopback port, with a directory of ENT identities and their attributes."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

SETTINGS = """
import json
SECRET_KEY = "cas-test-server"
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
    "django.contrib.messages", "django.contrib.staticfiles", "cas_server",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "casproject.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request", "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": %(db)r}}
STATIC_URL = "/static/"
USE_TZ = True
CAS_AUTH_CLASS = "casproject.directory.DirectoryAuthUser"
CAS_DIRECTORY = json.loads(%(directory)r)
CAS_SHOW_POWERED = False
CAS_NEW_VERSION_HTML_WARNING = False
CAS_NEW_VERSION_EMAIL_WARNING = False
"""

URLS = """
from django.urls import include, path
urlpatterns = [path("cas/", include("cas_server.urls", namespace="cas_server"))]
"""

DIRECTORY = """
from django.conf import settings
from cas_server.auth import AuthUser


class DirectoryAuthUser(AuthUser):
    def test_password(self, password):
        return settings.CAS_DIRECTORY.get(self.username, {}).get("password") == password

    def attributs(self):
        return settings.CAS_DIRECTORY.get(self.username, {}).get("attributes", {})
"""

SETUP = """
from cas_server.models import ReplaceAttributName, ServicePattern
pattern = ServicePattern.objects.create(pos=1, name="Continuité", pattern=r"^http://(127\\.0\\.0\\.1|localhost):\\d+/.*")
ReplaceAttributName.objects.create(name="*", service_pattern=pattern)
"""


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def cas_server(folder: Path, directory: dict):
    """Yield the server's URL (``http://127.0.0.1:<port>/cas/``) while it runs."""
    project = folder / "casproject"
    project.mkdir(parents=True)
    (project / "__init__.py").write_text("")
    (project / "settings.py").write_text(
        SETTINGS % {"db": str(folder / "cas.sqlite3"), "directory": json.dumps(directory)}
    )
    (project / "urls.py").write_text(URLS)
    (project / "directory.py").write_text(DIRECTORY)
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "CONTINUITE_", "DATABASE"))
    }
    env.update(DJANGO_SETTINGS_MODULE="casproject.settings", PYTHONPATH=str(folder))
    manage = [sys.executable, "-m", "django"]
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=folder, check=True, capture_output=True, timeout=180)
    subprocess.run([*manage, "shell", "-c", SETUP], env=env, cwd=folder, check=True, capture_output=True, timeout=60)
    port = free_port()
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.2)
        else:
            raise RuntimeError("The CAS server did not start.")
        yield f"http://127.0.0.1:{port}/cas/"
    finally:
        server.terminate()
        server.wait(timeout=10)
