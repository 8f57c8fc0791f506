"""WSGI entry point for running under an external gunicorn: ``sidecar.wsgi:app``."""
from .app import create_app

app = create_app()
