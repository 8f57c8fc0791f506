"""A real nginx in front of the test WordPress, with config/nginx-private-files.conf included as an operator
would include it: private folders ask the sidecar, everything else goes to WordPress as before."""
from __future__ import annotations

import pytest

from devstack.nginx import Nginx
from devstack.sidecar_server import SidecarServer
from devstack.system import REPO_ROOT

PRIVATE_FILES_CONF = REPO_ROOT / "config" / "nginx-private-files.conf"


def files_proxy(root, sidecar, wordpress_site) -> Nginx:
    extra = f"root {wordpress_site.path};\n        include {PRIVATE_FILES_CONF};"
    return Nginx(root, f"{sidecar.host}:{sidecar.port}", f"{wordpress_site.host}:{wordpress_site.port}",
                 server_extra=extra).start()


@pytest.fixture(scope="module")
def proxy(routed, wordpress_site, tmp_path_factory):
    """nginx with the example's private locations, asking the session's sidecar (default capabilities)."""
    nginx = files_proxy(tmp_path_factory.mktemp("files-nginx"), routed, wordpress_site)
    try:
        yield nginx
    finally:
        nginx.stop()


@pytest.fixture(scope="module")
def relaxed_proxy(routed, wordpress_site, pg_database, tmp_path_factory):
    """nginx asking a sidecar whose [capabilities] lets any logged-in user read learners (capability `read`)."""
    root = tmp_path_factory.mktemp("files-relaxed")
    server = SidecarServer(root / "sidecar", wordpress_site, pg_database,
                           settings="[capabilities]\nwecoza_get_learner = read\n").start()
    try:
        nginx = files_proxy(root / "nginx", server, wordpress_site)
        try:
            yield nginx
        finally:
            nginx.stop()
    finally:
        server.stop()
