"""Builds of code folders per runtime and architecture: Python wheels, npm, esbuild, make, sam."""
