"""cfn-lint failing on one template is that template's finding, naming it: the other templates
are still linted, by `ws validate` and by the check before deploying."""
from __future__ import annotations

from ws.config.environment import load_environment
from ws.config.workspace import load_workspace
from ws.lint import cfnlint, precheck
from ws.lint.validate import validate
from ws.testing.workspaces import queue_template, workspace_files, write_tree

# An empty Parameters section under the SAM transform: cfn-lint 1.x raises AttributeError.
SAM_EMPTY_PARAMETERS = ("Transform: AWS::Serverless-2016-10-31\nParameters:\nResources:\n"
                        "  Q:\n    Type: AWS::SQS::Queue\n")
LINT_ERROR = queue_template(resources={"Q": {"Type": "AWS::SQS::Queue",
                                             "Properties": {"Nope": 1}}})


def test_validate_names_the_template_cfn_lint_failed_on_and_lints_the_others(tmp_path):
    root = write_tree(tmp_path, workspace_files(
        bad=(SAM_EMPTY_PARAMETERS, {}), other=(LINT_ERROR, {}), fine=(queue_template(), {})))
    ws = load_workspace(root)
    found = validate(ws, load_environment(ws, "local")).errors
    by_rule = {(f.display, f.rule) for f in found}
    assert ("stacks/bad/template.yaml", "WS002") in by_rule
    assert ("stacks/bad/template.yaml", "WS100") in by_rule  # ws's own: the null section
    assert any(d == "stacks/other/template.yaml" and r.startswith("E3") for d, r in by_rule)
    assert not any(d == "stacks/fine/template.yaml" for d, _ in by_rule)
    crash = next(f for f in found if f.rule == "WS002")
    assert "cfn-lint failed on this template (AttributeError" in crash.message


def test_the_check_before_deploying_makes_a_failure_of_cfn_lint_a_finding(tmp_path):
    class Failing:
        def validate_template(self, body):
            raise RuntimeError("boom\nsecond line")

    path = tmp_path / "t.json"
    path.write_text(queue_template())
    found = precheck.lint_chunk(Failing(), [("t.json", path), ("u.json", path)])
    assert [(f.display, f.rule) for f in found] == [("t.json", "WS002"), ("u.json", "WS002")]
    assert "(RuntimeError: boom)" in found[0].message


def test_a_linting_process_that_dies_is_its_template_s_finding():
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool
    future: Future = Future()
    future.set_exception(BrokenProcessPool("a child process terminated abruptly"))
    assert cfnlint._result("t.yaml", future)[0].rule == "WS002"


# A Java function whose jar is not built yet, and an Api event with a property SAM refuses:
# one problem without a line (SAM's) and one with a line (the missing code), same template.
JAR_AND_BAD_EVENT = """Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: target/app-1.0-SNAPSHOT.jar
      Handler: app.Handler::handleRequest
      Runtime: java21
      Events:
        Post:
          Type: Api
          Properties:
            Path: /render
            Method: post
            Cors: "'*'"
"""


def test_problems_with_and_without_a_line_in_one_template_are_all_reported(tmp_path):
    from ws.lint.gate import quick_problems

    root = write_tree(tmp_path, workspace_files(editor=(JAR_AND_BAD_EVENT, {})))
    ws = load_workspace(root)
    found = quick_problems(ws, load_environment(ws, "local"), ["editor"])
    assert [p.line for p in found] == [None, 6]
    assert "Cors" in found[0].message and "does not exist" in found[1].message
    assert str(found[0]).startswith("stacks/editor/template.yaml: invalid SAM template: ")


# SAM resources and Globals, but no Transform line: CloudFormation refuses the types.
NO_TRANSFORM = """Globals:
  Function:
    Runtime: nodejs20.x
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: validator
  Handler:
    Type: 'AWS::Serverless::Function'
    Properties:
      CodeUri: s3://code/app.zip
      Handler: app.handler
"""


def test_sam_resources_without_the_transform_say_which_line_to_add(tmp_path):
    from ws.lint.gate import quick_problems

    root = write_tree(tmp_path, workspace_files(validator=(NO_TRANSFORM, {})))
    ws = load_workspace(root)
    found = quick_problems(ws, load_environment(ws, "local"), ["validator"])
    assert [str(p) for p in found if p.line] == [(
        "stacks/validator/template.yaml:9: Handler is AWS::Serverless::Function, which needs "
        "the SAM transform: add 'Transform: AWS::Serverless-2016-10-31' at the top")]


DUPLICATED = """Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      DelaySeconds: 5
      DelaySeconds: 10
"""


def test_a_duplicate_key_is_a_warning_and_the_template_is_still_checked(tmp_path):
    # CloudFormation takes a duplicated key (the last one wins), as ws's reader does: the
    # template is checked as it is read, and only what CloudFormation refuses is an error
    from ws.lint.cfnlint import lint_one
    path = tmp_path / "template.yaml"
    path.write_text(DUPLICATED)
    found = lint_one(path, "t.yaml", "us-east-1")
    assert {(f.level, f.line) for f in found} == {("warning", 5), ("warning", 6)}
    assert all("the last one wins" in f.message for f in found)
    path.write_text(DUPLICATED + "      Nonsense: 1\n")
    levels = {(f.level, f.rule) for f in lint_one(path, "t.yaml", "us-east-1")}
    assert ("error", "E3002") in levels and ("warning", "WS003") in levels
