"""A deploy to the local endpoint names, once per stack, the ECS services that cannot run there
(a request through their load balancer answers 503 naming them)."""
from __future__ import annotations

import json

from ws import api
from ws.engine.request import Observer, RunRequest
from ws.local.containernotes import container_line
from ws.testing.workspaces import workspace_files, write_tree


def res(kind: str, **props) -> dict:
    return {"Type": kind, "Properties": props}


def service(*groups: str) -> dict:
    return res("AWS::ECS::Service", Cluster={"Ref": "Cluster"}, TaskDefinition={"Ref": "Task"},
               LoadBalancers=[{"ContainerName": "app", "ContainerPort": 80,
                               "TargetGroupArn": {"Ref": g}} for g in groups])


TASKS = {
    "Cluster": res("AWS::ECS::Cluster"),
    "Task": res("AWS::ECS::TaskDefinition", Family="app", ContainerDefinitions=[
        {"Name": "app", "Image": "example/app", "Memory": 512}]),
    "Vpc": res("AWS::EC2::VPC", CidrBlock="10.50.0.0/16"),
    "Targets": res("AWS::ElasticLoadBalancingV2::TargetGroup", Port=80, Protocol="TCP",
                   TargetType="ip", VpcId={"Ref": "Vpc"}),
}


def test_the_line_names_each_service_and_its_target_groups():
    assert container_line({"Resources": {**TASKS, "Web": service("Targets")}}) == (
        "the local endpoint runs no containers: ECS service Web (behind Targets) does not "
        "run; a request through its load balancer answers 503 naming it; test it on AWS")
    two = container_line({"Resources": {**TASKS, "Web": service("Targets"), "Worker": service()}})
    assert "ECS services Web (behind Targets), Worker do not run" in two
    assert container_line({"Resources": TASKS}) is None


def test_a_local_deploy_says_it_once_per_stack(tmp_path, endpoint):
    workspace = write_tree(tmp_path, workspace_files(
        tasks=(json.dumps({"Resources": {**TASKS, "Web": service("Targets")}}), {}),
        plain=(json.dumps({"Resources": TASKS}), {})))
    seen = []
    report = api.deploy(workspace, "local", RunRequest(check_templates=False),
                        Observer(on_event=lambda stack, message: seen.append((stack, message))))
    assert report.ok, report
    said = [(stack, message) for stack, message in seen if "runs no containers" in message]
    assert [stack for stack, _ in said] == ["tasks"]
