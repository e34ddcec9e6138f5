"""An event's days must lie inside its week: enforced by the database itself.

A CHECK constraint cannot look at another table, so each backend gets a trigger on both
sides (an event moved outside its week, a week shrunk away from its events). The day is
judged in the week's own time zone; an event that ends at midnight does not run on the
day that midnight begins, matching ``Event.days``.
"""
from django.db import migrations

POSTGRESQL_FORWARD = """
CREATE OR REPLACE FUNCTION events_event_inside_week() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE week RECORD;
BEGIN
    SELECT starts_on, ends_on, time_zone INTO week FROM events_week WHERE id = NEW.week_id;
    IF (NEW.starts_at AT TIME ZONE week.time_zone)::date < week.starts_on
       OR ((NEW.ends_at AT TIME ZONE week.time_zone) - interval '1 microsecond')::date > week.ends_on THEN
        RAISE EXCEPTION 'event_inside_week: the event lies outside its week'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER events_event_inside_week
    BEFORE INSERT OR UPDATE OF starts_at, ends_at, week_id ON events_event
    FOR EACH ROW EXECUTE FUNCTION events_event_inside_week();

CREATE OR REPLACE FUNCTION events_week_keeps_its_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM events_event e WHERE e.week_id = NEW.id AND (
            (e.starts_at AT TIME ZONE NEW.time_zone)::date < NEW.starts_on
            OR ((e.ends_at AT TIME ZONE NEW.time_zone) - interval '1 microsecond')::date > NEW.ends_on)
    ) THEN
        RAISE EXCEPTION 'event_inside_week: the week no longer holds all its events'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER events_week_keeps_its_events
    BEFORE UPDATE OF starts_on, ends_on, time_zone ON events_week
    FOR EACH ROW EXECUTE FUNCTION events_week_keeps_its_events();
"""

POSTGRESQL_BACKWARD = """
DROP TRIGGER IF EXISTS events_event_inside_week ON events_event;
DROP FUNCTION IF EXISTS events_event_inside_week();
DROP TRIGGER IF EXISTS events_week_keeps_its_events ON events_week;
DROP FUNCTION IF EXISTS events_week_keeps_its_events();
"""

# django_datetime_cast_date is the function Django registers on every SQLite connection
# to convert a stored UTC value to a local date.
_SQLITE_OUTSIDE = """
    django_datetime_cast_date({start}, {zone}, 'UTC') < {starts_on}
    OR django_datetime_cast_date(strftime('%Y-%m-%d %H:%M:%f', {end}, '-0.001 seconds'), {zone}, 'UTC') > {ends_on}
"""
_SQLITE_EVENT_CHECK = _SQLITE_OUTSIDE.format(
    start="NEW.starts_at", end="NEW.ends_at", zone="w.time_zone", starts_on="w.starts_on", ends_on="w.ends_on"
)
_SQLITE_WEEK_CHECK = _SQLITE_OUTSIDE.format(
    start="e.starts_at", end="e.ends_at", zone="NEW.time_zone", starts_on="NEW.starts_on", ends_on="NEW.ends_on"
)
SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER events_event_inside_week_{operation}
    BEFORE {operation} ON events_event
    WHEN EXISTS (SELECT 1 FROM events_week w WHERE w.id = NEW.week_id AND ({_SQLITE_EVENT_CHECK}))
    BEGIN SELECT RAISE(ABORT, 'event_inside_week: the event lies outside its week'); END;
    """
    for operation in ("INSERT", "UPDATE")
] + [
    f"""
    CREATE TRIGGER events_week_keeps_its_events
    BEFORE UPDATE OF starts_on, ends_on, time_zone ON events_week
    WHEN EXISTS (SELECT 1 FROM events_event e WHERE e.week_id = NEW.id AND ({_SQLITE_WEEK_CHECK}))
    BEGIN SELECT RAISE(ABORT, 'event_inside_week: the week no longer holds all its events'); END;
    """
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS events_event_inside_week_INSERT",
    "DROP TRIGGER IF EXISTS events_event_inside_week_UPDATE",
    "DROP TRIGGER IF EXISTS events_week_keeps_its_events",
]


def _run(schema_editor, postgresql: str, sqlite: list[str]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgresql)
    elif vendor == "sqlite":
        for statement in sqlite:
            schema_editor.execute(statement)
    else:
        raise NotImplementedError(f"No event-inside-week trigger for {vendor}.")


def forward(apps, schema_editor):
    _run(schema_editor, POSTGRESQL_FORWARD, SQLITE_FORWARD)


def backward(apps, schema_editor):
    _run(schema_editor, POSTGRESQL_BACKWARD, SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]


# For later migrations whose ALTER makes SQLite rebuild events_event or events_week, which
# drops these triggers: RunPython(drop_sqlite_triggers, create_sqlite_triggers) before the
# change and the reverse pair after it (PostgreSQL keeps its triggers and skips both).
def drop_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


def create_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)
