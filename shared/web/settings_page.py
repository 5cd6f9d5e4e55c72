"""Email Configuration: per mailbox the authentication (OAuth connect buttons or a password),
the advanced settings, and the connection health. An admin sees only the tenants that list
their (IAP) identity; forms carry a CSRF token bound to admin and tenant; no secret or
secret name is ever rendered."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, TypeVar
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import ValidationError as PydanticValidationError

from shared.config import PageSettings, WatcherSettings
from shared.domain import analytics
from shared.domain.analytics import Analytics
from shared.domain.health import ago
from shared.domain.labels import LABELS
from shared.domain.message import Classification
from shared.domain.models import (
    API_PROVIDERS,
    SERVER_PROVIDERS,
    AfterProcessing,
    AuthMethod,
    Health,
    Mailbox,
    Provider,
    Tenant,
    TlsMode,
)
from shared.domain.recent_events import EventFilter
from shared.errors import AuthError, NotFound, ValidationError
from shared.ids import MailboxId
from shared.ports import (
    Clock,
    CursorStore,
    HealthStore,
    MailboxStore,
    RecentEventStore,
    TenantStore,
)
from shared.service.admin import Admin
from shared.service.connection_test import ConnectionTester, Step
from shared.service.corrections import Corrections
from shared.service.health_view import OneLeaseReader, held_of, unwatched
from shared.service.rules import RuleBook, RuleRecords, RuleRefused
from shared.service.tenant_access import SIGN_IN, admin_tenant
from shared.web import (
    charts,
    flash,
    form_errors,
    mailbox_card,
    mailbox_edit,
    mailbox_status,
    rule_form,
)
from shared.web.events_panel import FILTER_LABELS, EventsPanel

CSRF_TTL_S = 2 * 3600  # a form older than this asks for a reload
# audit details the page does not repeat (long or internal); never a secret in any case
_AUDIT_HIDDEN = frozenset({"secret_ref", "created_at", "updated_at", "tenant_id", "oauth"})


@dataclass(frozen=True)
class MailboxView:
    mailbox: Mailbox
    health: Health
    stale: bool
    status: str  # connected | error | warning | not_started | disabled | unknown
    connect_google: str
    connect_microsoft: str
    connect_gmail_api: str
    connect_graph: str
    reconnect: mailbox_card.Reconnect | None = None  # the provider refused the grant
    token_expires: str = ""  # "<UTC time> (in 52 min)" for an OAuth mailbox
    push_expires: str = ""  # the Gmail watch / Graph subscription's expiry ("": no push)
    unwatched: bool = False  # an IMAP/POP3 mailbox whose lease nobody holds (no watcher)

    @property
    def api_based(self) -> bool:
        """Gmail API / Microsoft 365: none of the IMAP-only controls mean anything for it."""
        return self.mailbox.provider in API_PROVIDERS

    @property
    def editable(self) -> bool:
        """The add-or-change form edits it (Gmail API / Graph: the Connect buttons)."""
        return self.mailbox.provider in mailbox_edit.EDITABLE


@dataclass(frozen=True)
class Shown:
    """What the page shows besides the tenant's data: a notice (or the signed ``flash`` it
    comes in), a refusal, the outcome of "Try it" / "Test connection", a form shown again,
    where the recent events start (``before``, a cursor) and the mailbox being edited."""

    notice: str = ""
    flash_token: str = ""
    error: str = ""
    tried: Classification | None = None
    tested: list[Step] | None = None
    refill: form_errors.Refill | None = None
    before: str = ""
    only: EventFilter = field(default_factory=EventFilter)  # the recent events' filter
    until: str = ""  # the recent events up to this UTC day (YYYY-MM-DD; "": the newest)
    edit: str = ""
    error_title: str = "Not saved"  # the words before ``error``


_REFUSED_TITLE = {form_errors.TRY: "Not tried", form_errors.CARD: "Not done"}


@dataclass(frozen=True)
class PageServices:
    """The use cases behind the page's optional parts (absent: the part says so)."""

    tester: ConnectionTester | None = None  # "Test connection"
    corrections: Corrections | None = None  # label correction in "Recent events"


