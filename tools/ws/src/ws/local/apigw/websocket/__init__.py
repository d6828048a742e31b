"""WebSocket APIs (API Gateway v2, ProtocolType WEBSOCKET) served by the local gateway.

A client connects to ``{endpoint}/_ws/api/{api_id}/{stage}`` (AWS:
``wss://{api_id}.execute-api.{region}.amazonaws.com/{stage}``). In the order a connection
meets the pieces: `upgrade` (the WSGI hook that takes the socket over), `wire` (the
WebSocket protocol through wsproto), `session` (connect, messages, disconnect), `routes`
(the API, its stage and the route a message selects), `iam` (AWS_IAM on $connect),
`authorizer` (a Lambda REQUEST authorizer on $connect), `integrate` (Lambda proxy and AWS
service integrations) with `events` (the Lambda event as AWS sends it); `connections` keeps
the open ones for `management` (the @connections API functions call to send, describe and
close).
"""
