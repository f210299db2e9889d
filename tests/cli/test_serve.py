"""`workbench serve`: a real server process on a free port, driven through its WebSocket and in
headless Chromium. Opening the printed link opens the app; keys pressed in the page reach the
database under the browser session's coder; the page loads nothing from outside; refusals for
everyone without the link are in test_serve_guard.py.

No sleeps stand in for readiness: the tests read the app's own screen (the bytes it sends) and
type only once it shows the status line and an excerpt — a key pressed before that used to be
dropped now and then ("no excerpt selected").
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from workbench.store.api import Project

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
READY = (b"coded by me", b"hint:")  # the status line once loaded, and the excerpt on show


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


Served = tuple[dict[str | None, str], subprocess.Popen[str]]


@pytest.fixture
def serve(example_dir: Path, tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """serve(*options) → ({coder or None: printed link}, process); stopped afterwards."""
    procs: list[subprocess.Popen[str]] = []

    def start(*options: str, env: dict[str, str] | None = None) -> Served:
        port = free_port()
        environment = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), **(env or {})}
        if not env or "WORKBENCH_CODER" not in env:
            environment.pop("WORKBENCH_CODER", None)
        proc = subprocess.Popen([sys.executable, "-m", "workbench", "-p", str(example_dir), "serve",
                                 "--port", str(port), *options],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment)
        procs.append(proc)
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert "serving peer-support" in first and "only this machine can connect" in first, first
        links: dict[str | None, str] = {}
        while True:
            line = proc.stdout.readline().rstrip("\n")
            m = re.fullmatch(r"  (?:(.+): )?(http://\S+)", line)
            if not m:
                break
            links[m.group(1)] = m.group(2)
            if len(links) == max(1, options.count("--coder")):
                break
        assert links and all(f"http://127.0.0.1:{port}/?token=" in u for u in links.values()), links
        return links, proc

    yield start
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_for_coding(folder: Path, coder: str, timeout: float = 30) -> list[tuple[str, str]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Project.open(folder) as p:
            found = [(c.excerpt, c.subtheme) for c in p.records.codings([coder])] if coder in p.records.coders() else []
        if found:
            return found
        time.sleep(0.2)
    return []


def ws_url(link: str, coder: str | None) -> str:
    base, token = link.split("/?token=")
    return base.replace("http", "ws", 1) + f"/ws/{token}" + (f"/{coder}" if coder else "") + "?width=120&height=40"


async def code_over_websocket(url: str, origin: str, keys: list[tuple[str, bytes]],
                              saved: Callable[[], object]) -> object:
    """Connect as the page does, wait until the app is ready, then each key once the screen shows
    what the key before it opened; quit once `saved()` finds the result in the database."""
    import aiohttp

    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(url, origin=origin) as ws:
            screen = b""

            async def until(*marks: bytes) -> None:
                nonlocal screen
                deadline = time.monotonic() + 60
                while not all(m in screen for m in marks) and time.monotonic() < deadline:
                    msg = await ws.receive(timeout=60)
                    if msg.type == aiohttp.WSMsgType.BINARY:
                        screen += msg.data
                    elif msg.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                        break
                assert all(m in screen for m in marks), f"the app never showed {marks}"

            await until(*READY)
            for key, shows in keys:
                screen = b""
                await ws.send_json(["stdin", key])
                if shows:
                    await until(shows)
            found = await asyncio.to_thread(saved)
            await ws.send_json(["stdin", "\x11"])  # ctrl+q
            return found


def test_the_printed_link_opens_a_page_that_references_nothing_outside(serve) -> None:  # type: ignore[no-untyped-def]
    links, _proc = serve()
    link = links[None]
    page = urllib.request.urlopen(link, timeout=5).read().decode()
    assert "Who is coding?" in page and "textual.js" in page
    assert not re.findall(r"""(?:https?|wss?)://[^\s"'<>)]+""", page), "the page names no host: it follows the browser's"
    assert "googleapis" not in page and "@import" not in page
    for path in re.findall(r"/static/[^\"')]+", page):  # every resource it names is really served here
        assert urllib.request.urlopen(link.split("/?")[0] + path, timeout=5).status == 200
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(link.split("?")[0], timeout=5)
    assert refused.value.code == 403


