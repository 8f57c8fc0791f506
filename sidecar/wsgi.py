"""WSGI entry point for running under an external gunicorn: ``sidecar.wsgi:app``.

Imported in each worker (gunicorn's preload_app stays off), so each worker reads the configuration and
wp-config.php when it starts.
"""
from .serving import worker_app

app = worker_app()
