"""A real nginx (Debian's nginx-light) on a loopback port, configured from config/nginx-direct-mode.conf's design:
admin-ajax.php to the sidecar first, PHP (here WordPress's `php -S`) only when the sidecar redirects an action it
does not serve there (X-Accel-Redirect)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from .ports import LOOPBACK, free_port, wait_for_http
from .processes import spawn, stop_group

CONFIG = """{user}
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log info;
events {{ worker_connections 256; }}
http {{
    access_log {root}/access.log;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    client_max_body_size 12m;
    upstream wecoza_sidecar {{ server {sidecar}; keepalive 8; }}
    server {{
        listen {host}:{port};
        {server_extra}
        location = /wp-admin/admin-ajax.php {{
            proxy_pass http://wecoza_sidecar;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
        location @wordpress_php {{
            proxy_pass http://{wordpress};
            proxy_set_header Host $http_host;
        }}
        location / {{
            proxy_pass http://{wordpress};
            proxy_set_header Host $http_host;
        }}
    }}
}}
"""


class Nginx:
    def __init__(self, root: Path, sidecar_hostport: str, wordpress_hostport: str, server_extra: str = ""):
        """``server_extra``: directives added to the server block (a ``root``, an ``include`` of a config/ file)."""
        self.root = root
        self.host, self.port = LOOPBACK, free_port()
        self.url = f"http://{self.host}:{self.port}"
        self.conf = root / "nginx.conf"
        root.mkdir(parents=True, exist_ok=True)
        # As root, nginx's workers would run as nobody, who cannot write request bodies into the test's 0700 folder.
        user = "user root;" if os.geteuid() == 0 else ""
        self.conf.write_text(CONFIG.format(user=user, root=root, host=self.host, port=self.port,
                                           sidecar=sidecar_hostport, wordpress=wordpress_hostport,
                                           server_extra=server_extra))
        self.proc = None

    def start(self):
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        self.proc = spawn([binary, "-c", str(self.conf), "-p", str(self.root), "-g", "daemon off;"],
                          self.root / "nginx.out", cwd=self.root)
        wait_for_http(f"{self.url}/wp-login.php", "nginx", proc=self.proc, log_path=self.root / "error.log")
        return self

    def stop(self):
        stop_group(self.proc)
        self.proc = None

    def access_log(self) -> str:
        path = self.root / "access.log"
        return path.read_text() if path.exists() else ""
