"""CloudFormation and its neighbours: backends, stack operations, live state, locks."""
