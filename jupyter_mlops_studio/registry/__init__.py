"""The model registry: groups, integer versions, a quality gate, approval with audit, aliases."""
