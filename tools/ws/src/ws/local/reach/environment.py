"""What a local function's environment needs to reach AWS-shaped API URLs: the proxy for
HTTP and HTTPS (the endpoint itself and localhost excluded) and the CA bundle that trusts
the proxy's certificates, under every name the usual clients read.

`install()` is called once by the endpoint's server; the Lambda runtime adds `variables()`
to each worker's environment (empty when no proxy runs, e.g. in tests of the runtime alone).
"""
from __future__ import annotations

from pathlib import Path

from ws.local.reach import proxy

_installed: dict[str, str] = {}  # set once by install(), read by every worker start


def for_proxy(proxy_url: str, ca_file: Path, bundle_file: Path) -> dict[str, str]:
    """The variables for a proxy at `proxy_url` whose CA is `ca_file`."""
    no_proxy = "127.0.0.1,localhost,::1"
    return {
        "HTTP_PROXY": proxy_url, "HTTPS_PROXY": proxy_url, "NO_PROXY": no_proxy,
        "http_proxy": proxy_url, "https_proxy": proxy_url, "no_proxy": no_proxy,
        "SSL_CERT_FILE": str(bundle_file), "REQUESTS_CA_BUNDLE": str(bundle_file),
        "AWS_CA_BUNDLE": str(bundle_file), "NODE_EXTRA_CA_CERTS": str(ca_file),
        "NODE_USE_ENV_PROXY": "1",
    }


def install(endpoint: str, folder: Path) -> proxy.Proxy:
    """Start the proxy for `endpoint` (CA files in `folder`); workers started from now on
    get its variables."""
    running = proxy.start(endpoint, folder)
    _installed.clear()
    _installed.update(for_proxy(running.url, running.ca.cert_file, running.ca.bundle_file))
    return running


def variables() -> dict[str, str]:
    """The proxy variables for a worker (none before install())."""
    return dict(_installed)
