"""`python -m ws.local.server`: moto's server with ws's resource providers registered."""
from __future__ import annotations

import argparse
import logging
import os

from moto.server import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import run_simple

from . import motofixes, providers


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--state-dir", help="the workspace state this server belongs to "
                        "(lets ws find it when its record is lost)")
    args = parser.parse_args(argv)
    os.environ.setdefault("MOTO_PORT", str(args.port))  # moto builds some URLs from it
    providers.register()
    motofixes.register()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request is noise
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(args.host, args.port, app, threaded=True, use_reloader=False,
               request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
