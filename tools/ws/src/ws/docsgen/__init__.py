"""The generated reference: docs/reference/ and schemas/ from the field specs and the CLI."""
