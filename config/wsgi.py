import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

if os.environ.get("NETWORK_INDEX_WARM", "1") != "0":
    # Build the location language's network index now, not on the first request; with
    # gunicorn --preload (scripts/run.sh) this happens once, before the workers fork.
    from geodata.geocoding import warm_network_index

    warm_network_index()
