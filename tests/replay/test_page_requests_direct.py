"""The recorded page requests again, in direct mode: nginx sends admin-ajax.php to a sidecar with direct_mode on
(tests/direct/test_direct_mode.py), every other page to WordPress. Each request must give the admin what the same
request gives through the shim (the checks of test_page_requests.py), and every admin-ajax.php request must be
answered by the sidecar itself, never handed to PHP: a hand-over would reach the forward sidecar through the shim and
pass the checks anyway. The recorded reads are url-encoded, so they run beside the authentication (sidecar.direct)."""
from __future__ import annotations

import pytest

from tests.direct.test_direct_mode import direct_stack, php_ajax_requests  # noqa: F401  (module fixture)
from .test_page_requests import CHECKS, REQUESTS, admin_replayer

pytestmark = pytest.mark.every_wordpress


@pytest.fixture(scope="module")
def replayer(direct_stack, wordpress_site, sessions, form_pages, recorded_rows, db, uploads_root):  # noqa: F811
    _, proxy = direct_stack
    with admin_replayer(wordpress_site, sessions, form_pages, recorded_rows, db, uploads_root,
                        ajax=f"{proxy.url}/wp-admin/admin-ajax.php") as replay:
        yield replay


@pytest.mark.parametrize("request_", REQUESTS, ids=[r["test_id"] for r in REQUESTS])
def test_recorded_request_in_direct_mode(request_, replayer, db, uploads_root, wordpress_site):
    before = php_ajax_requests(wordpress_site)
    response = replayer.response(request_)
    assert php_ajax_requests(wordpress_site) == before, "an admin-ajax.php request was handed to PHP"
    CHECKS[request_["test_id"]](response, replayer, db, uploads_root, wordpress_site)
