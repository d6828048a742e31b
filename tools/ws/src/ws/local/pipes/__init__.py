"""EventBridge Pipes run on the local endpoint: source polled, filtered, enriched, delivered."""
