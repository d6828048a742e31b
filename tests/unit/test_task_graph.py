"""The task graph of ws run, on literal stack graphs: dependsOn ^t and t, and cycles."""
from __future__ import annotations

import networkx as nx
import pytest
from ws.config.targets import Target
from ws.errors import ConfigError, UsageError
from ws.tasks.graph import build_tasks, check_names


def target(name: str, *depends_on: str) -> Target:
    return Target(name, "true", None, (), (), depends_on, "stacks/x/stack.yaml", 3)


def edges(tasks: nx.DiGraph) -> set[tuple[str, str]]:
    return set(tasks.edges)


DAG = nx.DiGraph([("a", "b"), ("b", "c"), ("a", "d")])  # a -> b -> c, a -> d


def test_caret_takes_the_upstream_stacks_targets_and_brings_them_in():
    stacks = {s: {"build": target("build", "^build")} for s in "abcd"}
    tasks = build_tasks(stacks, DAG, ["c"], ["build"])
    assert set(tasks) == {"a:build", "b:build", "c:build"}
    assert edges(tasks) == {("a:build", "b:build"), ("b:build", "c:build")}


def test_caret_goes_through_a_stack_without_the_target():
    stacks = {"a": {"build": target("build")}, "b": {}, "c": {"build": target("build", "^build")}}
    assert edges(build_tasks(stacks, DAG, ["c"], ["build"])) == {("a:build", "c:build")}


def test_without_dependson_every_selected_stack_runs_on_its_own():
    stacks = {s: {"test": target("test")} for s in "abcd"}
    tasks = build_tasks(stacks, DAG, ["a", "b", "c", "d"], ["test"])
    assert len(tasks) == 4 and not edges(tasks)


def test_a_same_stack_dependency_and_stacks_without_the_target():
    stacks = {"a": {"lint": target("lint"), "test": target("test", "lint")}, "b": {}}
    tasks = build_tasks(stacks, DAG, ["a", "b"], ["test"])
    assert edges(tasks) == {("a:lint", "a:test")}


def test_a_circle_of_targets_is_a_config_error_at_the_file():
    stacks = {"a": {"x": target("x", "y"), "y": target("y", "x")}}
    with pytest.raises(ConfigError, match=r"stacks/x/stack.yaml:3: targets depend on each other"):
        build_tasks(stacks, DAG, ["a"], ["x"])


def test_a_target_no_stack_has_is_a_usage_error():
    with pytest.raises(UsageError, match="no stack has a target 'tset'"):
        check_names({"a": {"test": target("test")}}, ["tset"])
