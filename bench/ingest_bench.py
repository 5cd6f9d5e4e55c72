"""Ingest-core figures: parse+classify throughput beside bare stdlib
parsing of the same files in the same run, where the time goes (MIME structure, decoding,
text extraction, classification), the classifier's accuracy on the public labelled set, and
peak memory parsing a 25 MB message."""

from __future__ import annotations

import argparse
import email
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from bench.figures import Figure, figure

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "corpus"
MIN_SECONDS = 3.0


def _rate(fn: Callable[[Any], object], raws: list[Any], seconds: float = MIN_SECONDS) -> float:
    """Calls per second of this process's CPU time (one core): other load on the machine
    (the suite, other processes) does not count against the figure, as wall time would."""
    count, started = 0, time.process_time()
    while time.process_time() - started < seconds:
        for raw in raws:
            fn(raw)
        count += len(raws)
    return count / (time.process_time() - started)


def throughput(corpus: Path) -> dict[str, Figure]:
    from shared.domain.classification import classify
    from shared.domain.mime import parse_message

    raws = [p.read_bytes() for p in sorted(corpus.glob("*.eml"))]
    if not raws:
        raise SystemExit(f"no .eml files in {corpus}")

    def parse_classify(raw: bytes) -> None:
        classify(parse_message(raw))

    # one pass first: what a process loads once (the language model, ≈ 1 s of CPU; compiled
    # patterns) is no cost of a message, and inside the timed seconds it took a third of them
    for raw in raws:
        parse_classify(raw)
    ours = _rate(parse_classify, raws)
    stdlib = _rate(email.message_from_bytes, raws)
    note = (
        f"one core (process CPU time), {len(raws)} corpus files, >= {MIN_SECONDS:.0f} s each "
        "after one warm-up pass, same run"
    )
    return {
        "ingest.parse_classify_msgs_per_s": figure(ours, "msg/s", note),
        "ingest.stdlib_parse_msgs_per_s": figure(
            stdlib, "msg/s", note + "; bare email.message_from_bytes (no decoding)"
        ),
    }


def _us_per_msg(
    fn: Callable[[Any], object], items: list[Any], seconds: float = MIN_SECONDS
) -> float:
    return 1e6 / _rate(fn, items, seconds)


PAIRS = 101  # passes over the corpus with and without, one right after the other


def _pass_us(fn: Callable[[Any], object], items: list[Any]) -> float:
    """µs of this process's CPU time per item, over one pass."""
    started = time.process_time()
    for item in items:
        fn(item)
    return (time.process_time() - started) * 1e6 / len(items)


def _extra_us(
    base: Callable[[Any], object], loaded: Callable[[Any], object], items: list[Any]
) -> tuple[float, float, float]:
    """What ``loaded`` costs per item more than ``base``: the median over ``PAIRS`` pairs of
    passes, the two of a pair one right after the other (in alternating order), so a
    change in the machine's load falls on both sides of a difference — a difference of
    two long runs moved by hundreds of µs with the load between them. With the quartiles
    of the pairs' differences, for the note."""
    for item in items:  # loaded once (the language model, compiled patterns) before timing
        base(item)
        loaded(item)
    diffs = []
    for i in range(PAIRS):
        if i % 2:
            extra = -_pass_us(base, items) + _pass_us(loaded, items)
        else:
            extra = _pass_us(loaded, items) - _pass_us(base, items)
        diffs.append(extra)
    low, median, high = statistics.quantiles(diffs, n=4)
    return median, low, high


def breakdown(corpus: Path) -> dict[str, Figure]:
    """Microseconds per corpus message in each stage, measured stage by stage in this run:
    MIME structure (the stdlib parser under our policy), decoding (walking the tree: body
    charsets, transfer encodings, attachments; header decoding), text extraction (HTML to
    text, the new text of a reply) and classification."""
    from shared.domain.classification import classify
    from shared.domain.mime import ParseLimits, parse_message
    from shared.domain.mime.body import Collected, walk
    from shared.domain.mime.headers import RAW_HEADERS
    from shared.domain.mime.html import html_to_text
    from shared.domain.mime.quotes import new_text

    raws = [p.read_bytes() for p in sorted(corpus.glob("*.eml"))]
    limits = ParseLimits()
    parsed = [parse_message(raw) for raw in raws]

    def structure(raw: bytes) -> None:
        email.message_from_bytes(raw, policy=RAW_HEADERS)

    def structure_and_walk(raw: bytes) -> None:
        walk(email.message_from_bytes(raw, policy=RAW_HEADERS), Collected(), limits)

    def text(p: Any) -> None:
        if p.html and not p.text.strip():
            html_to_text(p.html, limits.max_text_chars)
        new_text(p.text, is_forward=False)

    total = _us_per_msg(parse_message, raws)
    mime = _us_per_msg(structure, raws)
    walked = _us_per_msg(structure_and_walk, raws)
    extraction = _us_per_msg(text, parsed)
    decode = max(0.0, total - mime - extraction)
    note = f"one core (process CPU time), µs per message, mean over the {len(raws)} corpus files"
    return {
        "ingest.breakdown_parse_us": figure(
            mime, "us/msg", note + "; MIME structure (stdlib parser)"
        ),
        "ingest.breakdown_decode_us": figure(
            decode,
            "us/msg",
            note + f"; tree walk, charsets, encodings, headers (walk alone: {walked - mime:.0f})",
        ),
        "ingest.breakdown_text_us": figure(extraction, "us/msg", note + "; HTML to text, new text"),
        "ingest.breakdown_classify_us": figure(
            _us_per_msg(classify, parsed), "us/msg", note + "; built-in rules"
        ),
    }


