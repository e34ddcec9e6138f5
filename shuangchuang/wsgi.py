import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangchuang.settings")
application = get_wsgi_application()

# What the loaded application holds lives as long as the process: moved out of the garbage
# collector's reach, a full collection no longer walks it on every page that builds thousands of
# objects (issue 21: the 5,000-event JSON feed, 276 → 211 ms median; the Python documentation
# recommends this for servers that load and then serve).
gc.collect()  # what loading left as garbage is freed, not kept for good
gc.freeze()
