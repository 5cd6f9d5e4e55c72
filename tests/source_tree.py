"""Python source as an AST for the tests that read the code (docs in step, one env reader,
bundle requirements). CPython 3.11 keeps the AST constructor's recursion depth in state
every thread shares, so a compile in another thread (a lazy import on a server's thread)
can make ``ast.parse`` fail with "SystemError: AST constructor recursion depth mismatch"
(python/cpython#106905) although the source is fine: parse again, a bounded number of times."""

from __future__ import annotations

import ast

_ATTEMPTS = 5


def parse(source: str) -> ast.Module:
    for attempt in range(_ATTEMPTS):
        try:
            return ast.parse(source)
        except SystemError:
            if attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover
