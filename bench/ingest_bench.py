"""Ingest-core figures (issue 3): parse+classify throughput beside bare stdlib parsing of the
same files in the same run, and peak memory parsing a 25 MB message."""

from __future__ import annotations

import argparse
import email
import json
import os
import resource
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

from bench.figures import Figure, figure

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "corpus"
MIN_SECONDS = 3.0


def _rate(fn: object, raws: list[bytes]) -> float:
    assert callable(fn)
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < MIN_SECONDS:
        for raw in raws:
            fn(raw)
        count += len(raws)
    return count / (time.perf_counter() - started)


def throughput(corpus: Path) -> dict[str, Figure]:
    from shared.domain.classification import classify
    from shared.domain.mime import parse_message

    raws = [p.read_bytes() for p in sorted(corpus.glob("*.eml"))]
    if not raws:
        raise SystemExit(f"no .eml files in {corpus}")

    def parse_classify(raw: bytes) -> None:
        classify(parse_message(raw))

    ours = _rate(parse_classify, raws)
    stdlib = _rate(email.message_from_bytes, raws)
    note = f"one core, {len(raws)} corpus files, >= {MIN_SECONDS:.0f} s each, same run"
    return {
        "ingest.parse_classify_msgs_per_s": figure(ours, "msg/s", note),
        "ingest.stdlib_parse_msgs_per_s": figure(
            stdlib, "msg/s", note + "; bare email.message_from_bytes (no decoding)"
        ),
    }


def big_message(size_mb: int = 25) -> bytes:
    """A message of about ``size_mb`` MB on the wire (base64 makes attachments 4/3 larger)."""
    msg = EmailMessage()
    msg["From"] = "Hotel <res@hotel.example>"
    msg["To"] = "booking@agency.example"
    msg["Subject"] = "Rooming list and vouchers"
    msg["Message-ID"] = "<big@hotel.example>"
    msg.set_content("Please find the rooming list attached.\n" * 50)
    chunk = os.urandom(1024 * 1024)
    for i in range(size_mb * 3 // 4):
        msg.add_attachment(chunk, maintype="application", subtype="pdf", filename=f"v{i}.pdf")
    return msg.as_bytes()


def _peak_rss_child(path: str) -> None:
    from shared.domain.classification import classify
    from shared.domain.mime import parse_message

    raw = Path(path).read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    parsed = parse_message(raw)
    classify(parsed)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"before_kb": before, "peak_kb": peak, "size": len(raw)}))


def peak_rss(tmp: Path) -> dict[str, Figure]:
    path = tmp / "big.eml"
    path.write_bytes(big_message())
    out = subprocess.run(
        [sys.executable, "-m", "bench.ingest_bench", "--child", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    mb = data["size"] / 1e6
    return {
        "ingest.peak_rss_mb_25mb_message": figure(
            data["peak_kb"] / 1024,
            "MB",
            f"peak RSS of a process parsing+classifying one {mb:.1f} MB message "
            f"(RSS before parsing, raw already read: {data['before_kb'] / 1024:.0f} MB)",
        )
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path)
    parser.add_argument("--child")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    if args.child:
        _peak_rss_child(args.child)
        return 0
    import tempfile

    figures = throughput(args.corpus)
    with tempfile.TemporaryDirectory() as tmp:
        figures.update(peak_rss(Path(tmp)))
    assert args.out is not None
    args.out.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
