"""Django's PostgreSQL backend, loading timestamps in C (see base.py)."""
