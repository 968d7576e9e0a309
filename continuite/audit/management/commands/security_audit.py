"""The security audit behind ``make audit``: check --deploy, bandit, and a wapiti scan per role.

Every finding must appear in ``.ci/audit-accepted.txt`` (reviewed, with a reason) or the command
fails. ``--offline`` runs only the fast parts (check --deploy and bandit), as CI does. The wapiti
scan runs on loopback against a throw-away copy of the demo lycée; wapiti lives in its own venv
(``var/audit-venv``), installed on demand, skipped with a notice when it cannot be installed.
"""

# ruff: noqa: S603, S310 (fixed commands without a shell; urlopen on the loopback server it started)
from __future__ import annotations

import fnmatch
import json
import os
import secrets
import shutil
import socket
import subprocess  # nosec B404 - fixed commands, no shell
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

ROOT = Path(settings.BASE_DIR)
ACCEPTED_FILE = ROOT / ".ci" / "audit-accepted.txt"
REPORTS = ROOT / "var" / "audit"
AUDIT_VENV = ROOT / "var" / "audit-venv"
WAPITI = AUDIT_VENV / "bin" / "wapiti"
# FIELD-NOTES: always the explicit module list, or wapiti calls outside hosts.
WAPITI_MODULES = "passive,xss,permanentxss,sql,exec,file,redirect,csrf,crlf,methods,backup,htaccess,upload"
BANDIT_EXCLUDES = ["*/.venv/*", "*/node_modules/*", "*/var/*", "*/tests/*", "*/migrations/*"]
SESSION_SCRIPT = """
import json
from django.test import Client
from continuite.accounts.models import User
from continuite.ecole.demo import demo_logins
keys = {}
for role, email, exists in demo_logins():
    if exists:
        client = Client()
        client.force_login(User.objects.get(email=email))
        keys[role] = client.cookies["sessionid"].value
print(json.dumps(keys))
"""


def load_accepted(path: Path = ACCEPTED_FILE) -> list[tuple[str, str, str]]:
    """``tool id path-glob  # reason`` per line; a line without a reason is refused."""
    accepted = []
    if not path.exists():
        return accepted
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        rule, _, reason = line.partition("#")
        parts = rule.split()
        if len(parts) != 3 or not reason.strip():
            raise CommandError(f"{path.name}:{number}: « outil identifiant chemin  # raison » attendu.")
        accepted.append((parts[0], parts[1], parts[2]))
    return accepted


def is_accepted(finding: tuple[str, str, str], accepted) -> bool:
    tool, ident, where = finding
    return any(tool == t and ident == i and fnmatch.fnmatch(where, glob) for t, i, glob in accepted)


