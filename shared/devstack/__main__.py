"""``python -m shared.devstack up [--env-file PATH]``: start the local services, write their
environment to a file, wait for Ctrl-C or SIGTERM, stop them."""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path
from types import FrameType

from shared.devstack import local_services


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.devstack")
    parser.add_argument("command", choices=["up"])
    parser.add_argument("--env-file", type=Path, default=Path(".local/devstack.env"))
    parser.add_argument("--base-dir", type=Path)
    args = parser.parse_args()
    done = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with local_services(base_dir=args.base_dir) as svc:
        args.env_file.parent.mkdir(parents=True, exist_ok=True)
        args.env_file.write_text("".join(f"{k}={v}\n" for k, v in sorted(svc.env().items())))
        print(f"services up; environment in {args.env_file}; Ctrl-C stops them", flush=True)
        done.wait()
    print("services stopped", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
