"""Turning a stack's folder into what CloudFormation takes: code, builds, SAM."""
