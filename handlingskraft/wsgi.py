import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "handlingskraft.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (needs the settings configured above)

if not settings.DEBUG and settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
    raise RuntimeError("Set SECRET_KEY in the environment before serving with DEBUG off.")
