import json

from hypothesis import given, settings, strategies as st

from sidecar.phpform import parse_multipart, parse_urlencoded

from .php_oracle import php_parse_str


def as_php_json(value):
    """Our parse in the JSON_FORCE_OBJECT form PHP's oracle prints."""
    if isinstance(value, dict):
        return {str(k): as_php_json(v) for k, v in value.items()}
    return value


CASES = [
    b"a=1&b=2",
    b"a[]=1&a[]=2&a[]=3",
    b"a=1&a[]=2",
    b"a[]=1&a=2",
    b"a[x][y]=1&a[x][z]=2&a[x][]=3",
    b"g[0]=a&g[5]=b&g[]=c",
    b"d.e=1&f g=2&h[i.j]=3",
    b"u[=1&v]=2&w[a=3&x[a][b=4",
    b"k[-1]=a&k[]=b&k[007]=c&k[7]=d",
    b"schedule_data%5BperDayTimes%5D%5BMonday%5D%5BstartTime%5D=09%3A00&x=%2B+plus",
    b"&&a=&=b&c",
    b"n[9223372036854775807]=a&n[9223372036854775808]=b",
    # PHP reads a field name as a C string: it ends at the first NUL, brackets after it are gone
    b"action%00x=X&a%00[b]=1&c[d%00e]=2&%00z=3",
]


def test_known_cases_match_php():
    expected = php_parse_str(CASES)
    for query, php_result in zip(CASES, expected, strict=True):
        assert json.loads(json.dumps(as_php_json(parse_urlencoded(query)))) == php_result, query


name_part = st.sampled_from(["a", "b", "a.b", "a b", "x_y", "0", "1", "-1", "01"])
field_name = st.builds(
    lambda base, brackets, tail: base + "".join(f"[{b}]" for b in brackets) + tail,
    name_part, st.lists(st.sampled_from(["", "0", "1", "k", "k.j", "2"]), max_size=3),
    st.sampled_from(["", "", "[", "]", "[x"]),
)


@settings(max_examples=120, deadline=None)
@given(st.lists(st.lists(st.tuples(field_name, st.text(alphabet="ab=&%+ 1", max_size=4)), max_size=6),
                min_size=1, max_size=15))
def test_random_forms_match_php(forms):
    from urllib.parse import quote
    queries = ["&".join(quote(n, safe="[]") + "=" + quote(v) for n, v in pairs).encode() for pairs in forms]
    expected = php_parse_str(queries)
    for query, php_result in zip(queries, expected, strict=True):
        assert json.loads(json.dumps(as_php_json(parse_urlencoded(query)))) == php_result, query


def test_multipart_fields_and_files():
    boundary = "XyZ"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"learners[0][id]\"\r\n\r\n5\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nit's \"quoted\" \\ here\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"qa_reports[]\"; filename=\"../../a.pdf\"\r\n"
        f"Content-Type: application/pdf\r\n\r\n%PDF-1.4 data\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n\r\n\r\n"
        f"--{boundary}--\r\n"
    ).encode()
    fields, files = parse_multipart(body, f"multipart/form-data; boundary={boundary}")
    assert fields == {"learners": {0: {"id": "5"}}, "note": "it's \"quoted\" \\ here"}
    upload = files["qa_reports"][0]
    assert upload.data == b"%PDF-1.4 data" and upload.filename == "../../a.pdf"
    assert "empty" not in files


def test_rfc2231_continuations_mixed_with_a_plain_name_are_a_clean_form_error():
    """The standard library's parameter decoder raises TypeError on this header (found by fuzzing)."""
    import pytest

    from sidecar.phpform import FormError
    body = (b'--00\r\nContent-Disposition: (; name*0="0\xc2\x80"; name*1="x"; filename="00000";'
            b"name*=UTF-8''%E2%82%AC.pdf\r\n\r\n\r\n--00--\r\n")
    with pytest.raises(FormError):
        parse_multipart(body, "multipart/form-data; boundary=00")
