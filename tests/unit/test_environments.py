"""Environment files: naming, owners, per-developer guards, shared stacks, secrets, mocks."""
from __future__ import annotations

import pytest
from ws.config.environment import load_environment
from ws.config.naming import OWNER_MAX, STACK_NAME, sanitise_owner
from ws.config.workspace import load_workspace
from ws.errors import ConfigError, UsageError
from ws.graph.stackgraph import build_graph
from ws.testing.workspaces import queue_template, workspace_files, write_tree

DEV = {"target": "local", "per_developer": True, "mocks": True}
PROD = {"target": "local", "protected": True, "account_id": "333333333333"}


def make(tmp_path, envs: dict, **stacks):
    stacks = stacks or {"db": (queue_template({"Name": {"Ref": "Queue"}}), {}),
                        "app": (queue_template(parameters=["Db"]),
                                {"parameters": {"Db": "${db.Name}"}})}
    files = workspace_files(**stacks)
    del files["environments/local.yaml"]
    files.update({f"environments/{name}.yaml": spec for name, spec in envs.items()})
    write_tree(tmp_path, files)
    return load_workspace(tmp_path)


@pytest.mark.parametrize("raw, expected", [
    ("jdoe", "jdoe"),
    ("Jane Doe", "jane-doe"),
    ("  Jürgen Müller ", "jurgen-muller"),
    ("o'brien.dev@corp", "o-brien-dev-corp"),
    ("ÆSIR", "sir"),  # NFKD has no ASCII form of Æ; what is left must still be usable
])
def test_owner_is_sanitised_to_what_stack_names_allow(raw, expected):
    assert sanitise_owner(raw) == expected


def test_long_owner_is_cut_with_a_hash_so_two_long_names_stay_apart():
    first, second = sanitise_owner("a" * 200), sanitise_owner("a" * 199 + "b")
    assert len(first) <= OWNER_MAX and len(second) <= OWNER_MAX
    assert first != second and first.startswith("aaaaaaaaaaaa")
    assert STACK_NAME.match(f"store-dev-{first}-orders")


@pytest.mark.parametrize("raw", ["", "   ", "张伟", "!!!", "7of9"])
def test_unusable_owner_is_a_clear_error(raw):
    with pytest.raises(UsageError) as info:
        sanitise_owner(raw)
    assert "--owner" in info.value.hint


def test_per_developer_names_carry_the_owner_and_tags_and_prefix_follow(tmp_path):
    ws = make(tmp_path, {"dev": DEV})
    env = load_environment(ws, "dev", owner="Jane Doe")
    assert env.owner == "jane-doe"
    assert env.stack_name("app") == "demo-dev-jane-doe-app"
    assert env.prefix == "demo-dev-jane-doe"


def test_default_owner_comes_from_git_or_the_os(tmp_path, monkeypatch):
    monkeypatch.setattr("ws.config.environment.default_owner", lambda root: "Ann Lee")
    env = load_environment(make(tmp_path, {"dev": DEV}), "dev")
    assert env.stack_name("db") == "demo-dev-ann-lee-db"
    monkeypatch.setattr("ws.config.environment.default_owner", lambda root: None)
    with pytest.raises(UsageError, match="cannot tell who you are"):
        load_environment(make(tmp_path, {"dev": DEV}), "dev")


def test_owner_does_not_apply_to_a_shared_environment(tmp_path):
    with pytest.raises(UsageError, match="not per-developer"):
        load_environment(make(tmp_path, {"prod": PROD}), "prod", owner="jdoe")


@pytest.mark.parametrize("naming, per_dev, message", [
    ("{workspace}-{env}", False, "{stack} once"),
    ("{workspace}-{stack}-{env}", False, "first or last part"),
    ("{workspace}-{oops}-{stack}", False, "known placeholders"),
    ("{workspace}-{env}-{stack}", True, "has no {owner}"),
    ("{owner}-{stack}", False, "not per-developer"),
    ("{workspace}-{env", False, "not a valid template"),
])
def test_bad_naming_templates_name_file_and_line(tmp_path, naming, per_dev, message):
    ws = make(tmp_path, {"dev": {"target": "local", "naming": naming, "per_developer": per_dev}})
    with pytest.raises(ConfigError) as info:
        load_environment(ws, "dev", owner="jdoe" if per_dev else None)
    assert str(info.value).startswith("environments/dev.yaml:2: naming")
    assert message in str(info.value)


def test_stack_names_over_128_characters_are_refused(tmp_path):
    ws = make(tmp_path, {"dev": {"target": "local", "naming": "x" * 125 + "-{stack}"}})
    with pytest.raises(ConfigError, match="is not valid in CloudFormation"):
        load_environment(ws, "dev")


