"""A deployed API is reachable at its AWS URL from local functions: the endpoint's forward
proxy maps https://<id>.execute-api.<region>.amazonaws.com/<stage>/... (CONNECT, TLS with the
local CA's certificate) and plain HTTP onto the gateway, and passes other hosts through."""
from __future__ import annotations

import http.client
import http.server
import json
import ssl
import threading
import textwrap
import urllib.request

import pytest
from lambda_helpers import Functions

from ws.local.reach import ca, environment, proxy


def _mock_api(aws) -> str:
    """A REST API with GET /mock (MOCK) deployed to stage v1; its id."""
    apigw = aws("apigateway")
    api = apigw.create_rest_api(name="reach")["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    mock = apigw.create_resource(restApiId=api, parentId=root, pathPart="mock")["id"]
    apigw.put_method(restApiId=api, resourceId=mock, httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(restApiId=api, resourceId=mock, httpMethod="GET", type="MOCK",
                          requestTemplates={"application/json": '{"statusCode": 200}'})
    apigw.put_integration_response(restApiId=api, resourceId=mock, httpMethod="GET",
                                   statusCode="200", responseTemplates={
                                       "application/json": '{"mocked": true}'})
    apigw.create_deployment(restApiId=api, stageName="v1")
    return api


@pytest.fixture
def running(endpoint, tmp_path):
    server = proxy.start(endpoint, tmp_path / "ca")
    yield server
    server.shutdown()
    server.server_close()


def _opener(server: proxy.Proxy) -> urllib.request.OpenerDirector:
    context = ssl.create_default_context(cafile=str(server.ca.bundle_file))
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({"http": server.url, "https": server.url}),
        urllib.request.HTTPSHandler(context=context))


def test_https_and_http_api_urls_reach_the_local_gateway(running, aws):
    api = _mock_api(aws)
    opener = _opener(running)
    for scheme in ("https", "http"):
        url = f"{scheme}://{api}.execute-api.us-east-1.amazonaws.com/v1/mock"
        with opener.open(url, timeout=10) as answer:
            assert (answer.status, json.loads(answer.read())) == (200, {"mocked": True})


def test_the_certificate_is_the_local_cas_and_other_hosts_pass_through(running, endpoint):
    context = ssl.create_default_context()  # the system's roots only: the CA is not in it
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({"https": running.url}),
        urllib.request.HTTPSHandler(context=context))
    with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):
        opener.open("https://abc.execute-api.us-east-1.amazonaws.com/v1/x", timeout=10)
    plain = urllib.request.build_opener(urllib.request.ProxyHandler({"http": running.url}))
    with plain.open(f"{endpoint}/_ws/resource-types", timeout=10) as answer:
        assert "types" in json.loads(answer.read())  # an ordinary host, forwarded as is


def test_chunked_request_bodies_are_forwarded_whole(running):
    class Echo(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    backend = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", running.server_address[1])
        connection.request("POST", f"http://127.0.0.1:{backend.server_address[1]}/echo",
                           body=iter([b"part one, ", b"part two"]), encode_chunked=True)
        assert connection.getresponse().read() == b"part one, part two"
    finally:
        backend.shutdown()
        backend.server_close()


def test_the_ca_persists_and_its_bundle_keeps_the_system_roots(tmp_path):
    first = ca.ensure(tmp_path)
    pem = first.cert_file.read_bytes()
    assert ca.ensure(tmp_path).cert_file.read_bytes() == pem
    bundle = first.bundle_file.read_bytes()
    assert bundle.endswith(pem) and bundle.count(b"BEGIN CERTIFICATE") > 1
    assert (tmp_path / "ca.key").stat().st_mode & 0o077 == 0


CALLER = textwrap.dedent("""
    import http.client, json, os, ssl, urllib.parse

    def handler(event, context):
        # What requests/botocore do with HTTPS_PROXY: CONNECT, then TLS to the API's host.
        proxy = urllib.parse.urlsplit(os.environ["HTTPS_PROXY"])
        tls = ssl.create_default_context()  # trusts SSL_CERT_FILE
        connection = http.client.HTTPSConnection(proxy.hostname, proxy.port, context=tls,
                                                 timeout=10)
        connection.set_tunnel(event["host"])
        connection.request("GET", event["path"])
        answer = connection.getresponse()
        return {"status": answer.status, "body": json.loads(answer.read())}
""")


def test_a_function_reaches_an_api_by_its_aws_url(aws):
    api = _mock_api(aws)
    functions = Functions(aws)
    functions.create("caller", {"app.py": CALLER})
    result, error = functions.invoke("caller", {
        "host": f"{api}.execute-api.us-east-1.amazonaws.com", "path": "/v1/mock"})
    assert error is None, result
    assert result == {"status": 200, "body": {"mocked": True}}


def test_worker_variables_name_the_proxy_and_the_bundle(tmp_path):
    variables = environment.for_proxy("http://127.0.0.1:1", tmp_path / "ca.pem",
                                      tmp_path / "bundle.pem")
    assert variables["HTTPS_PROXY"] == variables["http_proxy"] == "http://127.0.0.1:1"
    assert "127.0.0.1" in variables["NO_PROXY"] and "localhost" in variables["no_proxy"]
    assert variables["REQUESTS_CA_BUNDLE"] == variables["SSL_CERT_FILE"] == str(
        tmp_path / "bundle.pem")
    assert variables["NODE_EXTRA_CA_CERTS"] == str(tmp_path / "ca.pem")
