"""Headless Chromium for the tests that check what a browser shows (Debian's chromium +
chromium-driver, driven by Selenium).  Skips, saying what is missing, when there is none."""

from __future__ import annotations

import shutil

import pytest

#: Flags for a quiet headless start on a machine with no network but loopback.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage")


def chromium_paths() -> tuple[str, str]:
    """(browser, driver) executables, or skip the test with the reason."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        pytest.skip("the selenium package is not installed: pip install -e .[test]")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.skip("no headless Chromium: install Debian's chromium and chromium-driver (scripts/install-test-deps.sh)")
    return chromium, driver


def start_chromium(profile, *extra_args: str, page_load_strategy: str | None = None):
    """A Selenium driver for headless Chromium with a fresh profile folder, or skip."""
    chromium, driver_path = chromium_paths()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in (*CHROMIUM_FLAGS, *extra_args, f"--user-data-dir={profile}"):
        options.add_argument(arg)
    if page_load_strategy:
        options.page_load_strategy = page_load_strategy
    try:
        return webdriver.Chrome(options=options, service=Service(driver_path))
    except Exception as exc:  # noqa: BLE001 - any start-up failure means: no browser here
        first = str(exc).splitlines()[0] if str(exc) else ""
        pytest.skip(f"headless Chromium would not start: {type(exc).__name__}: {first}")
