"""What a message costs in the blob store: the raw MIME of every sample-corpus message run
through the pipeline, as the store keeps it (gzip-compressed) against as it came."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench.figures import Figure, figure
from tests.unit.test_ingest_pipeline import MAILBOX, Env

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "corpus"


def raw_storage(corpus: Path) -> dict[str, Figure]:
    env = Env()
    raws = [p.read_bytes() for p in sorted(corpus.rglob("*.eml"))]
    for i, raw in enumerate(raws):
        env.pipeline.ingest(MAILBOX, f"1/{i + 1}", raw)
    refs = [e["raw_ref"] for e in env.published() if isinstance(e.get("raw_ref"), str)]
    stored = sum(env.blobs.stored_bytes(str(r)) for r in refs)
    came = sum(len(r) for r in raws)
    n = len(refs)
    note = f"{n} corpus messages, {came / n / 1024:.1f} KiB each as they came"
    return {
        "storage.raw_bytes_per_message": figure(stored / n, "bytes", note + "; gzip level 6"),
        "storage.raw_saving_pct": figure(
            100.0 * (1 - stored / came), "%", "raw MIME bytes not billed thanks to compression"
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    args.out.write_text(json.dumps(raw_storage(args.corpus), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
