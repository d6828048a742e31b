"""A local API Gateway data plane: deployed REST APIs answer under /_ws/api/{api}/{stage}/.

The pieces, in the order a request meets them: `middleware` (WSGI, in front of moto's app),
`routing` (API, stage, resource and method from moto's apigateway backend), `cognito` (the
COGNITO_USER_POOLS authorizer), `iamauth` (AWS_IAM: SigV4), `integrations` (AWS_PROXY through
`lambdas`, HTTP, HTTP_PROXY, MOCK, and AWS in `awsintegration`, whose service calls
`services` sends to moto), `templating`/`vtl`/`jsonpath` (mapping templates), `mapping`
(integration responses), `proxyevent` (the Lambda proxy event and response formats) and
`replies` (the gateway's own answers: 401, 403, 404, 502...).
"""
