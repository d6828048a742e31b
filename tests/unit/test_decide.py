"""The one decision, on literal data: what deployed state and resolved inputs decide."""
from __future__ import annotations

import pytest

from ws.cloud.livestate import RECORD_OUTPUT
from ws.engine.decide import DEPLOY, LATER, SKIP, decide
from ws.engine.fingerprint import Fingerprint
from ws.engine.inputs import StackInputs

PARTS = {"template": "t" * 64, "code": "c" * 64, "tags": "g" * 64}


def inputs(parts=PARTS, parameters=None, plain=None) -> StackInputs:
    return StackInputs({}, plain or {}, {}, Fingerprint(dict(parts), parameters or {}))


def live(status="UPDATE_COMPLETE", deployed: StackInputs | None = None, params=None) -> dict:
    stack = {"StackName": "s", "StackStatus": status, "Outputs": [],
             "Parameters": [{"ParameterKey": k, "ParameterValue": v}
                            for k, v in (params or {}).items()]}
    if deployed is not None:
        stack["Outputs"].append({"OutputKey": RECORD_OUTPUT,
                                 "OutputValue": deployed.fingerprint.record("abc", "1.0")})
    return stack


def test_not_deployed_deploys():
    found = decide(None, None)
    assert found.action == DEPLOY and found.reason == "not deployed"


@pytest.mark.parametrize("status", ["ROLLBACK_COMPLETE", "UPDATE_ROLLBACK_COMPLETE"])
def test_a_deploy_that_did_not_succeed_deploys_again(status):
    found = decide(live(status, inputs()), inputs())
    assert found.action == DEPLOY and status in found.reason


@pytest.mark.parametrize("status", ["DELETE_FAILED", "ROLLBACK_FAILED", "REVIEW_IN_PROGRESS",
                                    "CREATE_FAILED"])
def test_a_stack_a_deploy_would_stop_at_says_recreate(status):
    found = decide(live(status, inputs()), inputs())
    assert found.action == DEPLOY and status in found.reason and "--recreate" in found.reason
    protected = {**live("ROLLBACK_COMPLETE", inputs()), "EnableTerminationProtection": True}
    assert "--recreate" in decide(protected, inputs()).reason  # never unprotected unasked
    assert "--recreate" not in decide(live("ROLLBACK_COMPLETE", inputs()), inputs()).reason


def test_the_same_fingerprint_is_unchanged():
    assert decide(live(deployed=inputs()), inputs()).action == SKIP
    assert decide(live(deployed=inputs()), inputs()).reason == "unchanged"


def test_a_changed_part_says_which():
    changed = inputs({**PARTS, "code": "d" * 64})
    found = decide(live(deployed=inputs()), changed)
    assert found.action == DEPLOY and found.reason == "code changed"


def test_a_changed_parameter_names_it_and_a_masked_secret_is_not_blamed():
    before = inputs(parameters={"Url": "h1", "Key": "k"})
    after = inputs(parameters={"Url": "h2", "Key": "k"}, plain={"Url": "https://new"})
    found = decide(live(deployed=before, params={"Url": "https://old", "Key": "****"}), after)
    assert found.action == DEPLOY and found.reason == "parameter Url changed"


def test_no_record_means_deployed_without_a_fingerprint():
    found = decide(live(), inputs())
    assert found.action == DEPLOY
    assert found.reason == "deployed without a ws fingerprint"


def test_an_upstream_deploying_first_defers_the_decision():
    found = decide(live(deployed=inputs()), None, pending=["db", "auth"])
    assert found.action == LATER and found.reason == "depends on auth, db (decided after it deploys)"


def test_inputs_that_cannot_be_resolved_deploy_and_say_why():
    found = decide(live(deployed=inputs()), None, unresolved="its secrets were not read")
    assert found.action == DEPLOY and found.reason == "cannot tell: its secrets were not read"


def test_without_changed_only_everything_deploys_and_keeps_what_was_found():
    found = decide(live(deployed=inputs()), inputs(), changed_only=False)
    assert found.action == DEPLOY and found.reason == "deployed without --changed (unchanged)"
    later = decide(live(deployed=inputs()), None, pending=["db"], changed_only=False)
    assert later.action == DEPLOY


def test_a_protected_environment_deploys_an_unchanged_stack_left_unprotected():
    unprotected = live(deployed=inputs())
    found = decide(unprotected, inputs(), protected=True)
    assert found.action == DEPLOY and "termination protection is off" in found.reason
    protected = {**unprotected, "EnableTerminationProtection": True}
    assert decide(protected, inputs(), protected=True).action == SKIP
    assert decide(unprotected, inputs()).action == SKIP  # not a protected environment
