"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

One Chromium for the whole browser package, a fresh context (cookies, storage) per test, and a
phone and a desktop viewport for every test that uses `ui`/`page`. When a test fails, a full-page
screenshot and the page's HTML are saved as test-artifacts/<test name>.png / .html.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Locator,
    Page,
    Playwright,
    Request,
    Response,
    expect,
    sync_playwright,
)

from accounts.models import OrgUnit, User
from conftest import make_user

# The people and the room of the meetings tests (organiser and leader of Sở Nội vụ, two officials
# of the same unit, a meeting room), shared rather than copied so both suites play the same cast.
from meetings.tests.conftest import attendee, colleague, leader, organiser, room  # noqa: F401

ARTIFACTS_DIR = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEVICES: dict[str, dict[str, Any]] = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}
ACTION_TIMEOUT_MS = 10_000
LOGIN_URL = "/auth/login/"


# --- Playwright and Chromium ---------------------------------------------------------------------
# Package scope, not session scope: between sync calls Playwright leaves its event loop marked as
# running in the main thread, which would make Django's ORM (and pytest-asyncio) fail in tests
# collected after this package. Both the loop and DJANGO_ALLOW_ASYNC_UNSAFE end with the package.


@pytest.fixture(scope="package")
def _allow_async_unsafe() -> Iterator[None]:
    """Django's documented escape hatch for ORM calls while Playwright's loop runs in this thread."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="package")
def playwright_driver(_allow_async_unsafe: None) -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="package")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    chromium = playwright_driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


# --- Per-test context and page -------------------------------------------------------------------


@pytest.fixture(params=list(DEVICES))
def device(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def context(
    browser: Browser, device: str, live_server: Any, transactional_db: None, _allow_async_unsafe: None
) -> Iterator[BrowserContext]:
    # Vietnamese browser settings, as in the province: LocaleMiddleware picks the language from them.
    ctx = browser.new_context(
        base_url=live_server.url,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        **DEVICES[device],
    )
    ctx.set_default_timeout(ACTION_TIMEOUT_MS)
    ctx.set_default_navigation_timeout(ACTION_TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


_UIS: list[UI] = []  # every UI of the running test, for the Content-Security-Policy check below


class UI:
    """What a person does with the site, on either device, plus the page problems seen on the way."""

    def __init__(self, page: Page, device: str, base_url: str) -> None:
        self.page = page
        self.device = device
        self.base_url = base_url.rstrip("/")
        self.js_errors: list[str] = []
        self.static_failures: list[str] = []
        page.on("pageerror", lambda exc: self.js_errors.append(str(exc)))
        page.on("response", self._check_response)
        page.on("requestfailed", self._check_failed_request)
        self.csp_violations: list[str] = []
        page.on("console", self._check_console)
        # Chromium logs what the policy refused outside the page's console API; the page's own
        # "securitypolicyviolation" event is reported there instead (init scripts are not subject
        # to the policy).
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', (e) => console.error("
            "`Refused to load or run (${e.effectiveDirective}) ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`))"
        )
        _UIS.append(self)

    def _check_console(self, message: ConsoleMessage) -> None:
        """Chromium reports what the Content-Security-Policy blocked as a console error "Refused to …"."""
        if message.type == "error" and "Refused to" in message.text:
            self.csp_violations.append(f"{self.page.url}: {message.text}")

    def _check_failed_request(self, request: Request) -> None:
        # A request the browser itself cancelled because the page moved on (the favicon of a page
        # left at once, say) is not a broken asset; every other failure is.
        if request.failure == "net::ERR_ABORTED":
            return
        self._note_static(request.url, f"failed ({request.failure})")

    def _check_response(self, response: Response) -> None:
        if response.status >= 400:
            self._note_static(response.url, str(response.status))

    def _note_static(self, url: str, problem: str) -> None:
        if "/static/" in url:
            self.static_failures.append(f"{problem} {url}")

    @property
    def is_phone(self) -> bool:
        return self.device == "phone"

    def url(self, path: str) -> str:
        return self.base_url + path

    def expect_path(self, path: str) -> None:
        expect(self.page).to_have_url(self.url(path))

    def press(self, target: Locator) -> None:
        """A tap on a phone's touch screen, a mouse click on a desktop."""
        if self.is_phone:
            target.tap()
        else:
            target.click()

    def click_and_wait(self, target: Locator) -> None:
        """Press something that loads a new page (a link or a form's button) and wait for that page.

        Waiting on the navigation, not on the URL, also covers a POST answered by a redirect back
        to the same address (the password change page).
        """
        with self.page.expect_navigation():
            self.press(target)

    def sign_in(self, username: str, password: str) -> None:
        self.page.goto(LOGIN_URL)
        form = self.page.locator("main form")
        form.locator('input[name="login"]').fill(username)
        form.locator('input[name="password"]').fill(password)
        self.click_and_wait(form.locator('button[type="submit"]'))

    def open_menu(self) -> Locator:
        """The main menu; on a phone it is collapsed behind the toggler, which is tapped open."""
        menu = self.page.locator("#main-nav")
        toggler = self.page.locator("button.navbar-toggler")
        if self.is_phone:
            expect(toggler).to_be_visible()
            if toggler.get_attribute("aria-expanded") != "true":
                expect(menu).to_be_hidden()
                self.press(toggler)
            expect(toggler).to_have_attribute("aria-expanded", "true")
            expect(menu).to_have_class(re.compile(r"\bshow\b"))  # the opening animation is over
        else:
            expect(toggler).to_be_hidden()
        expect(menu).to_be_visible()
        return menu

    def go_via_menu(self, path: str) -> None:
        menu = self.open_menu()
        selector = f'a:is(.nav-link, .dropdown-item)[href="{path}"]'
        link = menu.locator(selector)
        dropdown = menu.locator("li.dropdown", has=self.page.locator(selector))
        if dropdown.count() and not link.is_visible():  # under "Administration": open it first
            self.press(dropdown.locator(".dropdown-toggle"))
        self.click_and_wait(link)
        self.expect_path(path)

    def sign_out(self) -> None:
        menu = self.open_menu()
        self.click_and_wait(menu.get_by_test_id("logout"))
        self.expect_path(LOGIN_URL)

    def expect_bootstrap_applied(self) -> None:
        """The stylesheet loaded and applies: the toggler shows only below Bootstrap's lg breakpoint."""
        navbar = self.page.locator("nav.navbar")
        assert navbar.evaluate("el => getComputedStyle(el).display") == "flex"
        toggler = self.page.locator("button.navbar-toggler")
        if self.is_phone:
            expect(toggler).to_be_visible()
            expect(self.page.locator("#main-nav")).to_be_hidden()
        else:
            expect(toggler).to_be_hidden()
            expect(self.page.locator("#main-nav")).to_be_visible()

    def assert_no_page_problems(self) -> None:
        assert self.static_failures == [], self.static_failures
        assert self.js_errors == [], self.js_errors


