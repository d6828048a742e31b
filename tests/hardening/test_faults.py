"""Faults during real deploys on the local endpoint; each ends converged (see faults.py)."""
from __future__ import annotations

import faults
import pytest


def test_endpoint_dies_mid_deploy(tmp_path, monkeypatch):
    monkeypatch.delenv("WS_LOCAL_ENDPOINT", raising=False)
    outcome = faults.endpoint_dies(tmp_path / "ws")
    assert outcome.injected == 1 and outcome.converged, outcome.detail


def test_deploy_process_killed_mid_run(tmp_path, endpoint):
    outcome = faults.deploy_killed(tmp_path / "ws", endpoint)
    assert outcome.converged, outcome.detail


def test_a_third_of_cloudformation_calls_throttled(tmp_path, endpoint):
    outcome = faults.throttled(tmp_path / "ws", endpoint)
    assert outcome.injected >= 5 and outcome.converged, outcome.detail


def test_credentials_expire_mid_run(tmp_path, endpoint):
    outcome = faults.credentials_expire(tmp_path / "ws", endpoint)
    assert outcome.converged, outcome.detail


def test_disk_cache_corrupted(tmp_path, endpoint):
    outcome = faults.cache_corrupted(tmp_path / "ws", endpoint)
    assert outcome.converged, outcome.detail


def test_a_resource_failing_inside_the_endpoint_rolls_back_and_converges(tmp_path, endpoint):
    outcome = faults.resource_fails_in_endpoint(tmp_path / "ws", endpoint)
    assert outcome.injected == 2 and outcome.converged, outcome.detail


def test_locks_broken_mid_run(tmp_path, endpoint):
    outcome = faults.lock_broken(tmp_path / "ws", endpoint)
    assert outcome.injected >= 1 and outcome.converged, outcome.detail


def test_stdout_closed_mid_deploy(tmp_path, endpoint):
    outcome = faults.stdout_closed(tmp_path / "ws", endpoint)
    assert outcome.converged, outcome.detail


@pytest.mark.parametrize("kind", list(faults.INTERRUPTS))
def test_interrupted_runs_end_cleanly_and_converge(tmp_path, endpoint, kind):
    outcome = faults.interrupted(tmp_path / "ws", endpoint, kind)
    assert outcome.converged, outcome.detail


def test_aws_endpoint_dies_mid_deploy_ends_the_run_within_seconds(tmp_path):
    outcome = faults.aws_endpoint_dies(tmp_path / "ws")
    print(outcome.detail.splitlines()[0])  # the figure (pytest -s shows it)
    assert outcome.converged, outcome.detail
