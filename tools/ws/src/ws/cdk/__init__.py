"""CDK apps as stacks: synthesize an app with its own toolchain, read its cloud assembly, and
publish its file assets to ws's artifact bucket."""
