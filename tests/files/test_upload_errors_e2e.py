"""Through WordPress and the shim: a file PHP refused (here over the form's MAX_FILE_SIZE, as one over
upload_max_filesize would be) is answered with PHP's reason in the action's shape, and nothing is stored."""
from __future__ import annotations

from devstack import class_pages as pages
from devstack.ajax import call, create_nonce


def test_a_file_php_refused_is_answered_with_its_reason_not_as_empty(routed, sessions, wordpress_site, uploads_root):
    before = {p for p in uploads_root.rglob("*") if p.is_file()}
    nonce = create_nonce(wordpress_site, sessions["admin"], "wecoza_class_nonce")
    # PHP reads MAX_FILE_SIZE when it comes before the file: a larger file is UPLOAD_ERR_FORM_SIZE
    response = call(wordpress_site, sessions["admin"], "upload_attachment",
                    {"nonce": nonce, "context": "class_notes", "MAX_FILE_SIZE": "16"},
                    files=[("file", ("notes.pdf", pages.PDF_BYTES, "application/pdf"))])
    assert len(pages.PDF_BYTES) > 16
    assert response.json() == {"success": False, "data": "File exceeds form maximum size"}
    assert {p for p in uploads_root.rglob("*") if p.is_file()} == before
