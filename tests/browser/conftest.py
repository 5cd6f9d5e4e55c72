"""The settings page in a real browser: Debian's Chromium (scripts/install-system.sh) driven
headless by Playwright's sync API, against the settings function served by
functions-framework on loopback with the Firestore emulator and the IAP stand-in.

    chromium (session)          one browser for the whole session
    settings_server (session)   the function's URL and the environment it runs with
    console                     per test: the database emptied, tenants acme and globex,
                                the app (same backends, in-process) to seed and check state,
                                and ``open_as(email)`` for a browser page signed in as that
                                admin (IAP's signed header on every request), its browser
                                speaking ``locale`` (Accept-Language; English unless asked)
    said(lang)                  the words a test expects, in ``lang``: the console's own
                                catalogue (``said(lang)("Save")`` is "Kaydet" in Turkish)

The backends, keys and tenants are those of the HTTP tests (tests/integration/
settings_fixtures.py); ``console_on`` makes a console for any served settings function
(tests/browser/test_settings_connect.py serves it with the OAuth functions).

Screenshots land in build/screenshots/ (kept as test artefacts)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pytest

from mailingest_dev.local_functions import serving_function
from shared.web import i18n
from tests.integration.settings_fixtures import app_with_tenants, settings_env

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page

    from shared.bootstrap import App
    from tests.fakes.iap import IapStandIn

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM = os.environ.get("MAILINGEST_CHROMIUM", "/usr/bin/chromium")


class Said(Protocol):
    def __call__(self, message: str, /, **values: object) -> str: ...


def said(lang: str) -> Said:
    """What the page says for ``message`` in ``lang`` (``%(name)s`` filled with ``values``)."""

    def words(message: str, /, **values: object) -> str:
        with i18n.speaking(lang):
            return i18n._(message, **values)

    return words


# the browser's language for each of the console's (what Accept-Language it sends)
BROWSER_LOCALE = {"en": "en-US", "tr": "tr-TR"}


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which(CHROMIUM) or CHROMIUM
    if not Path(chromium).exists():
        pytest.fail(f"{chromium} missing: make install-system installs Debian's chromium")
    with sync_playwright() as p:
        # --no-sandbox: root in a container has no user namespaces for Chromium's sandbox
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


@dataclass(frozen=True)
class Server:
    url: str
    env: dict[str, str] = field(repr=False)


@pytest.fixture(scope="session")
def settings_server(
    _service_pool: Any, _iap_server: IapStandIn, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    services = _service_pool.need(["firestore", "dovecot"])
    tmp = tmp_path_factory.mktemp("settings-browser")
    env = {
        **services.env(),
        **_iap_server.env(),
        "GOOGLE_CLOUD_PROJECT": services.project_id,
        "MAILINGEST_ALLOW_PRIVATE_HOSTS": "true",  # Dovecot on 127.0.0.1
        "MAILINGEST_IMAP_CA_FILE": str(services.dovecot.ca_cert),  # "Test connection" trusts it
        "MAILINGEST_PAGE_REFRESH_S": "1",  # the health lines refresh every second here
        **settings_env(tmp),
        # a directory both the function and the tests' in-process app use: a label corrected
        # on the page reads the raw message the tests' pipeline kept
        "MAILINGEST_BLOBS_BACKEND": "local",
        "MAILINGEST_BLOB_DIR": str(tmp / "blobs"),
        # never served: the browser's requests to it are intercepted by the tests
        "MAILINGEST_OAUTH_START_URL": "http://127.0.0.1:9/oauth_start",
    }
    with ExitStack() as stack:
        patch = stack.enter_context(pytest.MonkeyPatch.context())
        for key, value in env.items():
            patch.setenv(key, value)
        url = stack.enter_context(serving_function("settings", tmp / "settings.log"))
        patch.undo()  # the child has its environment; the session's is left as it was
        yield Server(url, env)


@dataclass
class Console:
    url: str
    app: App
    iap: IapStandIn
    browser: Browser
    name: str
    dialogs: list[str] = field(default_factory=list)
    _shots: int = 0

    def open_as(
        self,
        email: str,
        tenant: str = "acme",
        *,
        ignore_https_errors: bool = False,
        timeout_ms: float = 10_000,
        query: str = "",
        lang: str = "en",
    ) -> Page:
        """A fresh browser context, signed in (IAP's header on every request), on the page;
        ``ignore_https_errors``: a self-signed certificate is accepted in this context only;
        ``query``: more of the page's query (``&open=booking``, ``&section=rules``);
        ``lang``: the language the browser asks for (``en`` or ``tr``)."""
        context = self.browser.new_context(
            extra_http_headers=self.iap.headers(email),
            ignore_https_errors=ignore_https_errors,
            locale=BROWSER_LOCALE[lang],
        )
        context.set_default_timeout(timeout_ms)
        page = context.new_page()
        # a script that runs in the page would most likely call alert(): record any dialog
        page.on("dialog", self._dialog)
        page.goto(f"{self.url}?tenant={tenant}{query}")
        return page

    def show(self, page: Page, tenant: str = "acme", query: str = "") -> None:
        """Load the page again with GET (a reload after a form would post the form again)."""
        page.goto(f"{self.url}?tenant={tenant}{query}")

    @staticmethod
    def section(page: Page, name: str, lang: str = "en") -> None:
        """Go to a section with the navigation (Mailboxes, Rules, Events, Analytics, Audit:
        ``name`` in English, clicked in ``lang``)."""
        words = said(lang)
        navigation = page.get_by_role("navigation", name=words("Sections"))
        navigation.get_by_role("link", name=words(name), exact=True).click()
        page.wait_for_load_state("load")

    @staticmethod
    def open_card(page: Page, mailbox_id: str) -> None:
        """Open a mailbox's card from its row in the overview."""
        page.locator("#overview").get_by_role("link", name=mailbox_id, exact=True).click()
        page.wait_for_load_state("load")

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def screenshot(self, page: Page, what: str) -> Path:
        """The whole page as a PNG named after the test, the shot's number and ``what`` (and
        the page's language when it is not English)."""
        self._shots += 1
        lang = page.evaluate("() => document.documentElement.lang")
        suffix = "" if lang in ("en", "") or f"-{lang}-" in f"{self.name}-" else f"-{lang}"
        path = SCREENSHOTS / f"{self.name}-{self._shots:02d}-{what}{suffix}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@contextmanager
def console_on(
    request: pytest.FixtureRequest,
    url: str,
    env: dict[str, str],
    iap: IapStandIn,
    chromium: Browser,
    prefix: str = "",
) -> Iterator[Console]:
    """The console of the settings function served at ``url`` with ``env`` (this process
    takes the same environment): tenants acme and globex, screenshots named after the test;
    the browser contexts it opened are closed afterwards."""
    os.environ.update(env)
    app = app_with_tenants()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^a-z0-9_]+", "-", request.node.name.removeprefix("test_").lower())
    try:
        yield Console(url, app, iap, chromium, f"{prefix}{name}")
    finally:
        for context in chromium.contexts:
            context.close()


@pytest.fixture
def console(
    request: pytest.FixtureRequest,
    settings_server: Server,
    firestore_client: Any,  # empties the database
    iap: IapStandIn,
    chromium: Browser,
) -> Iterator[Console]:
    with console_on(request, settings_server.url, settings_server.env, iap, chromium) as console:
        yield console
