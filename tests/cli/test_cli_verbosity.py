"""-v, --quiet and --debug: what ws calls, less output, and a bug's traceback."""
from __future__ import annotations

import json

from click.testing import CliRunner

from ws.cli import commands as cli
from ws.engine import run as running
from ws.testing.workspaces import queue_template, workspace_files, write_tree


def workspace(tmp_path):
    return write_tree(tmp_path / "w", workspace_files(
        db=(queue_template({"Url": {"Ref": "Queue"}}), {}),
        app=(queue_template(parameters=["Url"]), {"parameters": {"Url": "${db.Url}"}})))


def run(root, *args):
    return CliRunner().invoke(cli.cli, ["--workspace", str(root), *args], catch_exceptions=False)


def test_verbose_logs_every_aws_call_and_quiet_prints_only_the_summary(tmp_path, endpoint):
    root = workspace(tmp_path)
    loud = run(root, "-v", "deploy", "--env", "local")
    assert loud.exit_code == 0, loud.output
    assert "call cloudformation.CreateStack" in loud.output
    assert "call cloudformation.DescribeStacks" in loud.output
    quiet = run(root, "--quiet", "deploy", "--env", "local", "--changed")
    assert quiet.exit_code == 0, quiet.output
    assert " | " not in quiet.output  # no per-stack lines
    assert "unchanged" in quiet.output and "call cloudformation" not in quiet.output


def test_a_bug_keeps_its_traceback_in_the_report_and_with_debug(tmp_path, endpoint, monkeypatch):
    root = workspace(tmp_path)

    def broken(*args, **kwargs):
        return {}["StackStatus"]  # a KeyError inside a stack's work: a bug, not bad input
    monkeypatch.setattr(running, "_deploy_one", broken)
    report_file = tmp_path / "run.json"
    plain = run(root, "deploy", "--env", "local", "--report", str(report_file))
    assert plain.exit_code == 1
    assert "unexpected KeyError: 'StackStatus' (a bug in ws" in plain.output
    assert "Traceback" not in plain.output  # one line without --debug
    db = next(s for s in json.loads(report_file.read_text())["stacks"] if s["stack"] == "db")
    assert db["status"] == "failed" and 'return {}["StackStatus"]' in db["traceback"]
    debug = run(root, "--debug", "deploy", "--env", "local")
    assert debug.exit_code == 1 and "Traceback (most recent call last)" in debug.output


def test_very_verbose_shows_botocore_but_no_secret_it_sends_or_reads(aws, capsys):
    import logging

    from ws.cli.logs import configure_logging

    botocore_log = logging.getLogger("botocore")
    saved = botocore_log.level, list(botocore_log.handlers)
    configure_logging(2, False)
    try:
        ssm = aws("ssm")
        ssm.put_parameter(Name="/app/key", Value="HUNTER2-SECRET", Type="SecureString")
        got = ssm.get_parameter(Name="/app/key", WithDecryption=True)["Parameter"]["Value"]
    finally:
        botocore_log.setLevel(saved[0])
        botocore_log.handlers[:] = saved[1]
    err = capsys.readouterr().err
    assert got == "HUNTER2-SECRET"
    assert "Sending http request" in err and "PutParameter" in err  # botocore's lines are there
    assert "HUNTER2" not in err
