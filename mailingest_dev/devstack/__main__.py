"""``python -m mailingest_dev.devstack up [--env-file PATH]``: start the local services, write their
environment to a file (``KEY=VALUE`` lines), wait for Ctrl-C or SIGTERM, stop them all."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from mailingest_dev.devstack.process import DevstackError
from mailingest_dev.devstack.stack import SERVICES, local_services


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m mailingest_dev.devstack",
        description="Run the local services (emulators, Secret Manager stand-in, Dovecot).",
    )
    parser.add_argument("command", choices=["up"])
    parser.add_argument("--env-file", type=Path, default=Path(".local/devstack.env"))
    parser.add_argument("--base-dir", type=Path, help="data and logs (default: a temp dir)")
    parser.add_argument(
        "--services",
        default=",".join(SERVICES),
        help=f"comma-separated subset of {','.join(SERVICES)} (default: all)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    wanted = {s.strip() for s in args.services.split(",") if s.strip()}
    if not wanted or wanted - set(SERVICES):
        print(f"--services: choose from {','.join(SERVICES)}", file=sys.stderr)
        return 2
    done = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        done.set()

    # Installed before anything starts, so a signal during startup stops cleanly too.
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        with local_services(base_dir=args.base_dir, **{s: s in wanted for s in SERVICES}) as svc:
            args.env_file.parent.mkdir(parents=True, exist_ok=True)
            args.env_file.write_text("".join(f"{k}={v}\n" for k, v in sorted(svc.env().items())))
            print(f"up: {svc.summary()}; env in {args.env_file}; Ctrl-C stops", flush=True)
            while not done.wait(timeout=1.0):
                pass
    except DevstackError as exc:
        print(f"could not start the local services: {exc}", file=sys.stderr)
        return 1
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
