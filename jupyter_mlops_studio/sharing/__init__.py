"""Notebook snapshots and share links: immutable snapshots, lineages, revocable expiring links."""
