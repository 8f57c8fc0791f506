import json
from pathlib import Path

import pytest

from sidecar.config import load_config
from sidecar.db import Postgres

PLUGIN = Path(__file__).resolve().parent / "plugins"


@pytest.fixture(scope="session")
def recorder(wordpress_site, sidecar_server):
    wordpress_site.install_plugin(PLUGIN, slug="wecoza-test-recorder", main_file="wecoza-test-recorder.php")

    class Recorder:
        def rows(self, hook=None):
            code = ("global $wpdb; wecoza_test_recorder_table();"
                    "echo wp_json_encode($wpdb->get_results(\"SELECT hook, event_id, payload FROM "
                    "{$wpdb->prefix}wecoza_test_recorded ORDER BY id\", ARRAY_A));")
            rows = json.loads(wordpress_site.php(code) or "[]")
            return [r for r in rows if hook is None or r["hook"] == hook]

        def clear(self):
            wordpress_site.php("global $wpdb; $wpdb->query('TRUNCATE ' . wecoza_test_recorder_table());")

    rec = Recorder()
    rec.clear()
    return rec


@pytest.fixture(scope="session")
def sidecar_config(sidecar_process):
    return load_config(sidecar_process.env)


@pytest.fixture(scope="session")
def postgres(sidecar_config):
    wordpress = sidecar_config.wordpress()
    pg = Postgres(lambda: sidecar_config.postgres_params(wordpress), pool_max=4)
    yield pg
    pg.close()


@pytest.fixture
def clean_outbox(postgres):
    with postgres.transaction() as cur:
        cur.execute("DELETE FROM wecoza_sidecar.outbox")
    yield
    with postgres.transaction() as cur:
        cur.execute("DELETE FROM wecoza_sidecar.outbox")
