"""`workbench serve`: a real server process on a free port, driven through its websocket and in
headless Chromium; keys pressed in the page reach the database. The page loads nothing from outside."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.store.api import Project

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(example_dir: Path, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env.pop("WORKBENCH_CODER", None)
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "-p", str(example_dir), "--coder", "webby", "serve",
                             "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert f"serving the app at {url}" in first and "only this machine can connect" in first
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_for_coding(folder: Path, coder: str, timeout: float = 20) -> list[tuple[str, str]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Project.open(folder) as p:
            found = [(c.excerpt, c.subtheme) for c in p.codings([coder])] if coder in p.coders() else []
        if found:
            return found
        time.sleep(0.2)
    return []


def test_the_page_references_nothing_outside_the_machine(server) -> None:  # type: ignore[no-untyped-def]
    url, _proc = server
    page = urllib.request.urlopen(url + "/", timeout=5).read().decode()
    found = re.findall(r"""(?:https?|wss?)://[^\s"'<>)]+""", page)
    assert found, "the page names its own resources"
    port = url.rsplit(":", 1)[1]
    assert all(re.match(rf"(?:http|ws)://127\.0\.0\.1:{port}/", u) for u in found), found
    assert "googleapis" not in page and "@import" not in page
    for path in re.findall(r"/static/[^\"')]+", page):  # every resource it names is really served here
        assert urllib.request.urlopen(url + path, timeout=5).status == 200


def test_keys_sent_over_the_websocket_code_an_excerpt(server, example_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """The browser's protocol: ["stdin", keys] in, terminal bytes out; 'a bound Enter' codes e001."""
    import aiohttp

    url, _proc = server

    async def drive() -> None:
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(url.replace("http", "ws") + "/ws?width=120&height=40") as ws:
                screen = b""
                deadline = time.monotonic() + 30
                while b"coded by me" not in screen and time.monotonic() < deadline:
                    msg = await ws.receive(timeout=30)
                    if msg.type == aiohttp.WSMsgType.BINARY:
                        screen += msg.data
                    elif msg.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                        break
                assert b"coded by me" in screen, "the app did not draw its first screen"
                for keys in ("a", "bound", "\r"):
                    await ws.send_json(["stdin", keys])
                    await asyncio.sleep(0.6)
                found = await asyncio.to_thread(wait_for_coding, example_dir, "webby")
                assert found == [("e001", "Boundaries")]
                await ws.send_json(["stdin", "\x11"])  # ctrl+q
                await asyncio.sleep(0.3)

    asyncio.run(drive())


@pytest.mark.browser
def test_in_headless_chromium(server, example_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
        if os.environ.get("CI") == "true":
            pytest.fail("chromium/chromedriver missing on CI (.ci/run installs them)")
        pytest.skip("Debian chromium and chromium-driver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    url, _proc = server
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
                "--window-size=1400,900"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    try:
        driver.get(url + "/")
        WebDriverWait(driver, 30).until(lambda d: "-first-byte" in d.find_element(By.TAG_NAME, "body")
                                        .get_attribute("class"))
        box = WebDriverWait(driver, 10).until(ec.presence_of_element_located((By.CSS_SELECTOR, "textarea")))
        time.sleep(2)  # the app's first screen and its project load
        for keys in ("a", "work", "\n"):
            box.send_keys(keys)
            time.sleep(0.6)
        assert wait_for_coding(example_dir, "webby") == [("e001", "Workload")]
        driver.save_screenshot(str(tmp_path / "served.png"))
        requested = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)")
        assert requested and all(r.startswith(url) or r.startswith(url.replace("http", "ws")) for r in requested)
    finally:
        driver.quit()
