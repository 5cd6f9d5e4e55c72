"""The Microsoft 365 path on one machine (``make run`` and the tests): a local Microsoft
identity platform (HTTPS, MSAL refuses plain HTTP) and Graph stand-in; Graph's notifications
POSTed to the locally running ``graph_webhook``, which queues them on the Pub/Sub emulator's
``graph-notifications`` topic, whose push subscription calls ``graph_worker`` — the same
chain as in the cloud (Eventarc's Pub/Sub trigger there)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from mailingest_dev.standins.graph_api import GraphStandIn, running_graph
from mailingest_dev.standins.microsoft_identity import MicrosoftStandIn, microsoft_stand_in
from shared.adapters.pubsub import ensure_push_subscription, ensure_topic
from shared.bootstrap import App
from shared.domain.models import AuthMethod, Mailbox, OAuthGrant, OAuthProvider, Provider
from shared.ids import MailboxId, TenantId
from shared.secret_names import refresh_secret_name

QUEUE_TOPIC = "graph-notifications"
QUEUE_SUBSCRIPTION = "graph-notifications-local"
GRAPH_SCOPE = "https://graph.microsoft.com/Mail.Read"
GRAPH_WRITE_SCOPE = "https://graph.microsoft.com/Mail.ReadWrite"


@dataclass
class LocalGraph:
    project: str
    identity: MicrosoftStandIn
    graph: GraphStandIn

    def env(self, webhook_url: str) -> dict[str, str]:
        return {
            "MAILINGEST_MICROSOFT_CLIENT_ID": self.identity.client_id,
            "MAILINGEST_MICROSOFT_CLIENT_SECRET": self.identity.client_secret,
            "MAILINGEST_MICROSOFT_AUTHORITY": self.identity.authority,
            "MAILINGEST_OAUTH_CA_FILE": str(self.identity.ca_file),
            "MAILINGEST_GRAPH_API_ENDPOINT": self.graph.base_url + "v1.0",
            "MAILINGEST_GRAPH_NOTIFICATION_URL": webhook_url,
            "MAILINGEST_GRAPH_QUEUE_TOPIC": QUEUE_TOPIC,
        }

    def push_queue_to(self, endpoint: str) -> None:
        """The queue topic's push subscription delivering to ``graph_worker``."""
        ensure_push_subscription(self.project, QUEUE_TOPIC, QUEUE_SUBSCRIPTION, endpoint)

    def connect(
        self,
        app: App,
        tenant: TenantId,
        mailbox_id: MailboxId,
        user: str,
        *,
        scopes: tuple[str, ...] = (GRAPH_SCOPE,),
        folder: str = "Inbox",
    ) -> Mailbox:
        """What the Microsoft connect flow leaves behind for a Graph mailbox: the grant
        (refresh token in the secret store) and the mailbox; the caller subscribes."""
        self.graph.add_user(user)
        refresh = "0.AR" + secrets.token_urlsafe(24)
        with self.identity.lock:
            self.identity.refresh_tokens[refresh] = user
        app.secrets.put_secret(refresh_secret_name(tenant, mailbox_id), refresh)
        mailbox = Mailbox(
            tenant_id=tenant,
            id=mailbox_id,
            provider=Provider.GRAPH,
            address=user,
            purpose="booking",
            auth_method=AuthMethod.OAUTH2,
            secret_ref=refresh_secret_name(tenant, mailbox_id),
            folder=folder,
            oauth=OAuthGrant(
                provider=OAuthProvider.MICROSOFT,
                connected_address=user,
                scopes=scopes,
                directory_tenant=self.identity.tenant,
            ),
        )
        app.state.put_mailbox(mailbox)
        return mailbox


@contextmanager
def local_graph(project: str, tmp: Path) -> Iterator[LocalGraph]:
    """Needs ``PUBSUB_EMULATOR_HOST`` in the environment."""
    tmp.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        identity = stack.enter_context(microsoft_stand_in(tmp))
        graph = stack.enter_context(running_graph())
        graph.authorize = lambda token: identity.access_tokens.get(token)
        graph.scopes_of = lambda token: identity.access_scopes.get(token)
        ensure_topic(project, QUEUE_TOPIC)
        yield LocalGraph(project, identity, graph)
