"""Reading the workspace: workspace.yaml, stacks, environments, naming, references."""