def test_owner_that_collides_with_production_names_is_refused(tmp_path):
    ws = make(tmp_path, {"dev": {**DEV, "naming": "{owner}-{stack}"},
                         "prod": {**PROD, "naming": "{env}-{stack}"}})
    assert load_environment(ws, "dev", owner="jdoe").stack_name("db") == "jdoe-db"
    with pytest.raises(UsageError) as info:
        load_environment(ws, "dev", owner="Prod")
    assert "stack name prod-app" in str(info.value) and "environment prod" in str(info.value)


def test_per_developer_environment_cannot_use_the_production_account(tmp_path):
    ws = make(tmp_path, {"dev": {**DEV, "account_id": "333333333333"}, "prod": PROD})
    with pytest.raises(ConfigError, match="dev.yaml:.*account 333333333333.*protected"):
        load_environment(ws, "dev", owner="jdoe")
    ws = make(tmp_path, {"dev": {**DEV, "account_id": "111111111111"}, "prod": PROD})
    assert load_environment(ws, "dev", owner="jdoe").forbidden_accounts == {"333333333333"}


def test_account_id_must_be_twelve_digits(tmp_path):
    ws = make(tmp_path, {"prod": {**PROD, "account_id": "12345"}})
    with pytest.raises(ConfigError, match="prod.yaml:3: account_id '12345'"):
        load_environment(ws, "prod")


def test_shared_stack_leaves_the_graph_and_is_read_from_the_other_environment(tmp_path):
    ws = make(tmp_path, {"dev": {**DEV, "shared": {"db": "team"}}, "team": {"target": "local"}})
    env = load_environment(ws, "dev", owner="jdoe")
    graph = build_graph(ws, env)
    assert list(graph.dag) == ["app"] and graph.upstream("app") == []
    assert env.shared["db"].stack_name == "demo-team-db"
    assert graph.left_out() == {"db": "shared: uses demo-team-db from environment team"}


@pytest.mark.parametrize("shared, envs, message", [
    ({"nope": "team"}, {"team": {"target": "local"}}, "unknown stack 'nope'"),
    ({"db": "missing"}, {}, "unknown environment 'missing'"),
    ({"db": "dev"}, {}, "cannot be shared from environment 'dev'"),
    ({"db": "team"}, {"team": {"target": "aws"}}, "another target or region"),
])
def test_bad_shared_settings_are_clear_errors(tmp_path, shared, envs, message):
    ws = make(tmp_path, {"dev": {**DEV, "shared": shared}, **envs})
    with pytest.raises(ConfigError, match=message):
        load_environment(ws, "dev", owner="jdoe")


def test_importing_an_export_of_a_shared_stack_is_refused(tmp_path):
    exporter = queue_template({"Arn": {"Value": "x", "Export": {"Name": "the-export"}}})
    importer = queue_template(resources={"Q": {"Type": "AWS::SQS::Queue", "Properties": {
        "QueueName": {"Fn::ImportValue": "the-export"}}}})
    ws = make(tmp_path, {"dev": {**DEV, "shared": {"db": "team"}}, "team": {"target": "local"}},
              db=(exporter, {}), app=(importer, {}))
    with pytest.raises(ConfigError, match="app imports an export of db, which .* shares"):
        build_graph(ws, load_environment(ws, "dev", owner="jdoe"))


