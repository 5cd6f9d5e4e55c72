from __future__ import annotations

import pytest

from shared.config import Settings
from shared.errors import ConfigError


def test_defaults_need_only_a_project_and_a_bucket() -> None:
    s = Settings.from_env({"GOOGLE_CLOUD_PROJECT": "p1", "MAILINGEST_BLOB_BUCKET": "raw"})
    assert s.project_id == "p1"
    assert s.state_backend == "firestore"
    assert s.events_topic == "mail-events"
    assert s.max_message_bytes == 50 * 1024 * 1024


def test_every_problem_is_reported_at_once() -> None:
    env = {
        "MAILINGEST_STATE_BACKEND": "redis",
        "MAILINGEST_SECRETS_BACKEND": "file",
        "MAILINGEST_MAX_MESSAGE_BYTES": "lots",
        "MAILINGEST_DEDUPE_TTL_DAYS": "0",
        "MAILINGEST_LOG_LEVEL": "chatty",
    }
    with pytest.raises(ConfigError) as info:
        Settings.from_env(env)
    text = "\n".join(info.value.problems)
    for name in (
        "GOOGLE_CLOUD_PROJECT",
        "MAILINGEST_STATE_BACKEND",
        "MAILINGEST_SECRETS_FILE",
        "MAILINGEST_SECRETS_KEY",
        "MAILINGEST_BLOB_BUCKET",
        "MAILINGEST_MAX_MESSAGE_BYTES",
        "MAILINGEST_DEDUPE_TTL_DAYS",
        "MAILINGEST_LOG_LEVEL",
    ):
        assert name in text
    assert len(info.value.problems) == 8


def test_secret_key_is_not_in_repr() -> None:
    s = Settings.from_env(
        {
            "GOOGLE_CLOUD_PROJECT": "p",
            "MAILINGEST_SECRETS_BACKEND": "file",
            "MAILINGEST_SECRETS_FILE": "/tmp/x",
            "MAILINGEST_SECRETS_KEY": "very-secret-fernet-key",
            "MAILINGEST_BLOBS_BACKEND": "memory",
        }
    )
    assert "very-secret-fernet-key" not in repr(s)


def test_the_watcher_variables_are_read_and_checked_with_the_rest() -> None:
    env = {
        "GOOGLE_CLOUD_PROJECT": "p",
        "MAILINGEST_BLOB_BUCKET": "raw",
        "MAILINGEST_IDLE_REFRESH_S": "120",
        "MAILINGEST_RELOAD_S": "0.5",
        "PORT": "8080",
    }
    watcher = Settings.from_env(env).watcher
    assert (watcher.idle_refresh_s, watcher.reload_s, watcher.health_port) == (120, 0.5, 8080)
    assert (watcher.lease_ttl_s, watcher.relist_s) == (20, 600)
    assert Settings.from_env({**env, "MAILINGEST_RELIST_S": "900"}).watcher.relist_s == 900
    bad = {**env, "MAILINGEST_IDLE_REFRESH_S": "3600", "MAILINGEST_LEASE_TTL_S": "soon"}
    with pytest.raises(ConfigError) as info:
        Settings.from_env(bad)
    assert [p.split(":")[0] for p in info.value.problems] == [
        "MAILINGEST_IDLE_REFRESH_S",
        "MAILINGEST_LEASE_TTL_S",
    ]


def test_connect_rates_are_read_merged_over_the_built_in_ones_and_checked() -> None:
    from shared.service.watcher import WatcherOptions

    env = {
        "GOOGLE_CLOUD_PROJECT": "p",
        "MAILINGEST_BLOB_BUCKET": "raw",
        "MAILINGEST_CONNECT_RATE": "2.5",
        "MAILINGEST_SERVER_CONNECT_RATES": "Mail.Hotel.Example=1, imap.gmail.com=80",
    }
    options = WatcherOptions.from_settings(Settings.from_env(env).watcher)
    assert options.connect_rate_per_server == 2.5
    assert options.server_connect_rates == {
        "imap.gmail.com": 80.0,  # overridden
        "pop.gmail.com": 50.0,  # built in
        "outlook.office365.com": 50.0,
        "mail.hotel.example": 1.0,  # added, case-folded
    }
    bad = {**env, "MAILINGEST_SERVER_CONNECT_RATES": "imap.gmail.com,x=fast,y=-1,z=5"}
    with pytest.raises(ConfigError) as info:
        Settings.from_env(bad)
    assert len(info.value.problems) == 3
    assert all(p.startswith("MAILINGEST_SERVER_CONNECT_RATES: ") for p in info.value.problems)


def test_a_bad_page_variable_is_a_config_error_naming_it() -> None:
    from shared.config import PageSettings

    with pytest.raises(ConfigError) as info:
        PageSettings.from_env({"MAILINGEST_PAGE_REFRESH_S": "soon"})
    assert [p.split(":")[0] for p in info.value.problems] == ["MAILINGEST_PAGE_REFRESH_S"]
    assert PageSettings.from_env({"MAILINGEST_PAGE_REFRESH_S": "30"}).refresh_s == 30
    assert PageSettings.from_env({}).refresh_s == 15
