"""ws run: every stack's targets over the stack graph, cached by the hash of their inputs."""