SECRET_PARAM = {"Parameters": {"Key": {"Type": "String", "NoEcho": True}},
                "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}}


@pytest.mark.parametrize("value, message", [
    ("hunter2", "is NoEcho .* must not be written in the repository"),
    ("${ssm:}", "malformed"),
    ("x${ssm:/a}", "malformed reference"),
])
def test_no_echo_parameters_take_secret_references_only(tmp_path, value, message):
    import json
    app = (json.dumps(SECRET_PARAM), {"parameters": {"Key": value}})
    with pytest.raises(ConfigError, match=message):
        make(tmp_path, {"local": {"target": "local"}}, app=app)


def test_secret_reference_to_a_plain_parameter_is_refused(tmp_path):
    app = (queue_template(parameters=["Key"]), {"parameters": {"Key": "${ssm:/a/b}"}})
    with pytest.raises(ConfigError, match="does not declare it NoEcho"):
        make(tmp_path, {"local": {"target": "local"}}, app=app)


def test_secret_name_may_use_builtins_and_outputs(tmp_path):
    import json
    db = (queue_template({"KeyName": {"Ref": "Queue"}}), {"mock": True})
    app = (json.dumps(SECRET_PARAM), {"parameters": {"Key": "${ssm:${db.KeyName}}"}})
    ws = make(tmp_path, {"local": {"target": "local", "mocks": True},
                         "prod": {"target": "local", "mocks": False}}, db=db, app=app)
    graph = build_graph(ws, load_environment(ws, "local"))
    assert graph.upstream("app") == ["db"] and graph.params["app"]["Key"] == "${ssm:${db.KeyName}}"
    with pytest.raises(ConfigError) as info:  # with mocks off, the mock's value must come from the env
        build_graph(ws, load_environment(ws, "prod"))
    assert "app: parameter Key (was ${db.KeyName} from mock stack db)" in str(info.value)


def test_env_list_groups_stacks_by_environment_and_owner():
    from datetime import datetime, timezone

    from ws.cloud.environments import summarise

    def stack(env, owner, status, day, workspace="demo"):
        tags = {"ws:workspace": workspace, "ws:env": env, **({"ws:owner": owner} if owner else {})}
        return {"StackStatus": status, "Tags": [{"Key": k, "Value": v} for k, v in tags.items()],
                "CreationTime": datetime(2026, 1, day, tzinfo=timezone.utc)}
    stacks = [stack("dev", "ann", "CREATE_COMPLETE", 1), stack("dev", "ann", "ROLLBACK_COMPLETE", 3),
              stack("dev", "bob", "UPDATE_COMPLETE", 2), stack("prod", None, "CREATE_COMPLETE", 4),
              stack("prod", None, "CREATE_COMPLETE", 5, workspace="other"),
              {"StackStatus": "CREATE_COMPLETE", "Tags": [], "CreationTime": datetime(2026, 1, 9)}]
    found = summarise("demo", "here", stacks)
    assert [(e.env, e.owner, e.stacks, e.not_ok, e.last_deploy[:10]) for e in found] == [
        ("dev", "ann", 2, 1, "2026-01-03"), ("dev", "bob", 1, 0, "2026-01-02"),
        ("prod", None, 1, 0, "2026-01-04")]


def test_store_prod_graph_cannot_depend_on_a_mock():
    """By construction: with mocks off, no mock is a node, and no edge or value leads to one."""
    from pathlib import Path
    ws = load_workspace(Path(__file__).resolve().parents[2])
    mocks = {name for name, stack in ws.stacks.items() if stack.mock}
    assert mocks == {"payments-mock"}
    for env_name in ("staging", "prod"):
        env = load_environment(ws, env_name)
        graph = build_graph(ws, env)
        assert not mocks & set(graph.dag) and set(graph.left_out()) == mocks
        assert all("mock" not in value for params in graph.params.values()
                   for value in params.values())
        assert graph.params["orders"]["PaymentKeyParameterName"] == \
            f"/store/{env_name}/payments-api-key"  # the key's name; read at run time


def test_developer_credentials_for_the_production_account_are_refused(tmp_path, monkeypatch):
    from ws.cloud import backend
    from ws.errors import WsError
    ws = make(tmp_path, {"dev": {**DEV, "target": "aws"}, "prod": {**PROD, "target": "aws"}})
    env = load_environment(ws, "dev", owner="jdoe")
    monkeypatch.setattr(backend, "aws_session",
                        lambda profile, region: backend.new_session(region, key=("x", "x")))
    monkeypatch.setattr(backend, "_caller_account", lambda session, env: "333333333333")
    with pytest.raises(WsError, match="per-developer environment, but the credentials are for "
                                      "account 333333333333"):
        backend.connect(ws, env)
    monkeypatch.setattr(backend, "_caller_account", lambda session, env: "111111111111")
    assert backend.connect(ws, env).account_id == "111111111111"


def test_validate_warns_about_secret_looking_parameters_that_are_not_no_echo(tmp_path):
    import json

    from ws.lint.validate import secret_warnings
    template = json.dumps({"Parameters": {"DbPassword": {"Type": "String", "Default": "x"},
                                          "ApiKey": {"Type": "String", "NoEcho": True,
                                                     "Default": "${ssm:/x}"},
                                          "TableName": {"Type": "String", "Default": "t"}},
                           "Resources": {"Q": {"Type": "AWS::SQS::Queue"}}})
    ws = make(tmp_path, {"local": {"target": "local"}}, app=(template, {}))
    found = secret_warnings(ws)
    assert [(f.level, f.rule) for f in found] == [("warning", "WS001")]
    assert "DbPassword looks like a secret" in found[0].message
    assert str(found[0]).startswith("stacks/app/template.yaml:")


def _three(tmp_path, stacks_field):
    return make(tmp_path, {"local": {"target": "local", "stacks": stacks_field}},
                db=(queue_template({"Name": {"Ref": "Queue"}}), {}),
                app=(queue_template(parameters=["Db"]), {"parameters": {"Db": "${db.Name}"}}),
                extra=(queue_template(), {}))


@pytest.mark.parametrize("field", [{"exclude": ["extra"]}, {"only": ["db", "app"]}])
def test_environment_leaves_stacks_out_and_says_why(tmp_path, field):
    ws = _three(tmp_path, field)
    graph = build_graph(ws, load_environment(ws, "local"))
    assert graph.order() == ["db", "app"]
    assert graph.left_out() == {"extra": "left out by environments/local.yaml"}


def test_leaving_out_a_stack_another_needs_names_both(tmp_path):
    ws = _three(tmp_path, {"exclude": ["db"]})
    with pytest.raises(ConfigError) as info:
        build_graph(ws, load_environment(ws, "local"))
    assert "app needs db (parameter Db uses ${db.Name})" in str(info.value)
    assert "environments/local.yaml leaves out" in str(info.value)


@pytest.mark.parametrize("field, message, line", [
    ({"exclude": ["appsync-svc"]}, "'stacks: exclude:' names unknown stack 'appsync-svc'", 3),
    ({"only": ["db"], "exclude": ["app"]}, "'only' or 'exclude', not both", 5),
    ({"skip": ["db"]}, "unknown key 'skip' in 'stacks'", 3),
    ({"exclude": "db"}, "'exclude' must be a list", 3),
])
def test_bad_stack_selection_names_file_and_line(tmp_path, field, message, line):
    ws = _three(tmp_path, field)
    with pytest.raises(ConfigError) as info:
        load_environment(ws, "local")
    assert message in info.value.message and info.value.path == "environments/local.yaml"
    assert info.value.line == line


def test_stacks_left_behind_by_a_change_of_naming_are_orphans(tmp_path):
    from ws.engine.plan import orphans
    ws = make(tmp_path, {"local": {"target": "local", "naming": "{env}-{stack}"}})
    env = load_environment(ws, "local")

    def live(name, stack):
        return {"StackName": name, "Tags": [{"Key": "ws:workspace", "Value": "demo"},
                                            {"Key": "ws:env", "Value": "local"},
                                            {"Key": "ws:stack", "Value": stack}]}
    stacks = {"local-db": live("local-db", "db"), "demo-local-db": live("demo-local-db", "db"),
              "demo-local-gone": live("demo-local-gone", "gone")}
    found = {i.stack_name: (i.stack, i.reason) for i in orphans(ws, env, stacks)}
    assert found == {
        "demo-local-db": ("db", "deployed under an earlier naming (now local-db): "
                                "ws deploy --prune deletes it"),
        "demo-local-gone": ("gone", "no longer in the workspace (ws deploy --prune deletes it)")}


AS_SHIPPED = {"target": "aws", "region": "us-east-1",
              "profile": "store-dev", "account_id": "111111111111"}


def test_a_profile_nobody_configured_names_the_file_and_field_to_fill_in(tmp_path, monkeypatch):
    from ws.cloud import backend as backends
    (tmp_path / "aws-config").write_text("[profile mine]\naws_access_key_id = x\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    for name in ("AWS_PROFILE", "CI"):
        monkeypatch.delenv(name, raising=False)
    ws = make(tmp_path / "w", {"dev": AS_SHIPPED})
    with pytest.raises(ConfigError) as info:
        backends.connect(ws, load_environment(ws, "dev"))
    assert info.value.exit_code == 2
    assert str(info.value).startswith(
        "environments/dev.yaml:3: AWS profile 'store-dev' is not configured on this machine")
    assert "fill in 'profile' and 'account_id' (111111111111, an example) in " \
           "environments/dev.yaml" in info.value.hint and "profiles here: mine" in info.value.hint


def test_an_example_account_id_is_named_once_the_credentials_work(tmp_path):
    from ws.cloud.profiles import check_account, looks_like_placeholder
    assert looks_like_placeholder("111111111111") and looks_like_placeholder("123456789012")
    assert not looks_like_placeholder("444455556666") and not looks_like_placeholder(None)
    ws = make(tmp_path, {"dev": AS_SHIPPED})
    with pytest.raises(ConfigError, match=r"dev.yaml:4: 'account_id' is 111111111111, an ex"):
        check_account(ws.root, load_environment(ws, "dev"), "444455556666")
