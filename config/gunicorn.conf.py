# The sidecar under an operator's own gunicorn: `gunicorn -c config/gunicorn.conf.py 'sidecar.wsgi:app'`.
# `wecoza-sidecar serve` runs granian instead, with the same workers and threads (sidecar/serving.py holds both).
import os

from sidecar.config import load_config
from sidecar.serving import child_exit, gunicorn_settings, prepare_multiprocess_metrics  # noqa: F401

prepare_multiprocess_metrics()
_config = load_config()
_host, _port = _config.bind
globals().update(gunicorn_settings(f"{_host}:{_port}", int(os.environ.get("WECOZA_WORKERS", "0")) or None))
# HUP reloads gracefully: new workers start with the new code and re-read the configuration and wp-config.php
# (sidecar/serving.py: worker_app), old ones finish their requests.
