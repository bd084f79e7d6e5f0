"""The browser shoptally starts itself for unattended syncs: Chromium (or Chrome for Testing) with a profile
of its own inside the data dir, where the seller logged in once (`shoptally browser login`), and the
extension loaded and handed the daemon's token, so it connects like the seller's own browser.

Google-branded Chrome 137 and later ignore `--load-extension`; Chromium and Chrome for Testing honour it.
For a branded Chrome the extension is loaded through the DevTools protocol instead
(`Extensions.loadUnpacked`, which needs `--enable-unsafe-extension-debugging`). docs/automation.md says
which browsers work.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from companion.automation import extension_files
from companion.config import DataDirLock
from companion.errors import Unavailable, coded, render
from companion.extension_id import EXTENSION_ID

PROFILE_DIR = "browser-profile"
LOGIN_PAGES = ("https://seller-us.tiktok.com/", "https://agentseller.temu.com/", "https://sso.geiwohuo.com/")
_CANDIDATES = {
    "linux": ("/usr/lib/chromium/chromium", "chromium", "chromium-browser", "google-chrome-for-testing",
              "chrome", "google-chrome", "google-chrome-stable"),
    "darwin": ("/Applications/Chromium.app/Contents/MacOS/Chromium",
               "/Applications/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
               "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"),
    "win32": (r"%LOCALAPPDATA%\Chromium\Application\chrome.exe",
              r"%PROGRAMFILES%\Google\Chrome for Testing\Application\chrome.exe",
              r"%PROGRAMFILES%\Google\Chrome\Application\chrome.exe"),
}


def _hint() -> dict:
    """What to install, as a nested refusal: the view says it in its language inside the sentence it ends."""
    return coded("auto_install_hint", {}, render("auto_install_hint", {}))


class ProfileLock:
    """Held while the sync browser's profile is in use (an unattended run, or `shoptally browser login`): a
    profile open in two browsers at once is refused by Chromium, and the seller's login must not be cut off."""

    def __init__(self, data_dir: Path) -> None:

        self._lock = DataDirLock(data_dir / f"{PROFILE_DIR}.lock")

    def acquire(self) -> bool:
        return self._lock.acquire()

    def release(self) -> None:
        self._lock.release()


class BrowserMissing(Unavailable):
    """No browser or no driver to start it with: the text says what to install."""


class ExtensionNotLoaded(Unavailable):
    """The browser started but the extension did not come up in it."""


@dataclass
class BrowserSetup:
    binary: str
    driver: str
    profile: Path
    extension: Path
    headless: bool = True
    extra_args: list[str] = field(default_factory=list)

    @property
    def branded_chrome(self) -> bool:
        name = Path(self.binary).name.lower()
        return "chrome" in name and "testing" not in self.binary.lower() and "chromium" not in self.binary.lower()


def extension_dir() -> Path:
    """The unpacked extension the sync browser loads (extension_files says where it looks: the checkout's or the
    installed package's); its absence is a BrowserMissing, so an unattended run reports it as one."""
    try:
        return extension_files.extension_dir()
    except extension_files.ExtensionMissing as exc:
        raise BrowserMissing.of(exc.code, **exc.params) from exc


def find_binary() -> str:
    named = os.environ.get("SHOPTALLY_BROWSER")
    if named:
        if shutil.which(named) or Path(named).is_file():
            return shutil.which(named) or named
        raise BrowserMissing.of("auto_browser_named_bad", value=named, hint=_hint())
    platform = "linux" if sys.platform.startswith("linux") else sys.platform
    for candidate in _CANDIDATES.get(platform, ()):
        path = os.path.expandvars(candidate)
        found = shutil.which(path) or (path if Path(path).is_file() else None)
        if found:
            return found
    raise BrowserMissing.of("auto_browser_not_found", hint=_hint())


def find_driver() -> str:
    named = os.environ.get("SHOPTALLY_CHROMEDRIVER")
    found = shutil.which(named) if named else shutil.which("chromedriver")
    if named and not found and Path(named).is_file():
        found = named
    if not found:
        raise BrowserMissing.of("auto_driver_not_found", hint=_hint())
    return found


def setup(data_dir: Path, headless: bool = True) -> BrowserSetup:
    """What an unattended run starts; raises BrowserMissing naming what to install."""
    extra = shlex.split(os.environ.get("SHOPTALLY_BROWSER_ARGS", ""))
    return BrowserSetup(find_binary(), find_driver(), data_dir / PROFILE_DIR, extension_dir(), headless, extra)


def start(s: BrowserSetup):
    """A Selenium-driven browser on the dedicated profile with the extension loaded (blocking: run it on a
    thread)."""
    os.environ.setdefault("SE_AVOID_STATS", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    s.profile.mkdir(parents=True, exist_ok=True)
    options = webdriver.ChromeOptions()
    options.binary_location = s.binary
    args = [f"--user-data-dir={s.profile}", f"--load-extension={s.extension}", "--no-first-run",
            "--no-default-browser-check", "--disable-background-networking", "--disable-sync",
            "--window-size=1280,900", *s.extra_args]
    if s.headless:
        args.append("--headless=new")
    if s.branded_chrome:
        args.append("--enable-unsafe-extension-debugging")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
    for arg in args:
        options.add_argument(arg)
    try:
        return webdriver.Chrome(options=options, service=Service(executable_path=s.driver))
    except Exception as exc:
        text = " ".join(str(exc).split())[:300]
        raise BrowserMissing.of("auto_browser_start_failed", binary=s.binary, driver=s.driver, reason=text,
                                hint=_hint()) from exc


def hand_over(driver, s: BrowserSetup, port: int, token: str) -> None:
    """Give the extension in that profile the daemon's port and token and make it connect (blocking)."""
    from selenium.common.exceptions import WebDriverException

    options = f"chrome-extension://{EXTENSION_ID}/options/options.html"
    for attempt in range(2):
        try:
            driver.get(options)
            result = driver.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                "if (!(window.chrome && chrome.storage)) { done('no extension'); return; }"
                "chrome.storage.local.get('settings').then((got) => chrome.storage.local.set({"
                "  settings: {...(got.settings || {}), port: arguments[0]}, token: arguments[1]}))"
                ".then(() => chrome.runtime.sendMessage({type: 'reconnect'}))"
                ".then(() => done('ok'), (e) => done(String(e)));", port, token)
        except WebDriverException as exc:
            result = " ".join(str(exc).split())[:200]
        if result == "ok":
            return
        if attempt == 0 and s.branded_chrome:
            driver.execute_cdp_cmd("Extensions.loadUnpacked", {"path": str(s.extension)})
            continue
        break
    raise ExtensionNotLoaded.of("auto_extension_not_loaded", binary=s.binary, reason=result)


def stop(driver) -> None:
    try:
        driver.quit()
    except Exception:  # the browser may be gone already; nothing is left to do
        pass


def open_for_login(data_dir: Path) -> subprocess.Popen:
    """`shoptally browser login`: the dedicated profile in a visible window on the seller centers' pages."""
    binary = find_binary()
    profile = data_dir / PROFILE_DIR
    profile.mkdir(parents=True, exist_ok=True)
    args = [binary, f"--user-data-dir={profile}", f"--load-extension={extension_dir()}", "--no-first-run",
            "--no-default-browser-check", *LOGIN_PAGES]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.insert(1, "--no-sandbox")
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

