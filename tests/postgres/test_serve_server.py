"""`workbench serve` on a project server: a browser session codes as the login that serves, through
the server's rules (the coding lands under the login, the audit entry names it), and the login's
password in the URL reaches the session's app process by its environment, not its command line."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from workbench.store.api import Project


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _codings(url: str, coder: str) -> list[tuple[str, str]]:
    with Project.open(None, url) as p:
        return [(c.excerpt, c.subtheme) for c in p.records.codings([coder])] if coder in p.records.coders() else []


async def _code(link: str, coder: str, admin_url: str, seen_cmdlines: list[str]) -> list[tuple[str, str]]:
    """Open the shared link's WebSocket as `coder`, wait for the app, apply 'Workload' to e001."""
    import aiohttp

    base, token = link.split("/?token=")
    url = base.replace("http", "ws", 1) + f"/ws/{token}/{coder}?width=120&height=40"
    async with aiohttp.ClientSession() as session, session.ws_connect(url, origin=base) as ws:
        screen = b""

        async def until(mark: bytes) -> None:
            nonlocal screen
            deadline = time.monotonic() + 60
            while mark not in screen and time.monotonic() < deadline:
                msg = await ws.receive(timeout=60)
                if msg.type != aiohttp.WSMsgType.BINARY:
                    break
                screen += msg.data
            assert mark in screen, f"the app never showed {mark!r}"

        for mark in (b"coded by me", b"hint:"):
            await until(mark)
        seen_cmdlines.extend(_read(p).decode(errors="replace") for p in Path("/proc").glob("[0-9]*/cmdline")
                             if b"workbench" in _read(p))
        screen = b""
        await ws.send_json(["stdin", "a"])
        await until(b"Apply a")
        await ws.send_json(["stdin", "work"])
        await ws.send_json(["stdin", "\r"])
        deadline = time.monotonic() + 30
        found: list[tuple[str, str]] = []
        while not found and time.monotonic() < deadline:
            found = await asyncio.to_thread(_codings, admin_url, coder)
            await asyncio.sleep(0.2)
        await ws.send_json(["stdin", "\x11"])
        return found


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def test_a_browser_session_codes_as_the_serving_login(team, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    amira, url = team.login("amira")
    password = team.passwords[amira]
    port = _free_port()
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env.pop("WORKBENCH_DB", None)
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "--db", url, "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=tmp_path)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert f"serving {team.database}" in first, first
        link = proc.stdout.readline().strip()
        cmdlines: list[str] = []
        assert asyncio.run(_code(link, amira, team.url, cmdlines)) == [("e001", "Workload")]
        sessions = [c for c in cmdlines if "--coder" in c and "open" in c]
        assert sessions and not any(password in c for c in sessions), sessions
        with Project.open(None, team.url) as admin:
            entry = admin.audit_log(1)[0]
        assert (entry["actor"], entry["action"]) == (amira, "code")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
