"""Shared by the benchmark scripts: pinning to one core, the results JSON (written atomically,
so an interrupted run never leaves half a file where the last good one was) and the markdown
verdict table."""

from __future__ import annotations

import json
import os
from pathlib import Path


def pin_to_one_core() -> bool:
    """Pin this process to core 0 (subprocesses inherit it); whether that worked."""
    if not hasattr(os, "sched_setaffinity"):
        return False
    try:
        os.sched_setaffinity(0, {0})
    except OSError:
        return False
    return True


def write_json(path: Path, data: object, *, sort_keys: bool = False) -> None:
    """``data`` as indented UTF-8 JSON at ``path`` (folders made, temp file then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=sort_keys) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def print_verdicts(rows: list[tuple[str, str, str, str]]) -> None:
    """Rows of (measure, value, target, verdict) as a markdown table on stdout."""
    print("| measure | value | target | verdict |")
    print("|---|---|---|---|")
    for what, val, target, ok in rows:
        print(f"| {what} | {val} | {target} | {ok} |")
