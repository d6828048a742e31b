"""`ws deploy --hotswap` / `ws plan --hotswap` refused in a protected environment: exit 2,
before anything connects."""
from __future__ import annotations

from click.testing import CliRunner
from ws.cli.commands import cli
from ws.testing.workspaces import queue_template, workspace_files, write_tree


def test_hotswap_is_refused_in_a_protected_environment(tmp_path):
    files = workspace_files(a=(queue_template(), {}))
    files["environments/prod.yaml"] = {"target": "aws", "region": "us-east-1",
                                       "protected": True, "account_id": "123456789012"}
    root = write_tree(tmp_path, files)
    for args in (["deploy", "--env", "prod", "--hotswap", "--yes"],
                 ["plan", "--env", "prod", "--hotswap"]):
        result = CliRunner().invoke(cli, ["--workspace", str(root), *args])
        assert result.exit_code == 2, result.output
        assert "--hotswap is refused in protected environment prod" in result.output
        assert "Traceback" not in result.output
