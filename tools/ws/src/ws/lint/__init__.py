"""Checking templates before anything is sent: cfn-lint and `ws validate`."""
