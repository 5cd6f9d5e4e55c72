"""The always-on watcher container (Cloud Run, min instances >= 1, CPU always allocated):
the process itself is ``shared.watcher_main``; this is the image's entry point."""

from __future__ import annotations

from shared.watcher_main import main

__all__ = ["main"]

if __name__ == "__main__":
    raise SystemExit(main())
