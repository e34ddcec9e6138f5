"""What the in-process benchmarks (office_load, feeds_render, schedule_render) share: their
PostgreSQL database, made when missing and kept between runs."""

from __future__ import annotations

import os
import sys


def ensure_database(*, script: str, required: bool = False) -> None:
    """Create the database named by DATABASE_URL when it does not exist yet. On another
    database (SQLite) nothing is made; ``required`` makes the script stop there instead."""
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        if required:
            sys.exit(f"{script} measures on PostgreSQL: set DATABASE_URL=postgres://...")
        return
    import psycopg2

    base, name = url.rsplit("/", 1)
    admin = psycopg2.connect(f"{base}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
