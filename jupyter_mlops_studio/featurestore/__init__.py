"""Feature store: feature groups, an event-time-correct online store (SQL or Redis), an
append-only Parquet offline store queried through DuckDB, and point-in-time training sets."""
