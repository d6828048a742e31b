"""Stack assets, the pure parts: the file set, hashes, content types, cache headers, what a sync
uploads and deletes, invalidation paths; the declaration in the graph and the fingerprint."""
from __future__ import annotations

import json

import pytest
from ws.config.environment import load_environment
from ws.config.workspace import load_workspace
from ws.engine.assets import unpublished, values_part
from ws.engine.fingerprint import static_parts
from ws.engine.inputs import consumed
from ws.graph.stackgraph import build_graph
from ws.package import assets as files
from ws.testing.workspaces import queue_template, workspace_files, write_tree

SITE = {"source": "site", "bucket": "${self.QueueUrl}", "invalidate": "${self.QueueUrl}",
        "config": {"apiUrl": "${api.QueueUrl}", "region": "${ws.region}",
                   "cognito": "${ws.cognito_endpoint}"}}


@pytest.mark.parametrize("name, kind", [
    ("app.js", "text/javascript; charset=utf-8"), ("lib/x.mjs", "text/javascript; charset=utf-8"),
    ("styles.css", "text/css; charset=utf-8"), ("index.html", "text/html; charset=utf-8"),
    ("config.json", "application/json; charset=utf-8"), ("logo.svg", "image/svg+xml; charset=utf-8"),
    ("a.png", "image/png"), ("f.woff2", "font/woff2"), ("blob.bin", "application/octet-stream"),
])
def test_content_types(name, kind):
    assert files.content_type(name) == kind


@pytest.mark.parametrize("name, cache", [
    ("app.3f2a9c1b.js", files.IMMUTABLE), ("img/logo-5d41402abc4b2a76.png", files.IMMUTABLE),
    ("index.html", "no-cache"), ("app.js", "no-cache"), ("v1.2.js", "no-cache"),
    ("config.json", "no-cache"),
])
def test_cache_control_is_long_only_for_hashed_names(name, cache):
    assert files.cache_control(name) == cache


def test_site_files_skip_hidden_and_carry_the_prefix(tmp_path):
    write_tree(tmp_path, {"index.html": "<p>hi</p>", "js/app.js": "x", ".env": "SECRET=1",
                          ".git/config": "x"})
    found = files.site_files(tmp_path, "shop/")
    assert [a.key for a in found] == ["shop/index.html", "shop/js/app.js"]
    assert found[1].content_type.startswith("text/javascript")


def test_config_file_wins_and_keeps_declaration_order():
    config = files.config_asset("config.json", {"b": "2", "a": "1"})
    wanted = files.desired([files.Asset("config.json", b"{}", "application/json", "x")], config)
    assert list(json.loads(wanted["config.json"].data)) == ["b", "a"]
    assert wanted["config.json"].cache_control == "no-cache"


def test_digest_covers_content_and_headers():
    base = files.Asset("a.js", b"x", "text/javascript", "no-cache")
    others = [files.Asset("a.js", b"y", "text/javascript", "no-cache"),
              files.Asset("a.js", b"x", "text/plain", "no-cache"),
              files.Asset("a.js", b"x", "text/javascript", files.IMMUTABLE)]
    assert len({base.digest, *(o.digest for o in others)}) == 4


def _wanted(**content: bytes) -> dict[str, files.Asset]:
    return {k: files.Asset(k, v, files.content_type(k), "no-cache") for k, v in content.items()}


def test_sync_uploads_only_what_changed_and_deletes_what_ws_published():
    before = _wanted(**{"index.html": b"1", "app.js": b"1", "old.js": b"1"})
    published = json.loads(files.index_data(before))
    now = _wanted(**{"index.html": b"1", "app.js": b"2", "new.css": b"1"})
    present = {"index.html", "app.js", "old.js", "foreign.txt", files.OLD_INDEX_KEY}
    plan = files.plan_sync(now, published, present, files.OLD_INDEX_KEY)
    assert [a.key for a in plan.upload] == ["app.js", "new.css"]
    assert plan.delete == ("old.js",)  # foreign.txt was never ws's: left alone
    assert plan.unchanged == 1
    assert plan.changed_keys() == ["app.js", "new.css", "old.js"]


def test_sync_uploads_again_what_vanished_from_the_bucket():
    wanted = _wanted(**{"index.html": b"1"})
    published = json.loads(files.index_data(wanted))
    plan = files.plan_sync(wanted, published, set(), files.OLD_INDEX_KEY)
    assert [a.key for a in plan.upload] == ["index.html"] and plan.delete == ()


def test_unreadable_index_counts_as_nothing_published():
    assert files.read_index(b"not json") == {} and files.read_index(b"[1]") == {}


def test_invalidation_paths():
    assert files.invalidation_paths(["shop/index.html", "shop/app.js"], "shop/") == [
        "/shop/", "/shop/app.js", "/shop/index.html"]
    assert files.invalidation_paths([f"f{i}.js" for i in range(20)], "") == ["/*"]


@pytest.fixture
def root(tmp_path):
    tree = workspace_files(api=(queue_template({"QueueUrl": {"Ref": "Queue"}}), {}),
                           ui=(queue_template({"QueueUrl": {"Ref": "Queue"}}),
                               {"assets": [SITE]}))
    tree["stacks/ui/site/index.html"] = "<p>v1</p>\n"
    return write_tree(tmp_path / "ws", tree)


def _loaded(root):
    ws = load_workspace(root)
    return ws, load_environment(ws, "local")


def test_asset_references_are_graph_edges_and_consumed(root):
    ws, env = _loaded(root)
    graph = build_graph(ws, env)
    assert graph.upstream("ui") == ["api"]
    assert graph.dag.edges["api", "ui"]["reasons"] == ["assets use api's outputs"]
    assert consumed(graph, "ui") == {"api"}


def test_a_site_edit_changes_the_fingerprint_and_says_so(root):
    ws, env = _loaded(root)
    before = static_parts(ws, env, "ui")
    assert "assets" not in static_parts(ws, env, "api")  # no part for stacks without assets
    (root / "stacks/ui/site/index.html").write_text("<p>v2</p>\n")
    after = static_parts(*_loaded(root), "ui")
    assert {k for k in after if after[k] != before[k]} == {"assets"}


def test_an_upstream_value_changes_the_values_part_but_own_outputs_do_not(root):
    ws, env = _loaded(root)
    one = values_part(ws, env, "ui", {"api": {"QueueUrl": "https://a"}})
    two = values_part(ws, env, "ui", {"api": {"QueueUrl": "https://b"}})
    assert one != two and set(one) == {"asset_values"}
    assert values_part(ws, env, "api", {}) == {}


def test_unpublished_matches_no_fingerprint(root):
    from ws.engine.fingerprint import fingerprint
    ws, env = _loaded(root)
    found = fingerprint(static_parts(ws, env, "ui"), {}, {})
    assert unpublished(found).value != found.value
    assert "assets changed" in unpublished(found).reasons(
        json.loads(found.record("c", "v")), {}, {})
