"""Headless Firefox for the browser tests, driven over Marionette (Firefox's own remote protocol, which geckodriver
itself speaks to it): Debian packages ``firefox-esr`` but no geckodriver, so this small client replaces it.
Skips, saying what is missing, when there is no Firefox."""

from __future__ import annotations

import base64
import json
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

#: The key WebDriver names an element reference by.
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
ENTER, TAB = "\ue007", "\ue004"
_PREFS = {
    "browser.shell.checkDefaultBrowser": False, "browser.startup.homepage_override.mstone": "ignore",
    "datareporting.policy.dataSubmissionEnabled": False, "toolkit.telemetry.reportingpolicy.firstRun": False,
    "app.update.disabledForTesting": True, "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False, "browser.safebrowsing.update.enabled": False,
    "extensions.update.enabled": False, "browser.newtabpage.enabled": False, "media.autoplay.default": 0,
}


class Firefox:
    """The few WebDriver commands the tests use, over Marionette's length-prefixed JSON messages."""

    def __init__(self, process: subprocess.Popen, sock: socket.socket):
        self.process, self.sock, self._id = process, sock, 0
        self._read()  # the server's hello
        self._send("WebDriver:NewSession", {"capabilities": {"alwaysMatch": {"acceptInsecureCerts": False}}})

    def _read(self):
        head = b""
        while not head.endswith(b":"):
            chunk = self.sock.recv(1)
            if not chunk:
                raise ConnectionError("Firefox closed the Marionette connection")
            head += chunk
        size, data = int(head[:-1]), b""
        while len(data) < size:
            data += self.sock.recv(size - len(data))
        return json.loads(data)

    def _send(self, command: str, params: dict):
        self._id += 1
        data = json.dumps([0, self._id, command, params]).encode()
        self.sock.sendall(f"{len(data)}:".encode() + data)
        while True:
            kind, msg_id, error, result = self._read()
            if kind == 1 and msg_id == self._id:
                if error:
                    raise RuntimeError(f"{command}: {error.get('error')}: {error.get('message')}")
                return result

    def get(self, url: str) -> None:
        self._send("WebDriver:Navigate", {"url": url})

    @property
    def current_url(self) -> str:
        return self._send("WebDriver:GetCurrentURL", {})["value"]

    def js(self, script: str, *args):
        return self._send("WebDriver:ExecuteScript", {"script": script, "args": list(args)})["value"]

    def find(self, css: str) -> dict:
        return self._send("WebDriver:FindElement", {"using": "css selector", "value": css})["value"]

    def click(self, css: str) -> None:
        self._send("WebDriver:ElementClick", {"id": self.find(css)[ELEMENT]})

    def send_keys(self, css: str, text: str) -> None:
        self._send("WebDriver:ElementSendKeys", {"id": self.find(css)[ELEMENT], "text": text})

    def screenshot(self, path: Path) -> None:
        path.write_bytes(base64.b64decode(self._send("WebDriver:TakeScreenshot", {"full": False})["value"]))

    def wait(self, what, timeout: float = 60):
        end = time.monotonic() + timeout
        while True:
            value = what()
            if value:
                return value
            if time.monotonic() > end:
                raise AssertionError(f"still not true after {timeout} s: {getattr(what, '__doc__', None) or what}")
            time.sleep(0.1)

    def quit(self) -> None:
        try:
            self._send("Marionette:Quit", {"flags": ["eForceQuit"]})
        except (OSError, RuntimeError, ConnectionError):
            pass
        self.sock.close()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_firefox(profile: Path, *, width: int = 1280, height: int = 1400) -> Firefox:
    """Headless Firefox with a fresh profile, its Marionette server on a free port; or skip."""
    exe = shutil.which("firefox-esr") or shutil.which("firefox")
    if not exe:
        pytest.skip("no Firefox: install Debian's firefox-esr (scripts/install-test-deps.sh)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    profile.mkdir(parents=True, exist_ok=True)
    prefs = {**_PREFS, "marionette.port": port}
    (profile / "user.js").write_text("".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in prefs.items()))
    process = subprocess.Popen([exe, "--headless", "--marionette", "--no-remote", "--profile", str(profile),
                                f"--width={width}", f"--height={height}", "about:blank"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    end = time.monotonic() + 60
    while time.monotonic() < end:
        if process.poll() is not None:
            pytest.skip(f"Firefox would not start (exit {process.returncode})")
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=60)
            return Firefox(process, sock)
        except OSError:
            time.sleep(0.2)
    process.kill()
    pytest.skip("Firefox's Marionette server did not answer within 60 s")
