"""The webhook answers Graph's validation handshake before anything is built: with no
configuration at all (nothing could be built from it) the token still comes back at once,
and the endpoint stays unbuilt."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from functions_framework import create_app

SOURCE = str(Path(__file__).resolve().parents[3] / "functions" / "graph_webhook" / "main.py")


def test_the_handshake_is_answered_before_anything_is_built() -> None:
    for name in [n for n in os.environ if n.startswith(("MAILINGEST_", "GOOGLE_", "FIRESTORE_"))]:
        del os.environ[name]  # restored by the autouse fixture
    client = create_app("graph_webhook", SOURCE).test_client()
    token = "Validation: Testing client application reachability 2b8f"
    answer = client.post("/", query_string={"validationToken": token})
    assert (answer.status_code, answer.get_data(as_text=True)) == (200, token)
    assert answer.headers["Content-Type"].startswith("text/plain")
    (main,) = [m for m in list(sys.modules.values()) if getattr(m, "__file__", None) == SOURCE]
    assert main._endpoint is None
