"""The report in a real browser: Debian's Chromium, driven by selenium, offline.

It must run (not skip) where CI=true: .ci/run installs chromium and chromium-driver.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture
def browser(tmp_path: Path):  # type: ignore[no-untyped-def]
    if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
        if os.environ.get("CI") == "true":
            pytest.fail("chromium/chromedriver missing on CI (.ci/run installs them)")
        pytest.skip("Debian chromium and chromium-driver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
                "--window-size=1400,1000"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.mark.browser
def test_expand_a_reference_and_read_the_excerpt(example_dir: Path, run, tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    page = tmp_path / "report.html"
    assert run("-p", str(example_dir), "export", "report", "-o", str(page)).exit_code == 0
    browser.get(page.as_uri())
    assert browser.title.startswith("Peer support for mental health")
    # Wellbeing and recovery / benefit / PSWs [23, 34, 61]: open 34
    ref = browser.find_element(By.XPATH, "//details[@data-x='[\"e012\"]']/summary[text()='34']")
    ref.click()
    box = WebDriverWait(browser, 5).until(ec.visibility_of_element_located(
        (By.CSS_SELECTOR, "details.ref[open] .behind")))
    assert "Peer workers described coming to accept themselves more fully" in box.text
    assert "e012 · source 34 · PSWs" in box.text and "coders: consensus" in box.text
    browser.save_screenshot(str(tmp_path / "report.png"))
    # both pictures drew, and nothing was fetched or complained about
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.pic")) == 2
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    resources = browser.execute_script("return performance.getEntriesByType('resource').length")
    assert resources == 0
