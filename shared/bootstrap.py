"""The one composition root: settings in, wired adapters and use cases out.

Nothing is built at import time; entry points call ``build_app`` lazily on first use and
reuse it (python-docs-samples "tips-lazy-globals").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING

from shared.config import Settings
from shared.errors import ConfigError
from shared.ids import incarnation
from shared.observability import register_secret
from shared.ports import (
    BlobStore,
    Clock,
    DoorbellQueue,
    EventSink,
    MailSources,
    SecretStore,
    StateStore,
    TaskQueue,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from shared.adapters.memory_sinks import InMemoryEventSink
    from shared.adapters.pubsub import EventTail
    from shared.domain.models import Mailbox
    from shared.oauth.config import OAuthSettings
    from shared.oauth.wiring import OAuthParts
    from shared.pubsub_workers.graph_worker import GraphWorker
    from shared.service.gmail_sync import GmailSync
    from shared.service.graph_sync import GraphSync
    from shared.service.push import ProviderPush
    from shared.service.renewal import Renewal, RenewalFanOut
    from shared.service.watcher import Watcher, WatcherOptions
    from shared.web.gmail_push import GmailPushEndpoint
    from shared.web.graph_webhook import GraphWebhookEndpoint
    from shared.web.settings_page import SettingsPage
from shared.service.admin import Admin
from shared.service.corrections import Corrections
from shared.service.ingest import IngestOptions, IngestPipeline

logger = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    clock: Clock
    state: StateStore
    events: EventSink
    secrets: SecretStore
    blobs: BlobStore
    pipeline: IngestPipeline
    admin: Admin
    corrections: Corrections  # label corrections -> template examples (list, delete)
    holder: str  # this process's incarnation: worker id + start nonce (leases, claims)


def build_state(settings: Settings, clock: Clock) -> StateStore:
    if settings.state_backend == "memory":
        from shared.adapters.memory_state import InMemoryStateStore

        return InMemoryStateStore(clock)
    from google.cloud import firestore

    from shared.adapters.firestore import FirestoreStateStore

    return FirestoreStateStore(firestore.Client(project=settings.project_id), clock)


def build_events(settings: Settings) -> EventSink:
    if settings.events_backend == "memory":
        from shared.adapters.memory_sinks import InMemoryEventSink

        return InMemoryEventSink()
    from shared.adapters.pubsub import PubSubEventSink

    return PubSubEventSink(settings.project_id, settings.events_topic)


def build_secrets(settings: Settings) -> SecretStore:
    if settings.secrets_backend == "memory":
        from shared.adapters.memory_sinks import InMemorySecretStore

        return InMemorySecretStore()
    if settings.secrets_backend == "file":
        from shared.adapters.secrets import FernetFileStore

        if settings.secrets_file is None or settings.secrets_key is None:
            raise ConfigError(["MAILINGEST_SECRETS_FILE and MAILINGEST_SECRETS_KEY are required"])
        register_secret(settings.secrets_key)
        return FernetFileStore(settings.secrets_file, settings.secrets_key)
    from shared.adapters.secrets import SecretManagerStore

    return SecretManagerStore(settings.project_id, endpoint=settings.secretmanager_endpoint)


def build_blobs(settings: Settings) -> BlobStore:
    if settings.blobs_backend == "memory":
        from shared.adapters.memory_sinks import InMemoryBlobStore

        return InMemoryBlobStore()
    if settings.blobs_backend == "local":
        from shared.adapters.blobs import LocalDirBlobStore

        if settings.blob_dir is None:
            raise ConfigError(
                ["MAILINGEST_BLOB_DIR is required with MAILINGEST_BLOBS_BACKEND=local"]
            )
        return LocalDirBlobStore(settings.blob_dir)
    from shared.adapters.blobs import GcsBlobStore

    if settings.blob_bucket is None:
        raise ConfigError(["MAILINGEST_BLOB_BUCKET is required with MAILINGEST_BLOBS_BACKEND=gcs"])
    return GcsBlobStore(settings.blob_bucket)


def ingest_options(settings: Settings) -> IngestOptions:
    return IngestOptions(
        max_message_bytes=settings.max_message_bytes,
        inline_attachment_max_bytes=settings.inline_attachment_max_bytes,
        inline_body_max_chars=settings.inline_body_max_chars,
        dedupe_ttl=timedelta(days=settings.dedupe_ttl_days),
        in_flight_timeout=timedelta(seconds=settings.in_flight_timeout_s),
        publish_attempts=settings.publish_attempts,
    )


def build_app(settings: Settings | None = None, *, clock: Clock | None = None) -> App:
    from shared.adapters.system_clock import SystemClock

    settings = settings or Settings.from_env()
    clock = clock or SystemClock()
    state = build_state(settings, clock)
    events = build_events(settings)
    secrets = build_secrets(settings)
    blobs = build_blobs(settings)
    holder = incarnation(settings.worker_id)
    pipeline = IngestPipeline(
        state,
        events,
        blobs,
        clock,
        holder=holder,
        options=ingest_options(settings),
    )
    app = App(
        settings=settings,
        clock=clock,
        state=state,
        events=events,
        secrets=secrets,
        blobs=blobs,
        pipeline=pipeline,
        admin=Admin(state, secrets, clock, allow_private_hosts=settings.allow_private_hosts),
        corrections=Corrections(
            state,
            blobs,
            clock,
            max_message_bytes=settings.max_message_bytes,
            on_change=pipeline.forget_tenant,
        ),
        holder=holder,
    )
    app.admin.attach_push(_provider_push(app))
    if settings.events_backend == "pubsub":
        app.admin.attach_tasks(_task_queue(settings))  # "Sync now" of a Gmail / Graph mailbox
    return app


def _provider_push(app: App) -> ProviderPush:
    """Gmail watch / Graph subscription start and stop, wired on first use."""
    from shared.service.push import ProviderPush

    return ProviderPush(
        lambda: build_gmail_sync(app, _oauth_access_token(app)),
        lambda: build_graph_sync(app, _oauth_access_token(app)),
    )


def build_watcher(app: App, options: WatcherOptions) -> Watcher:
    """The IMAP IDLE / POP3 watcher with every way a mailbox logs in: stored passwords, and
    OAuth tokens when an OAuth client is configured."""
    from shared.domain.models import AuthMethod
    from shared.oauth.tokens import OAuthCredentialProvider
    from shared.ports import CredentialProvider
    from shared.service.credentials import CompositeCredentialProvider, PasswordCredentialProvider
    from shared.service.watcher import Watcher

    providers: dict[AuthMethod, CredentialProvider] = {
        AuthMethod.PASSWORD: PasswordCredentialProvider(app.secrets),
        AuthMethod.APP_PASSWORD: PasswordCredentialProvider(app.secrets),
    }
    try:
        oauth = build_oauth(app)
        providers[AuthMethod.OAUTH2] = OAuthCredentialProvider(oauth.tokens)
    except ConfigError as exc:
        logger.warning(
            "OAuth not configured: OAuth mailboxes cannot log in", extra={"problems": exc.problems}
        )
    return Watcher(
        app.state,
        app.pipeline,
        CompositeCredentialProvider(providers),
        app.clock,
        holder=app.holder,
        sources=mail_sources(
            options,
            allow_private_hosts=app.settings.allow_private_hosts,
            max_message_bytes=app.settings.max_message_bytes,
        ),
        options=options,
    )


def mail_sources(
    options: WatcherOptions,
    *,
    allow_private_hosts: bool,
    max_message_bytes: int = Settings.max_message_bytes,
) -> MailSources:
    """IMAP and POP3 servers, with the watcher's socket timeout and trust anchors; no body
    read holds more than ``max_message_bytes``; loopback / private servers only when
    ``allow_private_hosts`` (the settings')."""
    from shared.adapters.imap import ConnectOptions, ServerMailSources

    return ServerMailSources(
        ConnectOptions(
            allow_private_hosts=allow_private_hosts,
            timeout_s=options.socket_timeout_s,
            ca_file=options.ca_file,
            max_message_bytes=max_message_bytes,
        )
    )


def build_offline_ingest(mailbox: Mailbox) -> tuple[IngestPipeline, InMemoryEventSink]:
    """The real pipeline on in-memory adapters, for ``mailingest parse`` / ``classify`` on
    local files: ``mailbox`` (and its tenant) exist, nothing leaves the process."""
    from shared.adapters.memory_sinks import InMemoryBlobStore, InMemoryEventSink
    from shared.adapters.memory_state import InMemoryStateStore
    from shared.adapters.system_clock import SystemClock
    from shared.domain.models import Tenant

    clock = SystemClock()
    state = InMemoryStateStore(clock)
    state.put_tenant(Tenant(id=mailbox.tenant_id, name=f"offline {mailbox.tenant_id}"))
    state.put_mailbox(mailbox)
    sink = InMemoryEventSink()
    return IngestPipeline(state, sink, InMemoryBlobStore(), clock, holder="cli"), sink


def build_event_tail(settings: Settings, subscription: str | None = None) -> EventTail:
    """A reader of the events topic (private subscription unless one is named)."""
    from shared.adapters.pubsub import EventTail

    return EventTail(
        settings.project_id,
        settings.events_topic,
        subscription,
        emulator_host=settings.pubsub_emulator_host,
    )


@dataclass
class GmailParts:
    sync: GmailSync
    endpoint: GmailPushEndpoint


def build_gmail_sync(app: App, access_token: Callable[[Mailbox], str]) -> GmailSync:
    from shared.adapters.gmail import TokenGmailApis
    from shared.service.gmail_sync import GmailOptions, GmailSync

    gmail = app.settings.gmail
    return GmailSync(
        app.state,
        app.pipeline,
        TokenGmailApis(
            access_token,
            endpoint=gmail.api_endpoint,
            max_message_bytes=app.settings.max_message_bytes,
        ),
        app.clock,
        holder=app.holder,
        options=GmailOptions(topic=gmail.topic),
    )


def build_gmail(app: App, *, access_token: Callable[[Mailbox], str] | None = None) -> GmailParts:
    """Gmail's sync and push endpoint; access tokens from the OAuth token service unless
    given (tests)."""
    from shared.web.gmail_push import GmailPushEndpoint
    from shared.web.push_auth import PushAuthSettings, PushVerifier

    gmail = app.settings.gmail
    sync = build_gmail_sync(app, access_token or _oauth_access_token(app))
    verifier = None
    if gmail.push_auth:
        if not gmail.push_audience or not gmail.push_service_account:
            raise ConfigError(
                ["MAILINGEST_PUSH_AUDIENCE and MAILINGEST_PUSH_SERVICE_ACCOUNT are required"]
            )
        verifier = PushVerifier(
            PushAuthSettings(gmail.push_audience, gmail.push_service_account, gmail.push_certs_url)
        )
    return GmailParts(sync=sync, endpoint=GmailPushEndpoint(app.state, sync, verifier))


def build_oauth(app: App, settings: OAuthSettings | None = None) -> OAuthParts:
    """The connect flow and the token service on the app's stores (``settings``: from the
    environment unless given; ConfigError when OAuth is not configured); a new Gmail API /
    Graph connection starts its watch or subscription."""
    from shared.domain.models import Provider
    from shared.oauth.config import OAuthSettings
    from shared.oauth.wiring import compose_oauth

    def start_push(mailbox: Mailbox, access_token: str) -> None:
        """With the token the connect just obtained: no stored token is read, and a Graph
        mailbox's first delta round is left to its first notification or the safety net
        (what finishes a connect publishes nothing)."""
        token: Callable[[Mailbox], str] = lambda _mailbox: access_token  # noqa: E731
        if mailbox.provider is Provider.GMAIL:
            build_gmail_sync(app, token).start_watch(mailbox)
        elif mailbox.provider is Provider.GRAPH:
            build_graph_sync(app, token).subscribe(mailbox)

    oauth = settings or OAuthSettings.from_env()
    return compose_oauth(oauth, app.state, app.secrets, app.clock, start_push)


def _oauth_access_token(app: App) -> Callable[[Mailbox], str]:
    return build_oauth(app).tokens.access_token


@dataclass
class GraphParts:
    sync: GraphSync
    worker: GraphWorker


def build_graph(app: App, *, access_token: Callable[[Mailbox], str] | None = None) -> GraphParts:
    """Graph's subscription lifecycle, delta sync and queue worker; access tokens from the
    OAuth token service (MSAL) unless given."""
    from shared.pubsub_workers.graph_worker import GraphWorker

    sync = build_graph_sync(app, access_token or _oauth_access_token(app))
    return GraphParts(sync=sync, worker=GraphWorker(app.state, sync))


def build_graph_sync(app: App, access_token: Callable[[Mailbox], str]) -> GraphSync:
    from shared.adapters.graph import TokenGraphApis
    from shared.service.graph_sync import GraphOptions, GraphSync

    graph = app.settings.graph
    apis = TokenGraphApis(
        access_token,
        endpoint=graph.api_endpoint,
        max_message_bytes=app.settings.max_message_bytes,
    )
    return GraphSync(
        app.state,
        app.pipeline,
        apis,
        app.secrets,
        app.clock,
        holder=app.holder,
        options=GraphOptions(
            notification_url=graph.notification_url, lifecycle_url=graph.lifecycle_url
        ),
    )


def build_graph_webhook(app: App) -> GraphWebhookEndpoint:
    """The webhook needs no token and no secret: it checks clientState against the owner
    documents in Firestore and queues (no Graph call)."""
    from shared.adapters.pubsub import PubSubEventSink
    from shared.web.graph_webhook import GraphWebhookEndpoint

    if app.settings.events_backend == "memory":
        return GraphWebhookEndpoint(app.state, app.events)
    queue: DoorbellQueue = PubSubEventSink(app.settings.project_id, app.settings.graph.queue_topic)
    return GraphWebhookEndpoint(app.state, queue)


def build_renewal_fanout(app: App) -> RenewalFanOut:
    """``renew_watches``: the scheduled run, put on the task topic in shards."""
    from shared.service.renewal import RenewalFanOut

    queue = _task_queue(app.settings)
    return RenewalFanOut(app.state, queue, shard_mailboxes=app.settings.task_shard_mailboxes)


def _task_queue(settings: Settings) -> TaskQueue:
    """The task topic ``mailbox_tasks`` works (renewal shards, "Sync now" of push mailboxes)."""
    from shared.adapters.pubsub import PubSubEventSink

    queue: TaskQueue = PubSubEventSink(settings.project_id, settings.tasks_topic)
    return queue


def build_renewal(app: App) -> Renewal:
    """``mailbox_tasks``: one shard's renewals or syncs, through Gmail and Graph."""
    from shared.service.renewal import Renewal

    return Renewal(
        app.state,
        build_gmail(app).sync,
        build_graph(app).sync,
        concurrency=app.settings.gmail.resync_concurrency,
    )


def build_settings_page() -> SettingsPage:
    """The settings page; its CSRF tokens are keyed by MAILINGEST_OAUTH_STATE_KEY."""
    from shared.config import PageSettings
    from shared.service.connection_test import ConnectionTester, ConnectionTestLimits
    from shared.service.watcher import WatcherOptions
    from shared.web.settings_page import PageServices, SettingsPage

    app = build_app()
    page = PageSettings.from_env()
    limits = ConnectionTestLimits(uniform_failure_s=page.connection_test_timeout_s)
    if not page.csrf_key:
        raise ConfigError(["MAILINGEST_OAUTH_STATE_KEY: required (also keys the CSRF tokens)"])
    return SettingsPage(
        app.state,
        app.admin,
        app.clock,
        oauth_start_url=page.oauth_start_url,
        csrf_key=page.csrf_key,
        idle_refresh_s=app.settings.watcher.idle_refresh_s,
        refresh_s=page.refresh_s,
        services=PageServices(
            tester=ConnectionTester(
                mail_sources(
                    replace(
                        WatcherOptions.from_settings(app.settings.watcher),
                        socket_timeout_s=limits.uniform_failure_s,
                    ),
                    allow_private_hosts=app.settings.allow_private_hosts,
                ),
                app.state,
                app.clock,
                allow_private=app.settings.allow_private_hosts,
                limits=limits,
            ),
            corrections=app.corrections,
        ),
    )
