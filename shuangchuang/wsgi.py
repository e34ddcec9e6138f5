import os

from django.core.wsgi import get_wsgi_application

from shuangchuang.garbage import settle

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangchuang.settings")
application = get_wsgi_application()

settle()  # the garbage collector of a process that loads, then serves
