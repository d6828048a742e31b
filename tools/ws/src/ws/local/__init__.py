"""The embedded local endpoint: a moto server, ws's resource providers and template fixes."""
