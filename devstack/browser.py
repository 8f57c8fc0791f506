"""Headless Chromium (Debian's package) driven by Playwright, and browser contexts logged in to a test WordPress.

The machine has no network for browser downloads, so Playwright drives the system chromium instead of its own.
"""
import shutil
from urllib.parse import urlsplit

CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync")


def launch_chromium(playwright):
    """A headless Browser on the system chromium."""
    executable = shutil.which("chromium")
    if executable is None:
        raise RuntimeError("no chromium on PATH: install Debian's chromium package (scripts/install-system-deps.sh)")
    return playwright.chromium.launch(executable_path=executable, headless=True, args=list(CHROMIUM_ARGS))


def logged_in_context(browser, site, session):
    """A new BrowserContext on site.url holding the cookies of a requests.Session from site.login(...)."""
    context = browser.new_context(base_url=site.url)
    host = urlsplit(site.url).hostname
    context.add_cookies([{
        "name": cookie.name, "value": cookie.value,
        "domain": (cookie.domain or host).lstrip("."), "path": cookie.path or "/",
        "httpOnly": bool(cookie.has_nonstandard_attr("HttpOnly")), "secure": bool(cookie.secure),
        **({"expires": float(cookie.expires)} if cookie.expires else {}),
    } for cookie in session.cookies])
    return context
