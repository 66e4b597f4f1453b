import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_wsgi_application()
# Import every view now rather than on a worker's first request, which would
# otherwise wait (over a second) after each start and restart.
get_resolver().check()

# The open pixel and click redirect skip the middleware stack (see the module).
from postroom.tracking.fastpath import tracking_fast_path  # noqa: E402

application = tracking_fast_path(django_application)
