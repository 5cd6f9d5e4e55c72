"""Email Configuration: per mailbox the authentication (OAuth connect buttons or a password),
the advanced settings, and the connection health. An admin sees only the tenants that list
their (IAP) identity; forms carry a CSRF token bound to admin and tenant; no secret or
secret name is ever rendered."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any, Protocol

from jinja2 import Environment, PackageLoader, select_autoescape
from jinja2.ext import i18n as jinja_i18n

from shared.config import PageSettings, WatcherSettings
from shared.domain import analytics
from shared.domain.analytics import Analytics
from shared.domain.labels import LABELS
from shared.domain.message import Classification
from shared.domain.models import (
    API_PROVIDERS,
    AfterProcessing,
    Mailbox,
    Provider,
    Tenant,
)
from shared.domain.recent_events import EventFilter
from shared.errors import AuthError, NotFound, ValidationError
from shared.ids import MailboxId
from shared.ports import (
    Clock,
    RecentEventStore,
    TenantStore,
)
from shared.service.admin import Admin
from shared.service.connection_test import ConnectionTester, Step
from shared.service.corrections import Corrections
from shared.service.rules import RuleBook, RuleRecords, RuleRefused
from shared.service.tenant_access import SIGN_IN, admin_tenant
from shared.web import (
    add_flow,
    audit_words,
    charts,
    flash,
    form_errors,
    formats,
    i18n,
    label_names,
    language,
    mailbox_card,
    mailbox_edit,
    mailbox_form,
    mailbox_status,
    mailbox_views,
    overview,
    plain_errors,
    rule_form,
    service_words,
    state_words,
)
from shared.web.events_panel import FILTER_LABELS, EventsPanel
from shared.web.i18n import N_, _
from shared.web.mailbox_views import MailboxView, ViewRecords
from shared.web.overview import OverviewQuery

CSRF_TTL_S = 2 * 3600  # a form older than this asks for a reload
# audit details the page does not repeat (long or internal); never a secret in any case
_AUDIT_HIDDEN = frozenset({"secret_ref", "created_at", "updated_at", "tenant_id", "oauth"})


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
    error_title: str = N_("Not saved")  # the words before ``error`` (said in the page's language)
    section: str = ""  # one of SECTIONS ("": the one what is shown belongs to)
    overview: OverviewQuery = field(default_factory=OverviewQuery)  # search, filter, page
    open: str = ""  # the mailbox whose card is open
    add: add_flow.Step | None = None  # the add-a-mailbox step shown (None: not adding)
    here: str = ""  # the query the page was asked with (the language switch comes back to it)


_REFUSED_TITLE = {form_errors.TRY: N_("Not tried"), form_errors.CARD: N_("Not done")}
SECTIONS = ("mailboxes", "rules", "events", "analytics", "audit")
_SECTION_OF_FORM = {form_errors.RULE: "rules", form_errors.TRY: "rules"}


@dataclass(frozen=True)
class PageServices:
    """The use cases behind the page's optional parts (absent: the part says so)."""

    tester: ConnectionTester | None = None  # "Test connection"
    corrections: Corrections | None = None  # label correction in "Recent events"


class PageRecords(
    TenantStore,
    RecentEventStore,
    RuleRecords,
    ViewRecords,
    Protocol,
):
    """What the page shows: the tenant (who may see it), its mailboxes with their cursors,
    health and whether a watcher holds them, recent events, rules, template examples and the
    audit log."""


def _section_of(shown: Shown) -> str:
    """The section a page shows: the one of the form it answers, else the one asked for."""
    if shown.tried is not None:
        return "rules"
    if shown.refill is not None and shown.refill.which in _SECTION_OF_FORM:
        return _SECTION_OF_FORM[shown.refill.which]
    if shown.refill is not None or shown.tested is not None or shown.edit or shown.open:
        return "mailboxes"
    return shown.section if shown.section in SECTIONS else "mailboxes"


