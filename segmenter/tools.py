"""Running an outside command-line tool (pdftotext, tesseract) for a baseline: its standard
output as text, or a one-line error."""

from __future__ import annotations

import os
import subprocess

from .errors import InputError, SegmenterError


def run_tool(cmd: list[str], timeout: float, missing: str, *, input: bytes | None = None,
             env: dict[str, str] | None = None, what: str = "") -> str:
    """``cmd``'s standard output (UTF-8).  Raises :class:`SegmenterError` with ``missing``
    when the program is not installed, :class:`InputError` (one line, prefixed by ``what``)
    when it runs over ``timeout`` seconds or exits non-zero."""
    try:
        done = subprocess.run(cmd, input=input, capture_output=True, timeout=timeout, check=False,
                              env=None if env is None else dict(os.environ, **env))
    except FileNotFoundError:
        raise SegmenterError(missing) from None
    except subprocess.TimeoutExpired:
        raise InputError(f"{what}took longer than {timeout:g} s") from None
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"{what}exit {done.returncode}{': ' + err[-1] if err else ''}")
    return done.stdout.decode("utf-8", "replace")
