"""fetch_learners_data through admin-ajax.php: the list page's rows, byte for byte, for each caller."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.every_wordpress

ACTION = "fetch_learners_data"
I16, I12 = " " * 16, " " * 12


def expected_row(home, learner_id, cells):
    """The reference template (docs/contracts/learners.md#the-list-rows), spelled out."""
    out = "<tr>\n"
    for cell in cells:
        out += f"{I16}<td>{cell}</td>\n"
    out += (f'{I16}<td class="text-nowrap text-center"><div class="btn-group btn-group-sm" role="group">\n'
            f'{I16}<a href="{home}/app/view-learner/?learner_id={learner_id}" class="btn bg-discovery-subtle">View</a>\n'
            f'{I16}<a href="{home}/app/update-learners/?learner_id={learner_id}" class="btn bg-warning-subtle">Edit</a>\n'
            f'{I16}<button class="btn btn-sm bg-danger-subtle delete-learner-btn" data-id="{learner_id}">Delete</button>\n'
            f'{I12}</div></td>\n{I12}</tr>')
    return out


@pytest.fixture(scope="module")
def listed(learners):
    plain = learners.make(title="Mr", first_name="John", surname="Smith", gender="Male", race="White",
                          tel_number="011 555 0101", email_address="john.smith@example.test", city_town_id=2,
                          employment_status=False)
    nameless = learners.make(title=None, first_name=None, surname="", gender=None, race=None, tel_number=None,
                             email_address=None, city_town_id=None, employment_status=None)
    hostile = learners.make(title="0", first_name="&lt;img src=x onerror=alert(1)&gt;", surname="<b>O'Brien</b>",
                            gender="Female", race="Black", email_address='"><script>alert(2)</script>',
                            tel_number="Tom & Jerry", city_town_id=3)
    return {"plain": plain, "nameless": nameless, "hostile": hostile}


class TextOf(HTMLParser):
    """What jQuery's .text() gives for each <td>: the decoded text content."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows, self._cells, self._text, self._in_td = [], None, None, False

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._cells = []
        elif tag == "td":
            self._in_td, self._text = True, ""

    def handle_endtag(self, tag):
        if tag == "td":
            self._cells.append(self._text)
            self._in_td = False
        elif tag == "tr":
            self.rows.append(self._cells)

    def handle_data(self, data):
        if self._in_td:
            self._text += data


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def test_administrator_gets_the_rows_byte_for_byte(ajax, listed, wordpress_site, db):
    response = ajax.post(ACTION, nonce_action="learners_nonce")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
    home = wordpress_site.url
    data = response.json()["data"]
    assert response.json()["success"] is True
    # one row per learner, newest first: ours (created in 2099) come first, in id order descending
    assert data.count("<tr>\n") == db.scalar("SELECT count(*) FROM learners")
    ours = [listed["hostile"], listed["nameless"], listed["plain"]]
    plain = expected_row(home, listed["plain"], ["Mr. John Smith", "Smith", "Male", "White", "011 555 0101",
                                                 "john.smith@example.test", "Sampleton", "Unemployed"])
    nameless = expected_row(home, listed["nameless"], ["", "", "", "", "", "", "", "Unemployed"])
    assert plain in data and nameless in data
    assert data.startswith(expected_row(home, ours[0], [
        "&amp;lt;img src=x onerror=alert(1)&amp;gt; &amp;lt;b&amp;gt;O&#039;Brien&amp;lt;/b&amp;gt;",
        "&amp;lt;b&amp;gt;O&#039;Brien&amp;lt;/b&amp;gt;", "Female", "Black", "Tom &amp; Jerry",
        "&quot;&amp;gt;&amp;lt;script&amp;gt;alert(2)&amp;lt;/script&amp;gt;", "Exampleburg", "Employed"]))
    assert data.index(f'data-id="{ours[0]}"') < data.index(f'data-id="{ours[1]}"') < data.index(f'data-id="{ours[2]}"')
    # PHP json_encode bytes: slashes escaped, newlines as \n, no spaces between tokens
    assert response.text.startswith('{"success":true,"data":"<tr>\\n                <td>')
    assert f'<a href=\\"{home.replace("/", chr(92) + "/")}\\/app\\/view-learner\\/?learner_id={ours[0]}\\"' \
        in response.text


def test_the_pages_text_then_html_round_trip_never_makes_markup(ajax, listed):
    data = ajax.post(ACTION, nonce_action="learners_nonce").json()["data"]
    parser = TextOf()
    parser.feed("<div>" + data + "</div>")
    texts = parser.rows
    assert texts and all(len(cells) == 9 for cells in texts)   # 8 text cells + the buttons cell
    hostile = next(c for c in texts if "onerror" in c[0])
    # .text() gives back what was stored, angle brackets as entities the page's .html() shows literally
    assert hostile[0] == "&lt;img src=x onerror=alert(1)&gt; &lt;b&gt;O'Brien&lt;/b&gt;"
    assert hostile[4] == "Tom & Jerry"
    for cells in texts:
        for text in cells[:8]:
            tags = Tags()
            tags.feed(f"<td>{text}</td>")            # what displayData() pastes into .html()
            assert tags.tags == ["td"], text


@pytest.mark.parametrize("who", ["editor", "subscriber"])
def test_users_without_manage_learners_are_refused(ajax, listed, who):
    response = ajax.post(ACTION, who=who, nonce_action="learners_nonce")
    assert (response.status_code, response.text) == (200, '{"success":false,"data":{"message":"Unauthorized access"}}')


def test_logged_out_visitors_get_zero_400(ajax, listed, wordpress_site):
    from devstack.ajax import call, create_nonce
    nonce = create_nonce(wordpress_site, None, "learners_nonce")   # the nonce every visitor shares
    response = call(wordpress_site, None, ACTION, {"nonce": nonce})
    assert (response.status_code, response.text) == (400, "0")


@pytest.mark.parametrize("nonce_action", [None, "learners_nonce_action", "some_other_action"])
def test_wrong_or_missing_nonce(ajax, listed, nonce_action):
    response = ajax.post(ACTION, nonce_action=nonce_action)
    assert (response.status_code, response.text) == (200, '{"success":false,"data":{"message":"Security check failed"}}')


def test_foreign_and_stale_nonces(ajax, listed, wordpress_site, sessions):
    foreign = ajax.nonce("editor", "learners_nonce")
    stale = wordpress_site.php("add_filter('nonce_life', function () { return 2; }); wp_set_current_user(0);"
                               "echo wp_create_nonce('learners_nonce');").strip()
    for nonce in (foreign, stale, "0123456789", "' OR 1=1 --"):
        response = ajax.post(ACTION, data={"nonce": nonce})
        assert response.text == '{"success":false,"data":{"message":"Security check failed"}}', nonce
