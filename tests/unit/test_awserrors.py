"""AWS errors that are not ws's own (issue 13): one clear line naming the call and the missing
permission, with a hint, never a traceback. Stubber with AWS-shaped errors."""
from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import NoCredentialsError
from botocore.stub import Stubber
from click.testing import CliRunner

from ws import api
from ws.cli import commands as cli
from ws.cloud.awserrors import aws_problem
from ws.cloud.locks import LockTable
from ws.testing.workspaces import queue_template, workspace_files, write_tree

DENIED = ("User: arn:aws:sts::111122223333:assumed-role/ci-deploy/gh is not authorized to "
          "perform: dynamodb:DescribeTable on resource: "
          "arn:aws:dynamodb:us-east-1:111122223333:table/ws-locks because no identity-based "
          "policy allows the dynamodb:DescribeTable action")


def denied_lock_table() -> None:
    """What a run does first on AWS: make sure the lock table is there."""
    db = boto3.client("dynamodb", region_name="us-east-1", aws_access_key_id="x",
                      aws_secret_access_key="x")
    with Stubber(db) as stub:
        stub.add_client_error("describe_table", "AccessDeniedException", DENIED, 400)
        LockTable(db).ensure()


def test_access_denied_names_the_call_and_the_missing_permission():
    with pytest.raises(Exception) as info:
        denied_lock_table()
    problem = aws_problem(info.value)
    assert problem is not None and problem.exit_code == 1
    assert problem.message == ("AWS denied DescribeTable: the credentials lack "
                               "dynamodb:DescribeTable on "
                               "arn:aws:dynamodb:us-east-1:111122223333:table/ws-locks")
    assert "grant dynamodb:DescribeTable" in problem.hint


def test_other_aws_errors_are_one_line_and_ws_own_are_left_alone():
    assert "no AWS credentials found" in str(aws_problem(NoCredentialsError()))
    assert aws_problem(ValueError("a bug")) is None  # keeps its traceback


def test_the_cli_prints_one_line_not_a_traceback(tmp_path, monkeypatch):
    root = write_tree(tmp_path, workspace_files(db=(queue_template(), {})))
    monkeypatch.setattr(api, "deploy", lambda *args, **kwargs: denied_lock_table())
    result = CliRunner().invoke(cli.cli, ["-w", str(root), "deploy", "--env", "local"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("error: AWS denied DescribeTable: the credentials lack "
                               "dynamodb:DescribeTable") and len(lines) == 2
    assert lines[1].strip().startswith("hint: grant dynamodb:DescribeTable")
    assert "Traceback" not in result.output and result.exception is None or \
        isinstance(result.exception, SystemExit)
