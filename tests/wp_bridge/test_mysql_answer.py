"""wp_bridge.mysql.read_answer against a real MariaDB: the rows PyMySQL's own reader gives for the same statement on
a connection with the same settings, value for value and type for type, for every kind of column WordPress's tables
and the bridge's queries hold; and a connection that stays usable after an answer, an error, or a statement without
rows."""
from __future__ import annotations

import secrets

import pymysql
import pytest

from .conftest import connect

COLUMNS = {
    "id": "BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY",
    "small": "TINYINT", "signed": "INT", "year_col": "YEAR",
    "price": "DECIMAL(10,3)", "ratio": "DOUBLE", "single": "FLOAT",
    "login": "VARCHAR(60)", "meta": "LONGTEXT", "blob_col": "LONGBLOB", "flags": "BIT(8)",
    "day": "DATE", "moment": "DATETIME(6)", "stamp": "TIMESTAMP NULL", "span": "TIME",
    "kind": "ENUM('a','b')", "doc": "JSON",
}
ROWS = [
    (1, -128, -2147483648, 2026, "-12345.678", 1.5e300, 0.25, "admin", 'a:1:{s:3:"key";s:2:"é";}',
     b"\x00\xff\x80binary", b"\x81", "2026-12-04", "2026-12-04 10:20:30.123456", "2026-12-04 10:20:30", "-838:59:59",
     "b", '{"a": [1, 2]}'),
    (2, None, None, None, None, None, None, "", "", b"", None, "0000-00-00", None, None, None, None, None),
    (3, 127, 2147483647, 1901, "0.000", -0.0, -1.0, "ünïcode ☃ 𝄞", "x" * 70000, bytes(range(256)) * 300,
     b"\x00", "1000-01-01", "9999-12-31 23:59:59", None, "12:00:00", "a", "null"),
]


def pymysql_rows(db, sql: str, args=()) -> list[tuple]:
    """The rows PyMySQL's own reader gives for the statement, on ``db``'s own connection (its settings, its
    converters)."""
    with db._connection(0).cursor() as cursor:
        cursor.execute(sql, args)
        return list(cursor.fetchall())


@pytest.fixture(scope="module")
def table(mariadb):
    name = f"answer_{secrets.token_hex(4)}"
    connection = connect(mariadb)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {name} ({', '.join(f'{c} {t}' for c, t in COLUMNS.items())}) "
                       "DEFAULT CHARSET=utf8mb4")
        cursor.execute("SET SESSION sql_mode = ''")  # the zero date, as old WordPress rows hold it
        for row in ROWS:
            cursor.execute(f"INSERT INTO {name} VALUES ({', '.join(['%s'] * len(row))})", row)
    connection.commit()
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {name}")
    connection.close()


@pytest.mark.parametrize("statement", [
    "SELECT * FROM {table} ORDER BY id",
    "SELECT id, login FROM {table} WHERE login = %s",
    "SELECT * FROM {table} WHERE id < 0",  # no rows
    # a union unifies the columns' types: the users row's ID comes back as a DECIMAL beside the option's NULL
    "(SELECT id, login, meta FROM {table} WHERE id = 1) UNION ALL (SELECT NULL, NULL, %s)",
    "SELECT COUNT(*), SUM(price), MAX(moment), CONCAT(login, %s), NULL, 1.5, -7 FROM {table}",
])
def test_read_answer_gives_what_pymysqls_reader_gives(db, table, statement):
    sql = statement.format(table=table)
    args = ("admin",) if "%s" in sql else ()
    ours = db.query(sql, args)
    theirs = pymysql_rows(db, sql, args)
    assert ours == theirs
    assert [[type(value) for value in row] for row in ours] == [[type(value) for value in row] for row in theirs]
    assert ours == db.query(sql, args)  # the second answer reads its columns' types from what the first learnt


def test_the_rows_hold_the_stored_bytes_and_values(db, table):
    first, empty, last = db.query(f"SELECT id, meta, blob_col, login, price, signed FROM {table} ORDER BY id")
    assert first[1] == 'a:1:{s:3:"key";s:2:"é";}'.encode()  # the serialized length counts the stored bytes
    assert first[2] == b"\x00\xff\x80binary" and last[2] == bytes(range(256)) * 300
    assert last[1] == b"x" * 70000 and last[3] == "ünïcode ☃ 𝄞".encode()
    assert str(first[4]) == "-12345.678" and first[5] == -2147483648
    assert empty[1:] == (b"", b"", b"", None, None)


def test_a_statement_without_rows_answers_none_and_the_connection_goes_on(db, table):
    assert db.query("DO 1") == []
    assert db.query("SET @wecoza_answer = %s", ("x",)) == []
    assert db.query("SELECT @wecoza_answer") == [(b"x",)]
    assert db.connects == 1


def test_an_error_answer_raises_it_and_the_connection_goes_on(db, table):
    with pytest.raises(pymysql.err.OperationalError, match="no_such_column"):
        db.query(f"SELECT no_such_column FROM {table}")
    with pytest.raises(pymysql.err.ProgrammingError):
        db.query("SELEC 1")
    assert db.query("SELECT %s", ("after",)) == [(b"after",)]
    assert db.connects == 1


def test_an_answer_left_unread_closes_its_connection_and_the_next_query_opens_another(db):
    """A value no converter takes stops the reading half-way: the rest of that answer is still on the connection,
    so the connection is closed, and the next query opens a fresh one instead of reading the old answer's rows."""
    assert db.query("SELECT 1") == [(1,)]
    connection = db._connection(0)

    def refuse(raw):
        raise ValueError("no converter takes this value")

    connection.decoders = dict.fromkeys(connection.decoders, refuse)
    with pytest.raises(ValueError, match="no converter"):
        db.query("SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3")
    assert db.query("SELECT 4 UNION ALL SELECT 5") == [(4,), (5,)]
    assert db.connects == 2
