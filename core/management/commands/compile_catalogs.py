"""Compile the project's .po catalogues to .mo with polib.

Django's own ``compilemessages`` needs GNU gettext's ``msgfmt``, which a fresh machine
may lack; polib is pure Python, so ``make run`` works anywhere Python does.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the translation catalogues in LOCALE_PATHS (no gettext tools needed)."
    # It reads only LOCALE_PATHS: a half-configured machine (or a broken module) must not stop it.
    requires_system_checks = []

    def handle(self, *args, **options):
        for locale_path in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_path).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                self.stdout.write(f"compiled {po_path.relative_to(settings.BASE_DIR)}")
