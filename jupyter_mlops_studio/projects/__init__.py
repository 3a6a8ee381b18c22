"""MLOps projects: a git repository with seed code, a model group and a service account."""
