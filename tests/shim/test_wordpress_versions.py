"""The WordPress versions the suite runs on: each site runs the version it was built from, a release tarball is used
only when it matches its checksum, and the shim's header and readme.txt state the range the suite tests."""
import hashlib
import json
import re

import pytest

from devstack.sidecar_server import SHIM_DIR, SHIM_MAIN, SHIM_SLUG
from devstack.wordpress import DEBIAN_VERSION, RELEASE_TARBALLS, verify_sha256

pytestmark = pytest.mark.every_wordpress

TESTED = sorted([DEBIAN_VERSION, *RELEASE_TARBALLS], key=lambda v: tuple(map(int, v.split("."))))
PLUGIN_DATA = """
require_once ABSPATH . 'wp-admin/includes/plugin.php';
$data = get_plugin_data(WP_PLUGIN_DIR . '/' . $args[0], false, false);
echo json_encode(['wp' => get_bloginfo('version'), 'requires' => $data['RequiresWP'],
                  'compatible' => is_wp_version_compatible($data['RequiresWP']),
                  'active' => is_plugin_active($args[0])]);
"""


def fields(text, names):
    """{name: value} of 'Name: value' lines (a plugin header or a readme.txt)."""
    found = {}
    for name in names:
        match = re.search(rf"^[ \t*]*{re.escape(name)}:[ \t]*(\S.*?)[ \t]*$", text, re.MULTILINE)
        found[name] = match.group(1) if match else None
    return found


def assert_runs_with_the_shim_active(site, wp_version):
    seen = json.loads(site.php(PLUGIN_DATA, f"{SHIM_SLUG}/{SHIM_MAIN}"))
    assert seen["wp"] == wp_version or seen["wp"].startswith(wp_version + "."), seen
    assert (seen["requires"], seen["compatible"], seen["active"]) == (DEBIAN_VERSION, True, True), seen


def test_the_session_site_runs_its_version_with_the_shim_active(sidecar_server, wordpress_site, wp_version):
    assert_runs_with_the_shim_active(wordpress_site, wp_version)


def test_the_shim_tests_site_runs_its_version_with_the_shim_active(shim_site, wp_version):
    assert_runs_with_the_shim_active(shim_site, wp_version)


def test_a_release_is_used_only_when_it_matches_its_checksum(tmp_path):
    release = tmp_path / "wordpress-9.9.0.tar.gz"
    release.write_bytes(b"a release")
    sums = tmp_path / "SHA256SUMS"
    sums.write_text(f"{'0' * 64}  other.tar.gz\n")
    with pytest.raises(RuntimeError, match="does not list wordpress-9.9.0.tar.gz"):
        verify_sha256(release, sums)
    sums.write_text(f"{hashlib.sha256(b'a release').hexdigest()}  wordpress-9.9.0.tar.gz\n")
    verify_sha256(release, sums)
    release.write_bytes(b"a releasf")
    with pytest.raises(RuntimeError, match="does not match its SHA-256"):
        verify_sha256(release, sums)


def test_the_shim_states_the_range_the_suite_tests():
    names = ("Requires at least", "Tested up to", "Requires PHP")
    header = fields((SHIM_DIR / SHIM_MAIN).read_text()[:8192], names + ("Version",))
    readme = fields((SHIM_DIR / "readme.txt").read_text(), names + ("Stable tag",))
    assert header["Requires at least"] == TESTED[0] and header["Tested up to"] == TESTED[-1], header
    assert {n: header[n] for n in names} == {n: readme[n] for n in names}
    assert readme["Stable tag"] == header["Version"]
    assert (SHIM_DIR / "readme.txt").read_text().startswith("=== WeCoza Sidecar Shim ===\n")
