"""A real OpenID Connect provider for the tests: npm's oidc-provider (oidc_provider.mjs, next to this
file) run by Node in a subprocess on a free loopback port, with one client and a directory of ENT
identities and their claims."""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from continuite.tests.e2e.fixtures import _require

SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "node_modules" / "oidc-provider" / "package.json"


def _read_issuer(process: subprocess.Popen, timeout: float) -> str:
    """The first line the provider prints once it listens: {"issuer": "http://127.0.0.1:<port>"}."""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while (left := deadline - time.monotonic()) > 0:
            if selector.select(left):
                line = process.stdout.readline()
                if not line:
                    break  # the process ended
                return json.loads(line)["issuer"]
    process.kill()
    process.wait(timeout=10)
    raise RuntimeError("The OpenID Connect provider did not start.")


@contextlib.contextmanager
def oidc_provider(folder: Path, *, client_id: str, secret: str, redirect_uri: str, directory: dict):
    """Yield the provider's issuer URL while it runs; stop it afterwards."""
    if shutil.which("node") is None:
        message = "Node.js introuvable : installez-le (paquet Debian nodejs) pour tester la connexion OpenID Connect."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    _require(PACKAGE, "Le paquet npm oidc-provider")
    accounts = folder / "accounts.json"
    accounts.write_text(json.dumps(directory))
    command = [
        shutil.which("node"),
        str(SCRIPT),
        "--client-id", client_id,
        "--secret", secret,
        "--redirect-uri", redirect_uri,
        "--accounts", str(accounts),
    ]  # fmt: skip
    # oidc-provider warns on stderr (runtime, in-memory storage): kept in a file, shown if it fails.
    errors = (folder / "stderr.txt").open("w+")
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=errors, text=True, env={**os.environ, "NODE_ENV": "test"}
    )
    try:
        try:
            issuer = _read_issuer(process, timeout=30)
        except RuntimeError as error:
            errors.seek(0)
            raise RuntimeError(f"{error} {errors.read()[-2000:]}") from None
        yield issuer
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        process.stdout.close()
        errors.close()
