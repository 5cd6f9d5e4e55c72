"""Flash messages after Post/Redirect/Get: only the server's, only for the admin and tenant
they were made for, only for a while."""

from __future__ import annotations

from shared.web import flash

KEY = b"k" * 32


def test_a_flash_reads_back_for_its_admin_and_tenant_only() -> None:
    token = flash.sign(KEY, "Ops@Acme.example", "acme", "Label corrected <b>", 1000.0)
    assert flash.verify(KEY, "ops@acme.example", "acme", token, 1000.0) == "Label corrected <b>"
    assert flash.verify(KEY, "boss@globex.example", "acme", token, 1000.0) == ""
    assert flash.verify(KEY, "ops@acme.example", "globex", token, 1000.0) == ""
    assert flash.verify(b"x" * 32, "ops@acme.example", "acme", token, 1000.0) == ""


def test_a_stale_altered_or_malformed_flash_shows_nothing() -> None:
    token = flash.sign(KEY, "a@b.example", "acme", "saved", 1000.0)
    assert flash.verify(KEY, "a@b.example", "acme", token, 1000.0 + flash.FLASH_TTL_S + 1) == ""
    expires, _body, mac = token.split(".")
    forged = flash.sign(KEY, "a@b.example", "acme", "you were hacked", 1000.0).split(".")[1]
    assert flash.verify(KEY, "a@b.example", "acme", f"{expires}.{forged}.{mac}", 1000.0) == ""
    for junk in ("", "x", "1.2", "a.b.c", f"{expires}.%%%.{mac}", "9" * 20 + ".YQ.00"):
        assert flash.verify(KEY, "a@b.example", "acme", junk, 1000.0) == ""
    long = flash.sign(KEY, "a@b.example", "acme", "n" * 1000, 1000.0)
    assert len(flash.verify(KEY, "a@b.example", "acme", long, 1000.0)) == flash.MAX_NOTICE
