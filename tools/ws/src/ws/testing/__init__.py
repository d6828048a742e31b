"""Helpers for tests and benchmarks: workspaces from dicts, an in-process fake cloud."""