class Command(BaseCommand):
    help = "Audit de sécurité : check --deploy, bandit, puis wapiti par rôle (sauf --offline)."

    def add_arguments(self, parser):
        parser.add_argument("--offline", action="store_true", help="check --deploy et bandit seulement.")
        parser.add_argument("--roles", default="", help="Rôles de démonstration à scanner (tous par défaut).")
        parser.add_argument("--max-scan-time", type=int, default=180, help="Secondes de scan par rôle.")

    def handle(self, *args, offline=False, roles="", max_scan_time=180, **options):
        accepted = load_accepted()
        findings: list[tuple[str, str, str, str]] = []
        findings += self.check_deploy()
        findings += self.bandit()
        if not offline:
            findings += self.wapiti([r for r in roles.split(",") if r], max_scan_time)
        refused = [f for f in findings if not is_accepted(f[:3], accepted)]
        for tool, ident, where, text in findings:
            mark = "ACCEPTÉ " if (tool, ident, where, text) not in refused else "REFUSÉ  "
            self.stdout.write(f"{mark} {tool} {ident} {where} — {text}")
        if refused:
            raise CommandError(f"{len(refused)} constat(s) non accepté(s) : voir ci-dessus et {ACCEPTED_FILE.name}.")
        self.stdout.write(self.style.SUCCESS(f"Audit de sécurité réussi ({len(findings)} constat(s), tous acceptés)."))

    # -- check --deploy ------------------------------------------------------------------------
    def check_deploy(self):
        self.stdout.write("==> manage.py check --deploy (réglages de production)")
        env = {
            **os.environ,
            "CONTINUITE_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "continuite.example.fr",
        }
        for name in ("DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_AGE"):
            env.pop(name, None)
        # the check does not connect to the database; production refuses to start without one named
        env["DATABASE_URL"] = "postgres://continuite@127.0.0.1:5432/continuite"
        result = subprocess.run(  # nosec B603
            [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        self.stdout.write((result.stdout + result.stderr).strip())
        if result.returncode:
            return [("check", "deploy", "settings", (result.stdout + result.stderr).strip()[-500:])]
        return []

    # -- bandit ----------------------------------------------------------------------------------
    def bandit(self):
        self.stdout.write("==> bandit -ll (gravité moyenne et plus)")
        bandit = Path(sys.executable).parent / "bandit"
        if not bandit.exists():
            raise CommandError("bandit est introuvable : pip install -r requirements-dev.txt")
        result = subprocess.run(  # nosec B603
            [str(bandit), "-ll", "-q", "-r", ".", "-x", ",".join(BANDIT_EXCLUDES), "-f", "json"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        try:
            report = json.loads(result.stdout)
        except json.JSONDecodeError:
            raise CommandError(f"bandit n'a pas produit de rapport : {result.stderr[-500:]}") from None
        findings = []
        for issue in report.get("results", []):
            where = os.path.relpath(issue["filename"], ROOT)
            text = f"{issue['issue_severity']} l.{issue['line_number']} {issue['issue_text']}"
            findings.append(("bandit", issue["test_id"], where, text))
        for error in report.get("errors", []):
            self.stdout.write(f"    (bandit n'a pas pu lire {error['filename']} : {error['reason']})")
        return findings

    # -- wapiti ----------------------------------------------------------------------------------
    def ensure_wapiti(self) -> bool:
        if WAPITI.exists():
            return True
        self.stdout.write("==> installation de wapiti3 dans var/audit-venv (une fois)")
        try:
            subprocess.run([sys.executable, "-m", "venv", str(AUDIT_VENV)], check=True)  # nosec B603
            subprocess.run(  # nosec B603
                [str(AUDIT_VENV / "bin" / "pip"), "install", "--quiet", "wapiti3"], check=True
            )
        except (subprocess.CalledProcessError, OSError) as exc:
            self.stdout.write(self.style.WARNING(f"wapiti3 n'a pas pu être installé ({exc}) : scan web ignoré."))
            return False
        return WAPITI.exists()

    def wapiti(self, roles: list[str], max_scan_time: int):
        if not self.ensure_wapiti():
            return []
        REPORTS.mkdir(parents=True, exist_ok=True)
        database = REPORTS / "scan.sqlite3"
        database.unlink(missing_ok=True)
        env = {
            **os.environ,
            "CONTINUITE_ENV": "development",
            "DATABASE_URL": f"sqlite:///{database}",
            "DEBUG": "0",
            "MFA_REQUIRED_FOR_SENSITIVE_ROLES": "0",
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        self.stdout.write("==> base de démonstration jetable pour le scan")
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)  # nosec B603
        subprocess.run([*manage, "seed_demo"], cwd=ROOT, env=env, check=True, capture_output=True)  # nosec B603
        keys = json.loads(
            subprocess.run(  # nosec B603
                [*manage, "shell", "-c", SESSION_SCRIPT], cwd=ROOT, env=env, check=True, capture_output=True, text=True
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        base = f"http://127.0.0.1:{port}/"
        server = subprocess.Popen(  # nosec B603
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        findings = []
        try:
            self.wait_for(base)
            for role, key in keys.items():
                if roles and role not in roles:
                    continue
                findings += self.scan(base, role, key, max_scan_time)
        finally:
            server.terminate()
            server.wait(timeout=10)
        return findings

    @staticmethod
    def wait_for(base: str) -> None:
        for _ in range(60):
            try:
                urllib.request.urlopen(base + "comptes/login/", timeout=2)  # nosec B310 - loopback only
                return
            except OSError:
                time.sleep(0.5)
        raise CommandError("le serveur de scan n'a pas démarré")

    def scan(self, base: str, role: str, session_key: str, max_scan_time: int):
        slug = "".join(c if c.isalnum() else "-" for c in role.lower())
        output = REPORTS / f"wapiti-{slug}.json"
        output.unlink(missing_ok=True)
        self.stdout.write(f"==> wapiti connecté en tant que « {role} »")
        store = REPORTS / "wapiti-store"
        shutil.rmtree(store, ignore_errors=True)
        store.mkdir(parents=True)
        command = [
            str(WAPITI),
            "-u", base,
            "--scope", "folder",
            "-m", WAPITI_MODULES,
            "--endpoint", base,
            "--external-endpoint", base,
            "--internal-endpoint", base,
            "--dns-endpoint", "localhost",
            "--no-bugreport",
            "--flush-session",
            "--store-session", str(store),
            "--store-config", str(store),
            "-C", f"sessionid={session_key}",
            "-x", base + "comptes/logout/",
            "-x", base + "admin/*",
            "--max-scan-time", str(max_scan_time),
            "--max-attack-time", str(max(30, max_scan_time // 6)),
            "-f", "json",
            "-o", str(output),
            "-v", "0",
        ]  # fmt: skip
        subprocess.run(command, cwd=ROOT, check=False, stdout=subprocess.DEVNULL)  # nosec B603
        if not output.exists():
            return [("wapiti", "no-report", role, "wapiti n'a pas produit de rapport")]
        report = json.loads(output.read_text())
        findings = []
        for section in ("vulnerabilities", "anomalies"):
            for category, items in (report.get(section) or {}).items():
                for item in items:
                    ident = category.replace(" ", "_")
                    text = f"[{role}] {item.get('method', '')} {item.get('info', '')}"[:300]
                    findings.append(("wapiti", ident, item.get("path", ""), text))
        self.stdout.write(f"    {len(findings)} constat(s) — rapport : {output.relative_to(ROOT)}")
        return findings