@pytest.fixture
def ui(page: Page, device: str, live_server: Any) -> UI:
    return UI(page, device, live_server.url)


@pytest.fixture(autouse=True)
def _no_csp_violations() -> Iterator[None]:
    """No page of a browser test had anything refused by the Content-Security-Policy (core/csp.py):
    an inline script or handler, a style attribute, a connection or a form to another origin."""
    _UIS.clear()
    yield
    violations = [violation for ui in _UIS for violation in ui.csp_violations]
    _UIS.clear()
    assert violations == [], "\n".join(violations)


# --- More people ---------------------------------------------------------------------------------


@pytest.fixture
def snv_official(province: dict[str, OrgUnit]) -> User:
    """A third official of Sở Nội vụ, not invited to anything: who a colleague sends in their place."""
    return make_user("snv.phong3", province["snv"], full_name="Đặng Quốc Bảo", position="Chuyên viên")


# --- Artifacts on failure ------------------------------------------------------------------------


def _save_artifacts(page: Page, name: str) -> None:
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.\-\[\]]+", "_", name)
    try:
        page.screenshot(path=str(ARTIFACTS_DIR / f"{stem}.png"), full_page=True, timeout=ACTION_TIMEOUT_MS)
        (ARTIFACTS_DIR / f"{stem}.html").write_text(page.content(), encoding="utf-8")
    except Exception as exc:  # the page may be gone; the test's own failure is what matters
        warnings.warn(f"could not save browser artifacts for {name}: {exc}", stacklevel=1)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    if report.when in ("setup", "call") and report.failed:
        funcargs: dict[str, Any] = getattr(item, "funcargs", {})
        page = funcargs.get("page")
        if isinstance(page, Page) and not page.is_closed():
            _save_artifacts(page, item.name)
    return report