def test_keys_over_the_websocket_code_as_the_browsers_coder(serve, example_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The browser's protocol: ["stdin", keys] in, terminal bytes out. The session's name comes from
    the browser (the path), not from the server's environment, and is not saved in any settings."""
    links, _proc = serve(env={"WORKBENCH_CODER": "server-side"})
    link = links[None]
    origin = link.split("/?")[0]
    found = asyncio.run(code_over_websocket(ws_url(link, "webby"), origin,
                                            [("a", b"Apply a"), ("bound", b""), ("\r", b"")],
                                            lambda: wait_for_coding(example_dir, "webby")))
    assert found == [("e001", "Boundaries")]
    with Project.open(example_dir) as p:
        assert "server-side" not in p.records.coders()
    assert not any("coder" in f.read_text() for f in (tmp_path / "config").rglob("*") if f.is_file())


def test_a_per_coder_link_codes_as_its_coder(serve, example_dir: Path) -> None:  # type: ignore[no-untyped-def]
    links, _proc = serve("--coder", "amira", "--coder", "bea")
    assert set(links) == {"amira", "bea"} and links["amira"] != links["bea"]
    origin = links["amira"].split("/?")[0]
    found = asyncio.run(code_over_websocket(ws_url(links["bea"], None), origin,
                                            [("a", b"Apply a"), ("work", b""), ("\r", b"")],
                                            lambda: wait_for_coding(example_dir, "bea")))
    assert found == [("e001", "Workload")]


def test_serving_beyond_this_machine_needs_tls_or_insecure(run, example_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("-p", str(example_dir), "serve", "--host", "0.0.0.0")
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "--certfile" in result.output and "--insecure" in result.output
    result = run("-p", str(example_dir), "serve", "--host", "0.0.0.0", "--certfile", str(example_dir / "workbench.db"))
    assert result.exit_code == 1 and "--keyfile" in result.output


def test_tls_beyond_loopback(example_dir: Path, tmp_path: Path) -> None:
    """--host 0.0.0.0 with a certificate: a warning, https links, and the page over TLS."""
    import ssl

    openssl = shutil.which("openssl")
    if openssl is None:
        if os.environ.get("CI") == "true":
            pytest.fail("openssl missing on CI")
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=localhost"], check=True, capture_output=True)
    port = free_port()
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "-p", str(example_dir), "serve", "--host", "0.0.0.0",
                             "--port", str(port), "--certfile", str(cert), "--keyfile", str(key)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None and proc.stderr is not None
        assert "warning: listening on 0.0.0.0" in proc.stderr.readline()
        proc.stdout.readline()
        link = proc.stdout.readline().strip()
        assert link.startswith(f"https://{socket.gethostname()}:{port}/?token="), link
        local = link.replace(socket.gethostname(), "localhost", 1)
        context = ssl.create_default_context(cafile=str(cert))
        page = urllib.request.urlopen(local, timeout=10, context=context).read().decode()
        assert "textual.js" in page and "0.0.0.0" not in page
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.browser
def test_in_headless_chromium(serve, example_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The real page: it asks who is coding, connects, and the keys code as that person. The test
    reads the app's screen through the page's WebSocket (a wrapper installed before the page loads)
    and types only once the app is ready."""
    if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
        if os.environ.get("CI") == "true":
            pytest.fail("chromium/chromedriver missing on CI (.ci/run installs them)")
        pytest.skip("Debian chromium and chromium-driver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    links, _proc = serve()
    link = links[None]
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
                "--window-size=1400,900"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    screen = "return window.__screen || ''"
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": """
            (() => { const Real = window.WebSocket, decoder = new TextDecoder();
              window.__screen = "";
              window.WebSocket = function (...args) {
                const ws = new Real(...args);
                ws.addEventListener("message", e => {
                  if (typeof e.data !== "string") window.__screen += decoder.decode(e.data, {stream: true});
                });
                return ws;
              };
              window.WebSocket.prototype = Real.prototype; })();"""})
        driver.get(link)
        name = WebDriverWait(driver, 20).until(ec.visibility_of_element_located((By.ID, "name")))
        name.send_keys("chromy\n")

        def shows(*marks: str) -> Callable[[object], bool]:
            return lambda d: all(m in driver.execute_script(screen) for m in marks)

        WebDriverWait(driver, 60).until(shows("coded by me", "hint:"))
        box = WebDriverWait(driver, 10).until(ec.presence_of_element_located((By.CSS_SELECTOR, "textarea")))
        driver.execute_script("window.__screen = ''")
        box.send_keys("a")
        WebDriverWait(driver, 20).until(shows("Apply a"))
        box.send_keys("work")
        box.send_keys("\n")
        assert wait_for_coding(example_dir, "chromy") == [("e001", "Workload")]
        driver.save_screenshot(str(tmp_path / "served.png"))
        requested = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        base = link.split("/?")[0]
        assert requested and all(r.startswith(base) for r in requested), requested
        # This browser remembers who is coding: opening the link again does not ask.
        assert driver.execute_script("return localStorage.getItem('workbench.coder')") == "chromy"
        driver.get(link)
        WebDriverWait(driver, 60).until(shows("coded by me"))
        assert not driver.find_element(By.ID, "name").is_displayed()
    finally:
        driver.quit()
