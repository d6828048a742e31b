"""A local API Gateway data plane: deployed REST, HTTP and WebSocket APIs answer under
/_ws/api/{api}/{stage}/ (an HTTP API's $default stage also under /_ws/api/{api}/: `stagepath`
tells a stage from a path's first segment by the API's own stages).

REST APIs, in the order a request meets the pieces: `middleware` (WSGI, in front of moto's
app), `gateway`, `routing` (API, stage, resource and method from moto's apigateway backend),
`restauth` (`iamauth`: AWS_IAM with SigV4, found by `sigv4parts`; `cognito`:
COGNITO_USER_POOLS; `lambdaauth`: Lambda authorizers, with `policies`), `integrations`
(AWS_PROXY through `lambdas`, HTTP, HTTP_PROXY, MOCK, and AWS in `awsintegration`, whose
service calls `services` sends to moto),
`templating`/`vtl`/`vtlvalues`/`jsonpath` (mapping templates), `mapping` (request parameters
and integration responses), `proxyevent` (the Lambda proxy formats) and `replies` (the
gateway's own answers: 401, 403, 404, 502...).

HTTP APIs (moto's apigatewayv2 backend): `httpapi` serves them with `httproutes` (stages and
routes), `httpcors`, `httpauth` (JWT, AWS_IAM; `httplambda`: Lambda authorizers),
`httpevent` (payloads 2.0 and 1.0) and `httpservices` (integration subtypes).

WebSocket APIs (also in apigatewayv2): the `websocket` package (connections, routes,
@connections).
"""
