"""Every bad input of the corpus: a clear one-or-two-line error naming the file, exit code 2,
no traceback, and nothing deployed."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from corpus import CASES, Case
from ws import cli


def run_case(case: Case, root) -> tuple[int, str]:
    result = CliRunner().invoke(cli.cli, ["-w", str(case.build(root)), *case.args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback: a bug, shown as one
    return result.exit_code, result.output


def test_the_corpus_is_big_enough():
    assert len(CASES) >= 40 and len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_a_clear_error_and_deploys_nothing(case, tmp_path, aws):
    code, output = run_case(case, tmp_path / "ws")
    lines = [line for line in output.splitlines() if line.strip()]
    assert code == 2, output
    assert "Traceback" not in output
    assert case.names in output, output
    assert 1 <= len(lines) <= case.max_lines, output
    assert aws("cloudformation").describe_stacks()["Stacks"] == []
