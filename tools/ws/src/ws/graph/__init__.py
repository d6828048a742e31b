"""The dependency graph of an environment's stacks, and which stacks a command selects."""