def _number(form: dict[str, str], name: str, default: int | None) -> int | None:
    """A whole number typed into the form (empty: ``default``)."""
    text = (form.get(name) or "").strip()
    if not text:
        return default
    if not text.isdigit() or len(text) > 9:
        raise form_errors.FormRefused({name: "enter a whole number"})
    return int(text)


_E = TypeVar("_E", bound=StrEnum)


def _choice(kind: type[_E], form: dict[str, str], name: str, default: str) -> _E:
    """One of the options of a select box (anything else is a forged form)."""
    try:
        return kind(form.get(name) or default)
    except ValueError:
        options = ", ".join(k.value for k in kind)
        raise form_errors.FormRefused({name: f"choose one of: {options}"}) from None


class PageRecords(
    TenantStore,
    MailboxStore,
    CursorStore,
    HealthStore,
    RecentEventStore,
    RuleRecords,
    OneLeaseReader,
    Protocol,
):
    """What the page shows: the tenant (who may see it), its mailboxes with their cursors,
    health and whether a watcher holds them, recent events, rules, template examples and the
    audit log."""


class SettingsPage:
    def __init__(
        self,
        state: PageRecords,
        admin: Admin,
        clock: Clock,
        *,
        oauth_start_url: str,
        csrf_key: str,
        idle_refresh_s: int = WatcherSettings.idle_refresh_s,
        refresh_s: int = PageSettings.refresh_s,
        services: PageServices | None = None,
    ) -> None:
        self._state = state
        self._admin = admin
        self._clock = clock
        self._oauth = oauth_start_url
        self._key = csrf_key.encode()
        self._idle_refresh_s = idle_refresh_s  # MAILINGEST_IDLE_REFRESH_S: the stale window
        self._rules = RuleBook(state, clock)
        services = services or PageServices()
        self._tester = services.tester
        self._refresh_s = refresh_s  # how often the page refreshes the health lines
        self.events = EventsPanel(state, services.corrections)
        self._env = Environment(
            loader=PackageLoader("shared.web", "templates"),
            autoescape=select_autoescape(["html"]),
        )
        self._env.filters["ago"] = lambda when: ago(when, self._clock.now())
        self._env.globals["summary"] = self.summary
        self._env.globals["detail"] = self.detail
        self._env.globals["last_error"] = self.last_error

    # -- access ---------------------------------------------------------------------------
    def _checked(
        self, admin: str | None, tenant_id: str, form: dict[str, str] | None = None
    ) -> tuple[str, Tenant]:
        """The step every handler opens with: the signed-in admin and the tenant they are an
        admin of (AuthError otherwise) and, for a form, its CSRF token checked against both
        (ValidationError: the form has expired or was forged)."""
        if not admin:
            raise AuthError(SIGN_IN)
        tenant = admin_tenant(self._state, tenant_id, admin)
        if form is not None:
            self._check_csrf(admin, tenant.id, form.get("csrf", ""))
        return admin, tenant

    def _csrf_mac(self, admin: str, tenant_id: str, expires: int) -> str:
        message = f"csrf\x00{admin.lower()}\x00{tenant_id}\x00{expires}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def csrf_token(self, admin: str, tenant_id: str) -> str:
        """``<expiry>.<mac>``: bound to admin and tenant, valid for CSRF_TTL_S."""
        expires = int(self._clock.now().timestamp()) + CSRF_TTL_S
        return f"{expires}.{self._csrf_mac(admin, tenant_id, expires)}"

    def _check_csrf(self, admin: str, tenant_id: str, token: str) -> None:
        expires_text, _, mac = (token or "").partition(".")
        expired = ValidationError("the form has expired: reload the page")
        if not expires_text.isdigit() or len(expires_text) > 12:
            raise expired
        expires = int(expires_text)
        if not hmac.compare_digest(self._csrf_mac(admin, tenant_id, expires), mac):
            raise expired
        if self._clock.now().timestamp() > expires:
            raise expired

    # -- views ----------------------------------------------------------------------------
    def views(self, tenant: Tenant) -> list[MailboxView]:
        return [self._view(m) for m in self._state.list_mailboxes(tenant.id)]

    def _view(self, m: Mailbox) -> MailboxView:
        now = self._clock.now()
        health = self._state.get_health(m.tenant_id, m.id, now)
        held = held_of(self._state, m, health)  # a killed watcher writes nothing more
        stale = mailbox_status.stale(health, m, now, self._idle_refresh_s, held)
        mode = "pop3" if m.provider is Provider.POP3 else "imap"
        link = {"tenant": m.tenant_id, "mailbox": m.id}
        google = urlencode({**link, "mode": mode, "provider": "google"})
        microsoft = urlencode({**link, "mode": mode, "provider": "microsoft"})
        gmail_api = urlencode({**link, "mode": "gmail", "provider": "google"})
        graph = urlencode({**link, "mode": "graph", "provider": "microsoft"})
        push = ""
        if m.provider in mailbox_card.PUSH_EXPIRY:  # one read: the sync's cursor
            cursor = self._state.get_cursor(m.tenant_id, m.id).value
            lapses = mailbox_card.push_expires_at(m, cursor)
            push = mailbox_card.expiry(lapses, now) if lapses else "not started yet"
        token = m.oauth.access_expires_at if m.oauth else None
        return MailboxView(
            mailbox=m,
            health=health,
            stale=stale,
            status=mailbox_status.status(m, health, stale),
            unwatched=unwatched(m, health, held),
            connect_google=f"{self._oauth}?{google}",
            connect_microsoft=f"{self._oauth}?{microsoft}",
            connect_gmail_api=f"{self._oauth}?{gmail_api}",
            connect_graph=f"{self._oauth}?{graph}",
            reconnect=mailbox_card.reconnect(m, health, self._oauth),
            token_expires=mailbox_card.expiry(token, now) if m.oauth else "",
            push_expires=push,
        )

    def render(self, admin: str | None, tenant_id: str, shown: Shown | None = None) -> str:
        admin, tenant = self._checked(admin, tenant_id)
        shown = shown or Shown()
        notice = shown.notice
        if shown.flash_token and not notice:
            now_s = self._clock.now().timestamp()
            notice = flash.verify(self._key, admin, tenant.id, shown.flash_token, now_s)
        views = self.views(tenant)
        figures = self.figures(tenant, [v.mailbox.id for v in views])
        return self._env.get_template("settings.html").render(
            charts={"per_day": charts.per_day(figures), "latency": charts.latency(figures)},
            events=self.events.page(tenant.id, shown.before, shown.only, until=shown.until),
            filter_labels=FILTER_LABELS,
            rules=self._rules.rules(tenant.id),
            labels=LABELS,
            tried=shown.tried,
            tested=shown.tested,
            refresh_s=self._refresh_s,
            tenant=tenant,
            views=views,
            csrf=self.csrf_token(admin, tenant.id),
            notice=notice,
            admin=admin,
            after_options=[a.value for a in AfterProcessing],
            audit=self.audit(tenant),
            **self._refusals(shown, views),
        )

    def _refusals(self, shown: Shown, views: list[MailboxView]) -> dict[str, Any]:
        """A refused form's reasons where they belong (a field, a card, or the top) and what
        was typed into it; for an edit, the mailbox's settings in the form."""
        refill = shown.refill or form_errors.Refill()
        refused = refill.refused
        error = refused.general if refused else shown.error
        card = refused.target if refused and refused.form == form_errors.CARD else ""
        if card not in {str(v.mailbox.id) for v in views}:
            card = ""  # a mailbox gone meanwhile: the reason goes to the top
        mailbox_typed = refill.typed_in(form_errors.MAILBOX)
        if shown.edit and not mailbox_typed:
            mailbox_typed = self._edit_values(views, shown.edit)
        title = _REFUSED_TITLE.get(refused.form, "Not saved") if refused else shown.error_title
        return {
            "error": "" if card else error,
            "error_title": title,
            "card_error": {card: error} if card else {},
            "refused_form": refill.which if refused else "",
            "errors": {f: refill.errors_in(f) for f in (form_errors.MAILBOX, "rule", "try")},
            "typed": mailbox_typed,
            "typed_rule": refill.typed_in(form_errors.RULE),
            "typed_try": refill.typed_in(form_errors.TRY),
        }

    @staticmethod
    def _edit_values(views: list[MailboxView], mailbox_id: str) -> dict[str, str]:
        for v in views:
            if v.mailbox.id == mailbox_id and v.editable:
                return mailbox_edit.form_values(v.mailbox)
            if v.mailbox.id == mailbox_id:
                raise NotFound(f"mailbox {mailbox_id} is set up with its Connect buttons")
        raise NotFound(f"no mailbox {mailbox_id} to edit here")

    def api(self, admin: str | None, tenant_id: str) -> list[dict[str, Any]]:
        _, tenant = self._checked(admin, tenant_id)
        return [
            {
                "mailbox": v.mailbox.model_dump(mode="json", exclude={"secret_ref"}),
                "health": {**v.health.model_dump(mode="json"), "stale": v.stale},
                "status": v.status,
                "summary": self.summary(v),
                "detail": self.detail(v),
                "last_error": self.last_error(v),
                "reconnect": v.reconnect.to_json() if v.reconnect else None,
            }
            for v in self.views(tenant)
        ]

    def summary(self, view: MailboxView) -> str:
        """The health line under "Connection Health" (the page refreshes it by itself)."""
        now = self._clock.now()
        return mailbox_status.summary(
            view.mailbox, view.health, view.status, view.stale, now, unwatched=view.unwatched
        )

    def detail(self, view: MailboxView) -> str:
        """The grey line under it: state and the day's counters (refreshed with it)."""
        return mailbox_status.detail(view.health, self._clock.now())

    def last_error(self, view: MailboxView) -> str:
        """The card's "Last error" line, empty when there is none (refreshed with it)."""
        return mailbox_status.last_error(view.health, self._clock.now())

    def act(self, admin: str | None, form: dict[str, str]) -> str:
        """A button on a mailbox: enable, disable, sync now or remove it; returns a notice."""
        admin, tenant = self._checked(admin, form.get("tenant", ""), form)
        typed_id = form.get("mailbox", "")[:80]

        def refused(why: str, status: int = 422) -> form_errors.FormRefused:
            return form_errors.FormRefused(
                {form_errors.GENERAL: why}, form=form_errors.CARD, target=typed_id, status=status
            )

        try:  # this tenant's mailbox (another tenant's is just as absent: nothing leaks)
            mailbox_id = MailboxId(typed_id)
            self._state.get_mailbox(tenant.id, mailbox_id)
        except (ValueError, NotFound):
            gone = f"mailbox {typed_id} no longer exists (removed meanwhile?)"
            raise refused(gone, 404) from None
        action = form.get("action", "")
        if action in ("enable", "disable"):
            self._admin.set_enabled(tenant.id, mailbox_id, action == "enable", actor=admin)
            return f"mailbox {mailbox_id} {action}d"
        if action == "sync":
            try:
                synced = self._admin.request_sync(tenant.id, mailbox_id, actor=admin)
            except ValidationError as exc:
                raise refused(str(exc)) from None
            if synced.provider in API_PROVIDERS:
                return f"mailbox {mailbox_id}: sync asked for; new mail arrives within a minute"
            return (
                f"mailbox {mailbox_id}: sync asked for; its watcher connects again and "
                "catches up within seconds"
            )
        if action == "remove":
            if form.get("confirm") != "remove":
                raise refused("tick the box to confirm the removal")
            self._admin.remove_mailbox(tenant.id, mailbox_id, actor=admin)
            return f"mailbox {mailbox_id} removed"
        raise refused("unknown action")

    def correct_label(self, admin: str | None, form: dict[str, str]) -> tuple[str, dict[str, str]]:
        """The "Recent events" row form: correct one event's label; returns the notice and
        the query of the page it was made on (cursor and filter, validated first: a forged
        one corrects nothing)."""
        admin, tenant = self._checked(admin, form.get("tenant", ""), form)
        back = self.events.back(tenant.id, form)
        notice = self.events.correct(
            tenant.id, form.get("event_id", ""), form.get("label", ""), actor=admin
        )
        return notice, back

    def flash_token(self, admin: str | None, tenant_id: str, notice: str) -> str:
        """The ``flash`` parameter of the redirect after a form (Post/Redirect/Get)."""
        admin, tenant = self._checked(admin, tenant_id)
        return flash.sign(self._key, admin, tenant.id, notice, self._clock.now().timestamp())

    def figures(self, tenant: Tenant, mailbox_ids: list[MailboxId] | None = None) -> Analytics:
        """30 days of emails per label and processing time per mailbox, from the store."""
        if mailbox_ids is None:
            mailbox_ids = [m.id for m in self._state.list_mailboxes(tenant.id)]
        days = {str(m): self._state.get_day_counts(tenant.id, m) for m in mailbox_ids}
        return analytics.summarize(days, self._clock.now())

    def analytics_api(self, admin: str | None, tenant_id: str) -> dict[str, Any]:
        _, tenant = self._checked(admin, tenant_id)
        return self.figures(tenant).to_json()

    def events_api(
        self,
        admin: str | None,
        tenant_id: str,
        before: str = "",
        only: EventFilter | None = None,
        until: str = "",
    ) -> tuple[list[dict[str, Any]], str]:
        """A page of recent events as JSON and the cursor of the next older one ("": none)."""
        _, tenant = self._checked(admin, tenant_id)
        return self.events.api(tenant.id, before, only, until)

    def rule_action(self, admin: str | None, form: dict[str, str]) -> str:
        """Save or delete one of the tenant's rules; returns a notice."""
        admin, tenant = self._checked(admin, form.get("tenant", ""), form)
        if form.get("rule_action") == "delete":
            rule_id = form.get("rule_id", "")
            try:
                self._rules.delete(tenant.id, rule_id, actor=admin)
            except NotFound:
                gone = f"rule {rule_id[:80]} no longer exists (deleted meanwhile?)"
                raise form_errors.FormRefused(
                    {form_errors.GENERAL: gone}, form=form_errors.RULE, status=404
                ) from None
            return f"rule {rule_id} deleted"
        try:
            rule = self._rules.save(tenant.id, rule_form.rule_doc(form), actor=admin)
        except RuleRefused as exc:
            raise rule_form.refused(exc) from None
        return f"rule {rule.id} saved"

    def try_rules(self, admin: str | None, form: dict[str, str]) -> Classification:
        """The label (and the rules that fired) a pasted email gets with this tenant's rules."""
        admin, tenant = self._checked(admin, form.get("tenant", ""), form)
        raw = form.get("email", "").replace("\r\n", "\n").replace("\n", "\r\n")
        if not raw.strip():
            raise form_errors.FormRefused({"email": "paste an email first"}, form=form_errors.TRY)
        try:
            return self._rules.try_it(tenant.id, raw.encode("utf-8", "replace"))
        except ValidationError as exc:  # too large, or not an email
            raise form_errors.FormRefused({"email": str(exc)}, form=form_errors.TRY) from None

    def audit(self, tenant: Tenant, limit: int = 20) -> list[dict[str, Any]]:
        return [
            {
                "at": e.at,
                "actor": e.actor,
                "action": e.action,
                "target": e.target,
                "details": ", ".join(
                    f"{k}={v}" for k, v in sorted(e.details.items()) if k not in _AUDIT_HIDDEN
                ),
            }
            for e in self._state.list_audit(tenant.id, limit=limit)
        ]

    def test_connection(self, admin: str | None, form: dict[str, str]) -> list[Step]:
        """Try the entered settings (nothing is saved) and say which step failed."""
        admin, tenant = self._checked(admin, form.get("tenant", ""), form)
        if self._tester is None:
            raise ValidationError("testing connections is not available here")
        mailbox = self._mailbox_from_form(tenant, form)
        if not form.get("password"):
            raise form_errors.FormRefused({"password": "enter the password to test the connection"})
        try:
            return self._tester.test(mailbox, form["password"], actor=admin)
        except ValidationError as exc:  # tested too often: said at the top of the form
            raise form_errors.FormRefused({form_errors.GENERAL: str(exc)}) from None

    def save(self, admin: str | None, form: dict[str, str]) -> str:
        """Add or update a password (or app password) IMAP/POP3 mailbox; returns a notice.
        Everything is validated before a secret is written (no orphan secret version)."""
        admin, tenant = self._checked(admin, form.get("tenant", ""), form)
        mailbox = self._mailbox_from_form(tenant, form)
        try:
            stored = self._admin.add_mailbox(
                mailbox, password=form.get("password") or None, actor=admin
            )
        except form_errors.FormRefused:
            raise
        except ValidationError as exc:  # the admin service's rules: next to the field named
            raise form_errors.from_message(str(exc)) from None
        dropped = stored.oauth and stored.oauth.reauth_required_at
        if dropped and mailbox.oauth and not mailbox.oauth.reauth_required_at:
            return (
                f"mailbox {mailbox.id} saved; its server or login changed, so its "
                "sign-in was not kept: reconnect it with the button on its card"
            )
        return f"mailbox {mailbox.id} saved"

    def _mailbox_from_form(self, tenant: Tenant, form: dict[str, str]) -> Mailbox:
        """The mailbox the form describes, validated (nothing stored)."""
        if form.get("provider", "imap") not in SERVER_PROVIDERS:
            raise form_errors.FormRefused(
                {
                    "provider": "this form is for IMAP or POP3 with a password; "
                    "connect Gmail or Microsoft 365 with the Connect buttons"
                }
            )
        try:
            existing = self._state.get_mailbox(tenant.id, MailboxId(form.get("mailbox", "")))
        except (NotFound, ValueError):  # a new mailbox
            existing = None
        mailbox_edit.check(form, existing)
        auth = _choice(AuthMethod, form, "auth_method", "password")
        # the form has no OAuth fields: editing an OAuth mailbox keeps its connection (grant
        # and refresh-token secret) unless the admin switches it to a password and gives one
        keep_oauth = (
            existing is not None
            and existing.auth_method is AuthMethod.OAUTH2
            and (auth is AuthMethod.OAUTH2 or not form.get("password"))
        )
        if keep_oauth:
            auth = AuthMethod.OAUTH2
        elif auth is AuthMethod.OAUTH2:
            raise form_errors.FormRefused(
                {"auth_method": "OAuth 2.0 is connected with the Connect buttons on its card"}
            )
        keep_secret = existing is not None and (
            keep_oauth or existing.auth_method is not AuthMethod.OAUTH2
        )
        try:
            mailbox = Mailbox(
                tenant_id=tenant.id,
                id=MailboxId(form.get("mailbox", "")),
                provider=Provider(form.get("provider", "imap")),
                address=form.get("address", ""),
                purpose=form.get("purpose", "booking") or "booking",
                host=form.get("host") or None,
                port=_number(form, "port", None),
                tls=_choice(TlsMode, form, "tls", "tls"),
                auth_method=auth,
                username=form.get("username") or None,
                secret_ref=existing.secret_ref if existing and keep_secret else None,
                oauth=existing.oauth if existing and keep_oauth else None,
                enabled=existing.enabled if existing else True,
                folder=form.get("folder") or "INBOX",
                idle=form.get("idle") == "on",
                poll_interval_s=_number(form, "poll_interval_s", 60),
                after_processing=_choice(AfterProcessing, form, "after_processing", "leave"),
                move_to=form.get("move_to") or None,
                created_at=existing.created_at if existing else None,
            )
        except PydanticValidationError as exc:
            raise form_errors.from_pydantic(exc) from None
        except ValueError as exc:  # the mailbox id
            raise form_errors.FormRefused({"mailbox": str(exc)}) from None
        return mailbox
