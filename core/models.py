from django.db import models


class PublicVersion(models.Model):
    """How many times what the public sees has changed: one row, counted by every bump.

    Kept in the database so that a bump made while the shared cache is away is not lost: the
    cache remembers the count its version has seen, and a new version starts when they differ
    (``core.public_cache.resync_public_version``). Public pages never read it.
    """

    value = models.BigIntegerField()

    def __str__(self) -> str:
        return str(self.value)


class Heartbeat(models.Model):
    """When a periodic task last ran on a worker: fresh means beat scheduled it and a worker ran it."""

    name = models.CharField(max_length=40, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"
