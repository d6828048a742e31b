"""docs/reference/ and schemas/ are what the code makes now: they cannot drift."""
from __future__ import annotations

from pathlib import Path

from ws.config.fields import Field
from ws.docsgen.__main__ import COMMAND, generated, main, stale
from ws.docsgen.fieldsdoc import rows
from ws.docsgen.specs import FILES

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_reference_is_what_the_code_makes():
    drifted = stale(ROOT)
    assert drifted == [], (f"out of date: {', '.join(drifted)}; regenerate them with "
                           f".venv/bin/{COMMAND} (or PYTHONPATH=tools/ws/src python -m ws.docsgen)")


def test_every_key_is_described():
    bare = [f"{spec.title}: {path}" for spec in FILES for path, field in rows(spec.fields)
            if not field.doc]
    assert bare == [], ("add doc=... to these Field specs (config/workspace.py, stackfile.py, "
                        "envfiles.py, assets.py)")


def test_a_drifted_page_is_found_and_named(tmp_path, capsys):
    for rel, text in generated().items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    assert main(["--check", str(tmp_path)]) == 0
    page = tmp_path / "docs/reference/stack-yaml.md"
    page.write_text(page.read_text().replace("| `mock` |", "| `mocked` |"))
    (tmp_path / "schemas/workspace.schema.json").unlink()
    assert main(["--check", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "docs/reference/stack-yaml.md is out of date: run python -m ws.docsgen" in err
    assert "schemas/workspace.schema.json" in err
    assert main([str(tmp_path)]) == 0 and stale(tmp_path) == []


def test_every_command_and_option_is_in_the_command_reference():
    import click

    from ws.cli import cli
    page = (ROOT / "docs/reference/cli.md").read_text()
    for name, command in cli.commands.items():
        assert f"## `ws {name}`" in page
        for param in command.params:
            if isinstance(param, click.Option) and param.name != "help":
                assert param.opts[-1] in page, f"ws {name} {param.opts[-1]}"


def test_a_new_key_shows_in_the_page_and_schema():
    spec = FILES[1]
    fields = {**spec.fields, "retries": Field(int, default=2, minimum=0, doc="Tries.")}
    from ws.docsgen import fieldsdoc, schemas
    from ws.docsgen.specs import FileSpec
    changed = FileSpec(spec.key, spec.title, spec.where, spec.about, fields)
    assert "| `retries` | integer | `2` | Tries. At least 0. |" in fieldsdoc.page(changed)
    assert '"retries"' in schemas.file_schema(changed)
