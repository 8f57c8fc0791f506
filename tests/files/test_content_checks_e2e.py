"""A polyglot attachment sent through WordPress and the shim is refused and nothing is stored."""
from __future__ import annotations

from devstack.ajax import call, create_nonce

from .test_content_checks import HTML, jpeg_with_comment


def test_a_polyglot_attachment_is_refused_and_not_stored(routed, sessions, wordpress_site, uploads_root):
    before = {p for p in uploads_root.rglob("*") if p.is_file()}
    nonce = create_nonce(wordpress_site, sessions["admin"], "wecoza_class_nonce")
    response = call(wordpress_site, sessions["admin"], "upload_attachment", {"nonce": nonce, "context": "class_notes"},
                    files=[("file", ("photo.jpg", jpeg_with_comment(HTML), "image/jpeg"))])
    assert response.json() == {"success": False, "data": "Invalid file type"}
    assert {p for p in uploads_root.rglob("*") if p.is_file()} == before
