"""Alerts: the digest of a new list, the channels that carry it, and their exactly-once outbox."""