def _add_or_change(
    shown: Shown, refusals: dict[str, Any]
) -> tuple[add_flow.Step | None, dict[str, str], bool]:
    """The add flow's step shown (None: not adding), the mailbox form's values and whether
    the form itself is shown: for an edit, a server login's step, or the form shown again
    (refused, or after "Test connection"), which stays at the step it was posted from."""
    step, typed = shown.add, dict(refusals["typed"])
    again = shown.tested is not None or refusals["refused_form"] == form_errors.MAILBOX
    if step is None and again:
        step = add_flow.Step(typed.get("add_kind", ""), typed.get("add_method") or add_flow.SERVER)
    if step is not None and step.preset is not None and not typed and not shown.edit:
        typed = {**step.preset.values(), "add_kind": step.kind, "add_method": step.method}
    if shown.edit or typed.get("editing"):
        return step, typed, True
    return step, typed, step is not None and step.method == add_flow.SERVER


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
        self._rules_book = RuleBook(state, clock)
        services = services or PageServices()
        self._tester = services.tester
        self._refresh_s = refresh_s  # how often the page refreshes the health lines
        self.events = EventsPanel(state, services.corrections)
        self._env = Environment(
            loader=PackageLoader("shared.web", "templates"),
            autoescape=select_autoescape(["html"]),
            extensions=[jinja_i18n],
        )
        # the request's language (i18n.speaking); trans blocks are trimmed as extracted
        self._env.policies["ext.i18n.trimmed"] = True
        self._env.install_gettext_callables(  # type: ignore[attr-defined]
            gettext=i18n.gettext, ngettext=i18n.ngettext, newstyle=True
        )
        self._env.filters["ago"] = lambda when: formats.ago(when, self._clock.now())
        self._env.filters["number"] = formats.number
        self._env.filters["decimal"] = formats.decimal
        self._env.filters["moment"] = formats.moment
        self._env.globals["label_name"] = label_names.name
        self._env.globals["label_names_with"] = label_names.names_with
        self._env.globals["step_words"] = service_words.step
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
        expires_text, _dot, mac = (token or "").partition(".")
        expired = ValidationError(_("the form has expired: reload the page"))
        if not expires_text.isdigit() or len(expires_text) > 12:
            raise expired
        expires = int(expires_text)
        if not hmac.compare_digest(self._csrf_mac(admin, tenant_id, expires), mac):
            raise expired
        if self._clock.now().timestamp() > expires:
            raise expired

    # -- views ----------------------------------------------------------------------------
    def views(self, tenant: Tenant) -> list[MailboxView]:
        """Every mailbox of the tenant with its health: batched reads, not one per mailbox."""
        return mailbox_views.build(
            self._state,
            self._state.list_mailboxes(tenant.id),
            self._clock.now(),
            idle_refresh_s=self._idle_refresh_s,
            oauth_start_url=self._oauth,
        )

    def render(self, admin: str | None, tenant_id: str, shown: Shown | None = None) -> str:
        admin, tenant = self._checked(admin, tenant_id)
        shown = shown or Shown()
        notice = shown.notice
        if shown.flash_token and not notice:
            now_s = self._clock.now().timestamp()
            notice = flash.verify(self._key, admin, tenant.id, shown.flash_token, now_s)
        section = _section_of(shown)
        parts = getattr(self, f"_{section}")(tenant, shown)
        return self._env.get_template(f"{section}.html").render(
            tenant=tenant,
            admin=admin,
            lang=i18n.current(),
            languages=tuple(i18n.NAMES.items()),
            switch_to=lambda locale: language.switch_query(shown.here, tenant.id, locale),
            csrf=self.csrf_token(admin, tenant.id),
            notice=notice,
            section=section,
            sections=SECTIONS,
            refresh_s=self._refresh_s,
            push_sync=self._admin.syncs_push_mailboxes,
            **{**({} if section == "mailboxes" else self._refusals(shown, [])), **parts},
        )

    def _mailboxes(self, tenant: Tenant, shown: Shown) -> dict[str, Any]:
        """The overview (one page of it), the open card, and the add-or-change steps."""
        views = self.views(tenant)
        refusals = self._refusals(shown, views)
        ids = {str(v.mailbox.id): v for v in views}
        opened = ids.get(next(iter(refusals["card_error"]), "") or shown.open)
        if opened is not None:
            opened = mailbox_views.with_push(self._state, opened, self._clock.now())
        rows = overview.select(
            views,
            shown.overview,
            {i: v.search_text for i, v in enumerate(views)},
            {i: v.words.filter for i, v in enumerate(views)},
            {i: v.mailbox.provider.value for i, v in enumerate(views)},
        )
        step, typed, show_form = _add_or_change(shown, refusals)
        return {
            **refusals,
            "typed": typed,
            "views": views,
            "rows": rows,
            "query": shown.overview,
            "opened": opened,
            "step": step,
            "show_form": show_form,
            "oauth_of": add_flow.OAUTH_OF,
            "tested": shown.tested,
            "after_options": [a.value for a in AfterProcessing],
            "state_filters": state_words.FILTERS,
            "providers": overview.PROVIDERS,
        }

    def _rules(self, tenant: Tenant, shown: Shown) -> dict[str, Any]:
        return {"rules": self._rules_book.rules(tenant.id), "labels": LABELS, "tried": shown.tried}

    def _events(self, tenant: Tenant, shown: Shown) -> dict[str, Any]:
        return {
            "events": self.events.page(tenant.id, shown.before, shown.only, until=shown.until),
            "filter_labels": FILTER_LABELS,
            "labels": LABELS,
            "mailbox_ids": [m.id for m in self._state.list_mailboxes(tenant.id)],
        }

    def _analytics(self, tenant: Tenant, shown: Shown) -> dict[str, Any]:
        figures = self.figures(tenant)
        per_day = charts.per_day(figures)
        return {
            "charts": {"per_day": per_day, "latency": charts.latency(figures)},
            "has_mail": bool(per_day.rects),
        }

    def _audit(self, tenant: Tenant, shown: Shown) -> dict[str, Any]:
        return {"audit": self.audit(tenant)}

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
        title = _REFUSED_TITLE.get(refused.form, N_("Not saved")) if refused else shown.error_title
        return {
            "error": "" if card else service_words.say(error),
            "error_title": _(title),
            "card_error": {card: service_words.say(error)} if card else {},
            "refused_form": refill.which if refused else "",
            "errors": {
                f: plain_errors.plain_all(refill.errors_in(f))
                for f in (form_errors.MAILBOX, "rule", "try")
            },
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
                raise NotFound(
                    _("mailbox %(mailbox)s is set up with its Connect buttons", mailbox=mailbox_id)
                )
        raise NotFound(_("no mailbox %(mailbox)s to edit here", mailbox=mailbox_id))

    def api(self, admin: str | None, tenant_id: str) -> list[dict[str, Any]]:
        _admin, tenant = self._checked(admin, tenant_id)
        return [
            {
                "mailbox": v.mailbox.model_dump(mode="json", exclude={"secret_ref"}),
                "health": {**v.health.model_dump(mode="json"), "stale": v.stale},
                "status": v.status,
                "state": v.words.to_json(),
                "summary": self.summary(v),
                "detail": self.detail(v),
                "last_error": self.last_error(v),
                "reconnect": v.reconnect.to_json() if v.reconnect else None,
            }
            for v in self.views(tenant)
        ]

    def summary(self, view: MailboxView) -> str:
        """The health line under "Connection health" (the page refreshes it by itself)."""
        return mailbox_status.summary(view.words, view.health, self._clock.now())

    def detail(self, view: MailboxView) -> str:
        """The grey line under it: the day's counters (refreshed with it)."""
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
            gone = _("mailbox %(mailbox)s no longer exists (removed meanwhile?)", mailbox=typed_id)
            raise refused(gone, 404) from None
        action = form.get("action", "")
        if action in ("enable", "disable"):
            self._admin.set_enabled(tenant.id, mailbox_id, action == "enable", actor=admin)
            if action == "enable":
                return _("mailbox %(mailbox)s enabled", mailbox=mailbox_id)
            return _("mailbox %(mailbox)s disabled", mailbox=mailbox_id)
        if action == "sync":
            try:
                synced = self._admin.request_sync(tenant.id, mailbox_id, actor=admin)
            except ValidationError as exc:
                raise refused(str(exc)) from None
            if synced.provider in API_PROVIDERS:
                return _(
                    "mailbox %(mailbox)s: sync asked for; new mail arrives within a minute",
                    mailbox=mailbox_id,
                )
            return _(
                "mailbox %(mailbox)s: sync asked for; it connects to its server again and "
                "catches up within seconds",
                mailbox=mailbox_id,
            )
        if action == "remove":
            if form.get("confirm") != "remove":
                raise refused(_("tick the box to confirm the removal"))
            self._admin.remove_mailbox(tenant.id, mailbox_id, actor=admin)
            return _("mailbox %(mailbox)s removed", mailbox=mailbox_id)
        raise refused(_("unknown action"))

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
        many = self._state.get_day_counts_many(tenant.id, mailbox_ids)  # one batched read
        days = {str(m): counts for m, counts in many.items()}
        return analytics.summarize(days, self._clock.now())

    def analytics_api(self, admin: str | None, tenant_id: str) -> dict[str, Any]:
        _admin, tenant = self._checked(admin, tenant_id)
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
        _admin, tenant = self._checked(admin, tenant_id)
        return self.events.api(tenant.id, before, only, until)

    def rule_action(self, admin: str | None, form: dict[str, str]) -> str:
        """Save or delete one of the tenant's rules; returns a notice."""
        admin, tenant = self._checked(admin, form.get("tenant", ""), form)
        if form.get("rule_action") == "delete":
            rule_id = form.get("rule_id", "")
            try:
                self._rules_book.delete(tenant.id, rule_id, actor=admin)
            except NotFound:
                gone = _("rule %(rule)s no longer exists (deleted meanwhile?)", rule=rule_id[:80])
                raise form_errors.FormRefused(
                    {form_errors.GENERAL: gone}, form=form_errors.RULE, status=404
                ) from None
            return _("rule %(rule)s deleted", rule=rule_id)
        try:
            rule = self._rules_book.save(tenant.id, rule_form.rule_doc(form), actor=admin)
        except RuleRefused as exc:
            raise rule_form.refused(exc) from None
        return _("rule %(rule)s saved", rule=rule.id)

    def try_rules(self, admin: str | None, form: dict[str, str]) -> Classification:
        """The label (and the rules that fired) a pasted email gets with this tenant's rules."""
        admin, tenant = self._checked(admin, form.get("tenant", ""), form)
        raw = form.get("email", "").replace("\r\n", "\n").replace("\n", "\r\n")
        if not raw.strip():
            refusal = {"email": _("paste an email first")}
            raise form_errors.FormRefused(refusal, form=form_errors.TRY)
        try:
            return self._rules_book.try_it(tenant.id, raw.encode("utf-8", "replace"))
        except ValidationError as exc:  # too large, or not an email
            said = {"email": service_words.say(str(exc))}
            raise form_errors.FormRefused(said, form=form_errors.TRY) from None

    def audit(self, tenant: Tenant, limit: int = 20) -> list[dict[str, Any]]:
        return [
            {
                "at": e.at,
                "actor": e.actor,
                "action": e.action,
                "action_name": audit_words.action_name(e.action),
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
            raise ValidationError(_("testing connections is not available here"))
        mailbox = self._mailbox_from_form(tenant, form)
        if not form.get("password"):
            wanted = {"password": _("enter the password to test the connection")}
            raise form_errors.FormRefused(wanted)
        try:
            return self._tester.test(mailbox, form["password"], actor=admin)
        except ValidationError as exc:  # tested too often: said at the top of the form
            raise form_errors.FormRefused({form_errors.GENERAL: str(exc)}) from None

    def add_signed_in(self, admin: str | None, form: dict[str, str]) -> tuple[str, str]:
        """The add flow's Gmail / Microsoft 365 step: the mailbox is saved turned off, to be
        connected with the provider's sign-in (the Connect button on its card; the first
        grant turns it on). Returns the notice and the mailbox's id."""
        admin, tenant = self._checked(admin, form.get("tenant", ""), form)
        kind = form.get("add_kind", "")
        if kind not in add_flow.OAUTH_OF:
            raise form_errors.FormRefused({form_errors.GENERAL: _("choose Gmail or Microsoft 365")})
        oauth_provider, provider = add_flow.OAUTH_OF[kind]
        try:
            mailbox_id = MailboxId(form.get("mailbox", ""))
            self._state.get_mailbox(tenant.id, mailbox_id)
        except ValueError as exc:
            raise form_errors.FormRefused({"mailbox": str(exc)}) from None
        except NotFound:
            pass
        else:
            taken = _("a mailbox with this name exists already: choose another name")
            raise form_errors.FormRefused({"mailbox": taken})
        mailbox = mailbox_form.signed_in_mailbox(tenant.id, mailbox_id, Provider(provider), form)
        self._admin.add_awaiting_sign_in(mailbox, actor=admin)
        name = mailbox_card.PROVIDER_NAMES[oauth_provider]
        notice = _(
            "mailbox %(mailbox)s saved: now sign in with %(who)s to connect it",
            mailbox=mailbox_id,
            who=name,
        )
        return notice, mailbox_id

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
            return _(
                "mailbox %(mailbox)s saved; its server or login changed, so its sign-in was "
                "not kept: reconnect it with the button on its card",
                mailbox=mailbox.id,
            )
        return _("mailbox %(mailbox)s saved", mailbox=mailbox.id)

    def _mailbox_from_form(self, tenant: Tenant, form: dict[str, str]) -> Mailbox:
        """The mailbox the form describes, validated (nothing stored)."""
        try:
            existing = self._state.get_mailbox(tenant.id, MailboxId(form.get("mailbox", "")))
        except (NotFound, ValueError):  # a new mailbox
            existing = None
        return mailbox_form.server_mailbox(tenant.id, form, existing)
