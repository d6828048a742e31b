"""An error page of the local endpoint (a bug inside moto: HTML, HTTP 500) is an AWS-shaped
InternalFailure naming the call, the stack and the server log: one line from any ws command,
never a traceback; an answer botocore cannot read is one line too."""
from __future__ import annotations

import botocore.session
import pytest
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError, create_parser
from click.testing import CliRunner

from ws import api
from ws.cli import commands as cli
from ws.cloud import localerrors
from ws.cloud.awserrors import aws_problem
from ws.testing.workspaces import queue_template, workspace_files, write_tree

PAGE = (b"<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n"
        b"<h1>Internal Server Error</h1>\n")


@pytest.mark.parametrize("service, operation", [
    ("cloudformation", "DescribeStacks"), ("dynamodb", "GetItem"), ("lambda", "Invoke"),
    ("s3", "GetObject"), ("ec2", "DescribeVpcs")])
def test_an_error_page_reads_as_an_internal_failure_naming_call_stack_and_log(service,
                                                                               operation):
    model = botocore.session.get_session().get_service_model(service).operation_model(operation)
    response = {"status_code": 500, "headers": {}, "body": PAGE}
    localerrors._remember(params={"StackName": "demo-local-db"})
    localerrors._rewrite("its server log (.ws/local/server.log)", model, response)
    error = create_parser(model.service_model.protocol).parse(response, model.output_shape)
    assert error["Error"]["Code"] == "InternalFailure"
    assert error["Error"]["Message"] == (
        f"the local endpoint failed on {operation} of stack demo-local-db (HTTP 500): "
        "see its server log (.ws/local/server.log)")


def test_an_aws_shaped_error_is_left_alone():
    model = botocore.session.get_session().get_service_model("cloudformation") \
        .operation_model("DescribeStacks")
    body = b"<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>"
    response = {"status_code": 500, "headers": {}, "body": body}
    localerrors._rewrite("log", model, response)
    assert response["body"] == body


def test_the_stack_a_failed_call_was_about_is_named(moto_url):
    from ws.cloud.backend import local_backend
    cfn = local_backend("us-east-1", moto_url).client("cloudformation")
    cfn.create_stack(StackName="named", TemplateBody='{"Resources": {"Q": {"Type": '
                                                     '"AWS::SQS::Queue"}}}')
    with pytest.raises(ClientError, match="failed on DetectStackDrift of stack named "):
        cfn.detect_stack_drift(StackName="named")  # moto 5.2: an HTML 500


def test_a_call_moto_fails_on_is_one_line_pointing_at_the_log(moto_url):
    from ws.cloud.backend import local_backend
    cfn = local_backend("us-east-1", moto_url).client("cloudformation")
    with pytest.raises(ClientError) as info:
        cfn.list_imports(ExportName="nothing")  # moto 5.2: an HTML 500
    problem = aws_problem(info.value)
    assert str(problem).splitlines()[0] == \
        "the local endpoint failed on ListImports (HTTP 500): see its server log " \
        "(.ws/local/server.log)"


def test_an_unreadable_answer_is_one_line():
    exc = ResponseParserError("Unable to parse response (not well-formed (invalid token): "
                              "line 1, column 9), invalid XML received. Further retries may "
                              "succeed:\nb'<x>\\x00</x>'")
    problem = aws_problem(exc)
    assert problem is not None and len(str(problem).splitlines()) == 2
    assert "cannot read: Unable to parse response (not well-formed" in str(problem)


def test_the_cli_prints_it_in_one_line_not_a_traceback(tmp_path, monkeypatch):
    root = write_tree(tmp_path, workspace_files(db=(queue_template(), {})))

    def fails(*args, **kwargs):
        raise ResponseParserError("Unable to parse response (syntax error), invalid XML "
                                  "received.\nb'<!doctype html>'")
    monkeypatch.setattr(api, "outputs", fails)
    result = CliRunner().invoke(cli.cli, ["-w", str(root), "outputs", "--env", "local"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith("error: the endpoint sent an answer ws cannot read")
