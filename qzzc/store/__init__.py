"""Persistence: SQLModel tables and the ``Store`` that opens SQLite or PostgreSQL."""
