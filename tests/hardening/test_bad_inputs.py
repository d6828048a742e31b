"""Every bad input of the corpus: a clear one-or-two-line error naming the file, exit code 2,
no traceback, and nothing deployed."""
from __future__ import annotations

import pytest
from corpus import CASES, check


def test_the_corpus_is_big_enough():
    assert len(CASES) >= 40 and len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_a_clear_error_and_deploys_nothing(case, tmp_path, aws):
    assert check(case, tmp_path / "ws", aws("cloudformation")) == []
