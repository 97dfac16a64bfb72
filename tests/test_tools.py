"""run_tool: one-line errors for a missing program, a failing one and one that hangs."""

import sys

import pytest

from segmenter.errors import InputError, SegmenterError
from segmenter.tools import run_tool


def test_output_and_env():
    out = run_tool([sys.executable, "-c", "import os; print(os.environ['X_TOOL'] + '中')"], 30, "missing",
                   env={"X_TOOL": "ok"})
    assert out.strip() == "ok中"


def test_missing_program():
    with pytest.raises(SegmenterError, match="^install it$"):
        run_tool(["segmenter-no-such-program-xyz"], 5, "install it")


def test_failure_gives_exit_code_and_last_stderr_line():
    cmd = [sys.executable, "-c", "import sys; sys.stderr.write('a\\nbad page\\n'); sys.exit(3)"]
    with pytest.raises(InputError, match="^tool exit 3: bad page$"):
        run_tool(cmd, 30, "missing", what="tool ")


def test_timeout():
    with pytest.raises(InputError, match="took longer than 0.5 s"):
        run_tool([sys.executable, "-c", "import time; time.sleep(5)"], 0.5, "missing")