def _measure(cases: list[tuple[str, str, str, str]]) -> tuple[int, int, int]:
    """(labelled right, confident, confident and right) over (language, label, subject,
    body) cases, each sent as a mail from a partner."""
    from shared.domain.classification import classify
    from shared.domain.mime import parse_message

    right = confident = confident_right = 0
    for _, label, subject, body in cases:
        msg = EmailMessage()
        msg["From"] = "Reservations <res@partner.example>"
        msg["Subject"] = subject
        msg.set_content(body)
        result = classify(parse_message(msg.as_bytes()))
        right += result.label == label
        confident += result.confident
        confident_right += result.confident and result.label == label
    return right, confident, confident_right


def _figures(suffix: str, cases: list[tuple[str, str, str, str]], what: str) -> dict[str, Figure]:
    right, confident, confident_right = _measure(cases)
    n = len(cases)
    languages = len({c[0] for c in cases} - {"?"})  # "?": a case without its language
    return {
        f"classify.accuracy_{suffix}": figure(
            100.0 * right / n, "%", f"{right}/{n} cases of {what} in {languages} languages right"
        ),
        f"classify.confident_precision_{suffix}": figure(
            100.0 * confident_right / max(confident, 1),
            "%",
            f"{confident_right}/{confident} confident labels right ({what})",
        ),
        f"classify.confident_share_{suffix}": figure(
            100.0 * confident / n, "%", f"cases with classification.confident true ({what})"
        ),
    }


def accuracy() -> dict[str, Figure]:
    """The public labelled set (tests/unit/domain/*_cases.py: language_cases.py,
    classification_cases.py and the others in that format) and, when it is there, the set
    held out from whoever writes the rules (holdout_cases.py and holdout_second_cases.py;
    only imported here, never read to tune): share labelled right, share confident, and how
    often a confident label is right."""
    import importlib

    public: list[tuple[str, str, str, str]] = []
    folder = Path(__file__).resolve().parents[1] / "tests" / "unit" / "domain"
    for path in sorted(folder.glob("*_cases.py")):
        if path.stem.startswith(("holdout", "test_")):
            continue
        cases = getattr(importlib.import_module(f"tests.unit.domain.{path.stem}"), "CASES", [])
        for case in cases:
            if len(case) == 3:  # (label, subject, body): classification_cases.py
                public.append(("?", *case))
            elif len(case) == 4:
                lang, label, subject, body = case
                public.append((lang, label, subject, body))
    figures = _figures("public_set", public, "the public set")
    held_out: list[tuple[str, str, str, str]] = []
    for stem in ("holdout_cases", "holdout_second_cases"):
        try:
            cases = list(importlib.import_module(f"tests.unit.domain.{stem}").CASES)
        except ModuleNotFoundError:
            continue
        held_out += cases
        if stem == "holdout_second_cases":
            figures.update(_figures("holdout_second", cases, "the second held-out set"))
    if held_out:
        figures.update(_figures("holdout", held_out, "both held-out sets"))
    return figures


def templates(corpus: Path, count: int = 500) -> dict[str, Figure]:
    """Classification with a tenant's full bound of template examples, all from the sender
    of the message (the worst case: every example is a candidate), against none."""
    from dataclasses import replace
    from datetime import UTC, datetime, timedelta
    from itertools import cycle

    from shared.domain.classification import classify
    from shared.domain.classification.templates import TemplateExample, TemplateIndex
    from shared.domain.mime import parse_message

    parsed = [parse_message(p.read_bytes()) for p in sorted(corpus.glob("*.eml"))]
    parsed = [p for p in parsed if p.from_ is not None]
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    examples = [
        TemplateExample.from_correction(
            f"t{i}",
            parsed[i % len(parsed)],
            "other",
            created_at=t0 + timedelta(minutes=i),
            created_by="bench",
        )
        for i in range(count)
    ]
    per_sender = {  # indexed once, as the pipeline does per load of a tenant's examples
        p.from_.address.lower(): TemplateIndex(
            [replace(e, sender=p.from_.address.lower()) for e in examples]
        )
        for p in parsed
        if p.from_ is not None
    }

    def with_templates(p: Any) -> None:
        classify(p, templates=per_sender[p.from_.address.lower()])

    # the other case: the sender's examples are all of other templates (every other corpus
    # message as an example of this sender), so nothing is identical and candidates are scored
    others = {
        id(p): TemplateIndex(
            [
                replace(e, sender=p.from_.address.lower())
                for e, source in zip(examples, cycle(parsed), strict=False)
                if source is not p
            ]
        )
        for p in parsed
        if p.from_ is not None
    }

    def with_other_templates(p: Any) -> None:
        classify(p, templates=others[id(p)])

    loaded, *loaded_iqr = _extra_us(classify, with_templates, parsed)
    unlike, *unlike_iqr = _extra_us(classify, with_other_templates, parsed)
    note = (
        f"{len(parsed)} corpus messages, {count} examples of each message's own sender; "
        f"median of {PAIRS} pairs of passes with and without (process CPU time)"
    )

    def spread(iqr: list[float]) -> str:
        return f" (quartiles {iqr[0]:.0f}–{iqr[1]:.0f})"

    return {
        "classify.templates_extra_us": figure(
            loaded, "us/msg", note + ", one of them its own template" + spread(loaded_iqr)
        ),
        "classify.templates_extra_us_no_match": figure(
            unlike, "us/msg", note + ", all of other templates" + spread(unlike_iqr)
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
    figures.update(breakdown(args.corpus))
    figures.update(accuracy())
    figures.update(templates(args.corpus))
    with tempfile.TemporaryDirectory() as tmp:
        figures.update(peak_rss(Path(tmp)))
    if args.out is None:
        raise SystemExit("--out is required")
    args.out.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
