"""Start and stop a throw-away PostgreSQL cluster for the archive's tests (standard library only).

``python3 tools/pg_cluster.py start DIR`` runs ``initdb`` and ``pg_ctl start`` on a free
loopback port with the cluster in ``DIR`` (password login for the superuser ``postgres``) and
prints the server's SQLAlchemy URL; ``stop DIR`` stops it and removes ``DIR``. As root the
server runs as the ``postgres`` user (PostgreSQL refuses root). ``.ci/run`` and the tests'
fixture (``tests/archive_backends.py``) use it.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import sys
from pathlib import Path

SERVICE_USER = "postgres"


class ClusterError(RuntimeError):
    """No PostgreSQL server can be started here (the reason is the message)."""


def binary(name: str) -> str:
    """The path of a PostgreSQL server program (PATH, else Debian's versioned folders)."""
    found = shutil.which(name) or next(iter(sorted(glob.glob(
        f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if found is None:
        raise ClusterError(f"{name} not found: install PostgreSQL (Debian package postgresql)")
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_owner(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    runuser = shutil.which("runuser")
    if runuser is None:
        raise ClusterError("running as root without runuser: cannot start PostgreSQL")
    return [runuser, "-u", SERVICE_USER, "--", *command]


def _run(command: list[str]) -> None:
    done = subprocess.run(_as_owner(command), capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise ClusterError(f"{' '.join(command[:2])} failed: {done.stderr.strip()[-800:]}")


def start(folder: str | os.PathLike) -> str:
    """Create and start a cluster in ``folder``; return its URL
    (``postgresql+psycopg://postgres:PASSWORD@127.0.0.1:PORT/postgres``)."""
    folder = Path(folder).resolve()
    data, password = folder / "data", secrets.token_hex(12)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pw").write_text(password + "\n", encoding="ascii")
    if os.geteuid() == 0:
        shutil.chown(folder, SERVICE_USER)
        shutil.chown(folder / "pw", SERVICE_USER)
    _run([binary("initdb"), "-D", str(data), "-U", "postgres", "--pwfile", str(folder / "pw"),
          "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8",
          "--locale=C.UTF-8"])
    port = _free_port()
    _run([binary("pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-w", "-o",
          f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start"])
    return f"postgresql+psycopg://postgres:{password}@127.0.0.1:{port}/postgres"


def stop(folder: str | os.PathLike) -> None:
    """Stop the cluster in ``folder`` (if running) and remove the folder."""
    folder = Path(folder).resolve()
    if (folder / "data" / "postmaster.pid").exists():
        _run([binary("pg_ctl"), "-D", str(folder / "data"), "-m", "fast", "-w", "stop"])
    shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in ("start", "stop"):
        print("usage: pg_cluster.py start|stop DIR", file=sys.stderr)
        return 2
    try:
        if argv[1] == "start":
            print(start(argv[2]))
        else:
            stop(argv[2])
    except (ClusterError, OSError, subprocess.SubprocessError) as exc:
        print(f"pg_cluster: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
