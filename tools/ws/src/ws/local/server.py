"""`python -m ws.local.server`: moto's server with ws's resource providers registered, and
deployed REST APIs (ws.local.apigw) and CloudFront distributions (ws.local.cdn) served in
front of it."""
from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

from moto.server import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import run_simple

from . import (backgroundexecution, functionfixes, motofixes, nestedstacks, providers,
               sdktaskerrors, syncexecution, taskmembernames)
from .apigw.middleware import ApiGatewayMiddleware
from .apigw.services import MotoServices
from .appsync.server import AppSyncMiddleware
from .cdn.middleware import CdnMiddleware
from .lambdas import hooks
from .reach import environment as reach
from .resourcetypes import ResourceTypesRoute
from .unknownservices import Refusals, UnknownServices


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--state-dir", help="the workspace state this server belongs to "
                        "(lets ws find it when its record is lost)")
    parser.add_argument("--schedules", action="store_true",
                        help="fire scheduled rules (rate expressions) on their rate")
    args = parser.parse_args(argv)
    os.environ.setdefault("MOTO_PORT", str(args.port))  # moto builds some URLs from it
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request is noise
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    state = Path(args.state_dir) / "local" if args.state_dir else Path(tempfile.mkdtemp())
    settings = hooks.RuntimeSettings(
        state, f"http://127.0.0.1:{args.port}", schedules=args.schedules,
        sqs_retry_seconds=hooks.retry_seconds_from_env())
    app = build_app(settings.refusals)
    running = hooks.install(settings)
    proxy = reach.install(settings.endpoint, state / "ca")  # AWS API URLs from functions
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # so that the finally below runs
    print(started_line(args.port, settings), flush=True)
    try:
        run_simple(args.host, args.port, app, threaded=True, use_reloader=False,
                   request_handler=MotoRequestHandler)
    finally:
        running.close()  # no worker outlives the server
        proxy.shutdown()


def started_line(port: int, settings: hooks.RuntimeSettings) -> str:
    """The log's first line for this server: where it listens and how it runs functions."""
    retry = (f"{settings.sqs_retry_seconds} s" if settings.sqs_retry_seconds is not None
             else "the queue's visibility timeout")
    return (f"{time.strftime('%Y-%m-%d %H:%M:%S')} ws local endpoint on http://127.0.0.1:{port}"
            f" (pid {os.getpid()}); functions under {settings.state_dir / 'functions'}; SQS retries after"
            f" {retry}; schedules {'fired on their rate' if settings.schedules else 'on demand'}")


def build_app(refusals: Refusals | None = None) -> ResourceTypesRoute:
    """The endpoint's WSGI app: ws's providers registered; the resource types it creates
    (ws.local.resourcetypes), the CDN, the API gateway and AppSync's GraphQL
    APIs before moto; a service moto lacks
    answered with an error naming it (ws.local.unknownservices), counted in `refusals`."""
    providers.register()
    motofixes.register()
    nestedstacks.register()
    functionfixes.register()
    syncexecution.register()
    backgroundexecution.register()
    taskmembernames.register()
    sdktaskerrors.register()
    moto = UnknownServices(DomainDispatcherApplication(create_backend_app), refusals)
    gateway = AppSyncMiddleware(ApiGatewayMiddleware(moto), MotoServices(moto))
    return ResourceTypesRoute(CdnMiddleware(gateway), providers.supported_types)


if __name__ == "__main__":
    main()
