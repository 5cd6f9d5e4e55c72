"""The audit log's actions as the page says them ("Mailbox saved"); the action's code stays
in the page's markup (``data-action``) and in the JSON, the command line and the store."""

from __future__ import annotations

from shared.web.i18n import N_, _

ACTIONS = {
    "mailbox.put": N_("Mailbox saved"),
    "mailbox.remove": N_("Mailbox removed"),
    "mailbox.enable": N_("Mailbox turned on"),
    "mailbox.disable": N_("Mailbox turned off"),
    "mailbox.sync": N_("Sync asked for"),
    "mailbox.test_connection": N_("Connection tested"),
    "mailbox.secret_renamed": N_("Stored password moved"),
    "oauth.connect": N_("Signed in with the provider"),
    "oauth.connect_app_only": N_("Connected for the whole organisation"),
    "oauth.reauth_required": N_("Provider refused the connection"),
    "rule.put": N_("Rule saved"),
    "rule.delete": N_("Rule deleted"),
    "template.correct": N_("Label corrected"),
    "template.delete": N_("Learned template deleted"),
    "tenant.create": N_("Agency created"),
}


def action_name(action: str) -> str:
    """The action in words (an action the page does not know: its code)."""
    return _(ACTIONS[action]) if action in ACTIONS else action
