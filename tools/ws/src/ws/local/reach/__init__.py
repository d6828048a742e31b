"""AWS-shaped API URLs reachable from local functions: a forward proxy in the endpoint
(`proxy`) that maps `<id>.execute-api.<region>.amazonaws.com` onto the local gateway (HTTPS
terminated with a certificate from a ws-made local CA, `ca`) and passes everything else
through; `environment` is what workers get to use it (HTTPS_PROXY, NO_PROXY, CA bundles).
"""
