"""The local endpoint's event router: EventBridge rules, SNS subscriptions, stream pollers,
S3 notifications and asynchronous invokes, delivered on the router's own worker threads.
`ws.local.events.install.install(runtime)` starts it in the server process."""
