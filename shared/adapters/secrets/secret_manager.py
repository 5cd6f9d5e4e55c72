"""``SecretStore`` on Secret Manager: thin; versions added only through ``put_secret``;
payload checksums verified (cloud.google.com/secret-manager/docs/reference/rest)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

import google_crc32c
from google.api_core import exceptions as gexc
from google.api_core.client_options import ClientOptions
from google.auth import exceptions as auth_exc
from google.auth.credentials import AnonymousCredentials
from google.cloud import secretmanager

from shared.adapters.memory_sinks import check_secret_name, version_number
from shared.errors import AlreadyExists, NotFound, PermanentError, ServiceUnavailable

TIMEOUT_S = 10.0


def _crc32c(data: bytes) -> int:
    value: int = google_crc32c.value(data)
    return value


@contextlib.contextmanager
def _mapped(operation: str, name: str) -> Iterator[None]:
    try:
        yield
    except gexc.NotFound:
        raise NotFound(f"secret {name} not found") from None
    except (gexc.AlreadyExists, gexc.Conflict):  # REST answers 409 for ALREADY_EXISTS
        raise AlreadyExists(f"secret {name} already exists") from None
    except (gexc.PermissionDenied, gexc.Unauthenticated, gexc.InvalidArgument) as exc:
        raise PermanentError(f"secret manager {operation} {name}: {type(exc).__name__}") from None
    except auth_exc.DefaultCredentialsError as exc:
        raise PermanentError(f"secret manager {operation} {name}: {type(exc).__name__}") from None
    # The REST transport lets connection failures through as requests' exceptions (OSError
    # subclasses), whose messages hold URLs; the name of the exception is enough.
    except (gexc.GoogleAPIError, gexc.RetryError, auth_exc.GoogleAuthError, OSError) as exc:
        raise ServiceUnavailable(
            f"secret manager {operation} {name}: {type(exc).__name__}"
        ) from None


class SecretManagerStore:
    def __init__(
        self,
        project: str,
        client: Any | None = None,
        *,
        endpoint: str | None = None,
    ) -> None:
        """``endpoint``: a local stand-in (tests, ``make run``), spoken to over REST without
        credentials; production uses the default endpoint and credentials."""
        self._project = project
        self._client = client
        self._endpoint = endpoint
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SecretManagerStore(project={self._project!r})"

    def _api(self) -> Any:
        with self._lock:
            if self._client is None:
                if self._endpoint:
                    self._client = secretmanager.SecretManagerServiceClient(
                        transport="rest",
                        credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
                        client_options=ClientOptions(api_endpoint=self._endpoint),
                    )
                else:
                    self._client = secretmanager.SecretManagerServiceClient()
            return self._client

    def _path(self, name: str) -> str:
        return f"projects/{self._project}/secrets/{name}"

    def put_secret(self, name: str, value: str) -> str:
        check_secret_name(name)
        api = self._api()
        data = value.encode()
        with contextlib.suppress(AlreadyExists), _mapped("create", name):
            api.create_secret(
                request={
                    "parent": f"projects/{self._project}",
                    "secret_id": name,
                    "secret": {"replication": {"automatic": {}}},
                },
                timeout=TIMEOUT_S,
            )
        with _mapped("add version", name):
            version = api.add_secret_version(
                request={
                    "parent": self._path(name),
                    "payload": {"data": data, "data_crc32c": _crc32c(data)},
                },
                timeout=TIMEOUT_S,
            )
        return str(version.name)

    def get_secret(self, name: str) -> str:
        check_secret_name(name)
        with _mapped("access", name):
            response = self._api().access_secret_version(
                request={"name": f"{self._path(name)}/versions/latest"}, timeout=TIMEOUT_S
            )
        data = bytes(response.payload.data)
        expected = response.payload.data_crc32c
        if expected and _crc32c(data) != expected:
            raise ServiceUnavailable(f"secret {name}: payload checksum mismatch")
        return data.decode()

    def destroy_versions_before(self, name: str, version: str) -> int:
        check_secret_name(name)
        keep = version_number(version)
        destroyed_state = secretmanager.SecretVersion.State.DESTROYED
        api = self._api()
        with _mapped("list versions", name):
            older = [
                v.name
                for v in api.list_secret_versions(
                    request={"parent": self._path(name)}, timeout=TIMEOUT_S
                )
                if v.state != destroyed_state and version_number(v.name) < keep
            ]
        for old in older:
            with contextlib.suppress(NotFound), _mapped("destroy version", name):
                api.destroy_secret_version(request={"name": old}, timeout=TIMEOUT_S)
        return len(older)

    def delete_secret(self, name: str) -> None:
        check_secret_name(name)
        with _mapped("delete", name):
            self._api().delete_secret(request={"name": self._path(name)}, timeout=TIMEOUT_S)
