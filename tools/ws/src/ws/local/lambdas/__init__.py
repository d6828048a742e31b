"""Lambda functions that run on the local endpoint: Python and Node.js handlers in worker
processes, each contained (shepherd.py).

The server process (``python -m ws.local.server``) replaces moto's Docker-based invocation
with :mod:`ws.local.lambdas.runtime`, feeds SQS event source mappings from pollers
(:mod:`ws.local.lambdas.sqspoller`), fires scheduled rules on demand or on their rate
(:mod:`ws.local.lambdas.schedules`) and answers Lambda-backed custom resources synchronously
(:mod:`ws.local.lambdas.customresource`). :func:`ws.local.lambdas.hooks.install` wires it all.
"""
