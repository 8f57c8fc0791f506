"""The shim against the real sidecar process (session fixtures sidecar_server / wordpress_site): the health probe,
the signed acknowledgement and the dispatcher's signed delivery to the shim's REST route agree on the wire."""
import json
import uuid

import pytest

pytestmark = pytest.mark.every_wordpress


def test_health_probe_reads_the_real_healthz(sidecar_server, wordpress_site):
    health = json.loads(wordpress_site.php("echo json_encode(wecoza_sidecar_shim()->client->health());"))
    assert health["reachable"] is True and health["status"] == "ok"
    assert health["version"]
    assert health["error"] == ""


def test_the_real_sidecar_accepts_the_shims_acknowledgement(sidecar_server, wordpress_site, pg_database):
    event_id = str(uuid.uuid4())
    with pg_database.connect() as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO wecoza_sidecar.outbox (id, name, payload, next_attempt_at) "
                    "VALUES (%s, 'wecoza_test_event', '{}', now() + interval '1 hour')", (event_id,))
        conn.commit()
    out = wordpress_site.php("var_export(wecoza_sidecar_shim()->client->acknowledge([$args[0]]));", event_id)
    assert out.strip() == "true"
    with pg_database.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT delivered_via FROM wecoza_sidecar.outbox WHERE id = %s", (event_id,))
        assert cur.fetchone()[0] == "inline"


def test_the_real_dispatcher_delivers_to_the_shims_rest_route(sidecar_server, wordpress_site, pg_database):
    event_id = str(uuid.uuid4())
    payload = {"learner_id": 4242, "note": "dispatched by the real dispatcher"}
    with pg_database.connect() as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO wecoza_sidecar.outbox (id, name, payload) VALUES (%s, 'wecoza_learner_updated', %s)",
                    (event_id, json.dumps(payload)))
        conn.commit()
    run = sidecar_server.cli("dispatch", "--once")
    assert run.returncode == 0, run.stdout + run.stderr
    with pg_database.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT delivered_via, last_error FROM wecoza_sidecar.outbox WHERE id = %s", (event_id,))
        assert cur.fetchone() == ("dispatch", None)
    rows = json.loads(wordpress_site.php(
        "global $wpdb; echo json_encode($wpdb->get_results($wpdb->prepare("
        "\"SELECT name, source FROM {$wpdb->prefix}wecoza_sidecar_events WHERE event_id = %s\", $args[0]), ARRAY_A));",
        event_id))
    assert rows == [{"name": "wecoza_learner_updated", "source": "dispatch"}]
