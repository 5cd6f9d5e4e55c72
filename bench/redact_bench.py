"""Log redaction with many registered secrets: a watcher that runs for months registers every
refreshed access token, and every log field is scrubbed against all of them."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bench.figures import Figure, figure
from shared.observability import _SecretRegistry

LINE = (
    "mailbox acme/booking: IDLE ended after 300 s, 2 new messages, fetching UIDs 4711:4712 "
    "from imap.example.com:993 as booking@acme.example"
)


def _per_line_us(registry: _SecretRegistry, rounds: int) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        registry.scrub(LINE)
    return (time.perf_counter() - started) / rounds * 1e6


def redaction() -> dict[str, Figure]:
    registry = _SecretRegistry(max_values=100_000)
    figures: dict[str, Figure] = {}
    for count in (10, 10_000, 100_000):
        while len(registry) < count:
            registry.add(f"ya29.a0Af{len(registry):012d}-access-token", ttl_s=7200)
        figures[f"observability.redact_us_per_line_{count}_secrets"] = figure(
            _per_line_us(registry, 20_000),
            "us",
            f"scrub one {len(LINE)}-character log field with {count:,} registered secrets",
        )
    started = time.perf_counter()
    for i in range(100_000):
        registry.add(f"rotated-{i:012d}-access-token", ttl_s=7200)
    figures["observability.register_us_per_secret"] = figure(
        (time.perf_counter() - started) / 100_000 * 1e6,
        "us",
        "add one secret to a full registry (100,000, oldest evicted)",
    )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.write_text(json.dumps(redaction(), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
