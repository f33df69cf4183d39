"""The command line's answers to input outside the bounds are one line naming the option, with a
non-zero exit, never a traceback (issue 20, point 9): a token's days, an over-long or unclean person
id."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.e2e.test_cli import bootstrapped, fresh_url

__all__ = ["bootstrapped", "fresh_url"]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--person", "p", "--days", "99999999"), "--days"),
        (("--person", "p" * 100_000), "--person"),
        (("--person", "p\tq\x7f" + "\u200b" * 300), "--person"),
    ],
)
def test_token_issue_refuses_in_one_line(bootstrapped: str, args: tuple[str, ...], said: str) -> None:
    # As an operator runs it: the console script's own error handling, a real process.
    argv = [sys.executable, "-m", "api.cli", "token", "issue", "--role", "admin", "--org", "ACFTU", *args]
    r = subprocess.run([*argv, "--database-url", bootstrapped], capture_output=True, text=True, check=False)
    assert r.returncode != 0 and r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and said in lines[0] and len(lines[0]) < 300, r.stderr
