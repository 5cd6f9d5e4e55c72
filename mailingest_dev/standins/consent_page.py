"""The browser-facing side of the local identity stand-ins: what Google's and Microsoft's
authorize endpoints show an admin, reduced to one account field and two buttons.

- ``GET`` the authorize URL: a request naming another client, another response type, no
  S256 challenge or an unregistered redirect URI gets an error page and **no redirect** (as
  the providers do: an unchecked redirect would make them an open redirector); otherwise a
  consent page listing the scopes, with "Allow" and "Cancel".
- ``POST`` the same URL (the page's form): "Allow" issues a one-time code bound to the PKCE
  challenge, the nonce and the redirect URI and sends the browser back with ``code`` and
  ``state``; "Cancel" sends it back with ``error=access_denied`` and the ``state``
  (RFC 6749 §4.1.2, §4.1.2.1)."""

from __future__ import annotations

import html
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

# (authorize parameters, account the admin signed in as) -> a one-time code
IssueCode = Callable[[Mapping[str, str], str], str]


@dataclass(frozen=True)
class AuthorizeRequest:
    client_id: str
    redirect_uris: Collection[str]  # empty: any (the registered list is not modelled)
    provider: str  # "Google" | "Microsoft"


def refusal(request: AuthorizeRequest, params: Mapping[str, str]) -> str | None:
    """Why the authorize request is refused outright (shown, never redirected), or None."""
    if params.get("client_id") != request.client_id:
        return "invalid_client: The OAuth client was not found."
    redirect = params.get("redirect_uri", "")
    if not redirect or (request.redirect_uris and redirect not in request.redirect_uris):
        return "redirect_uri_mismatch: The redirect URI is not registered for this client."
    if params.get("response_type") != "code":
        return "unsupported_response_type"
    if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
        return "invalid_request: PKCE with S256 is required."
    return None


def consent_html(request: AuthorizeRequest, params: Mapping[str, str]) -> bytes:
    """The consent page: the account (the login hint, editable), the scopes, Allow / Cancel;
    every authorize parameter travels on in hidden fields."""
    e = html.escape
    hidden = "".join(
        f'<input type="hidden" name="{e(k)}" value="{e(v)}">'
        for k, v in params.items()
        if k != "account"
    )
    scopes = "".join(f"<li>{e(s)}</li>" for s in params.get("scope", "").split())
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in - {e(request.provider)}</title></head>
<body>
<h1>Sign in with {e(request.provider)}</h1>
<p>(local stand-in) The application <code>{e(request.client_id)}</code> wants to:</p>
<ul>{scopes}</ul>
<form method="post">
{hidden}
<label>Account <input name="account" value="{e(params.get("login_hint", ""))}"></label>
<button name="decision" value="allow">Allow</button>
<button name="decision" value="deny">Cancel</button>
</form>
</body></html>"""
    return page.encode()


def error_html(request: AuthorizeRequest, reason: str) -> bytes:
    e = html.escape
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Error</title></head>"
        f"<body><h1>{e(request.provider)}: the request was refused</h1>"
        f"<p>{e(reason)}</p></body></html>"
    ).encode()


def decision(form: Mapping[str, str], issue: IssueCode) -> str:
    """Where the browser goes after the admin pressed Allow or Cancel."""
    back: dict[str, str] = {}
    if form.get("decision") == "allow" and form.get("account"):
        back["code"] = issue(form, form["account"].strip().lower())
    else:
        back["error"] = "access_denied"
        back["error_description"] = "The user declined to consent."
    if "state" in form:
        back["state"] = form["state"]
    separator = "&" if "?" in form["redirect_uri"] else "?"
    return f"{form['redirect_uri']}{separator}{urlencode(back)}"
