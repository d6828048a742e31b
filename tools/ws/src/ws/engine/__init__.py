"""Deciding and running: fingerprints, plans, the scheduler, deploy and destroy runs."""
