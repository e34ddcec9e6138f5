"""How the web and worker processes talk to PostgreSQL."""

import pytest
from django.db import connection

from tests.services import require_postgresql

pytestmark = [pytest.mark.services, pytest.mark.django_db]


def test_postgresql_compiles_no_query_just_in_time():
    """A grouped query with a subquery per group (the archive's weeks with their counts) is
    estimated above jit_above_cost on a thousand events and spent ~30 ms compiling to run in
    1 ms: the portal's connections switch JIT off."""
    require_postgresql()
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_a_connection_gives_up_on_a_database_that_does_not_answer_after_seconds():
    """Not after the operating system's minutes: a request or a new worker's warm-up fails
    fast while a partition lasts (DATABASE_CONNECT_TIMEOUT)."""
    require_postgresql()
    connection.ensure_connection()
    assert connection.connection.get_dsn_parameters()["connect_timeout"] == "5"
