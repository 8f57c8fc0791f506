import json
import pathlib

from sidecar import __version__
from sidecar.action_table import action_table_markdown
from sidecar.actions import registry

REPO = pathlib.Path(__file__).resolve().parents[2]


def test_shim_route_list_is_generated_from_the_registry():
    stored = json.loads((REPO / "wp-plugin-shim" / "routes.json").read_text())
    assert stored == registry.routes(__version__), (
        "regenerate with: wecoza-sidecar actions --format json > wp-plugin-shim/routes.json")


def test_admins_guide_action_table_is_generated_from_the_registry():
    guide = (REPO / "docs" / "admins.md").read_text()
    assert action_table_markdown(registry) in guide, "regenerate the action table with: scripts/regenerate.py"


def test_every_action_without_a_nonce_says_why():
    for action in registry.actions.values():
        assert action.nonce_actions is not None or action.nonce_note


def test_only_public_reference_data_is_served_anonymously():
    public = {a.name for a in registry.actions.values() if a.public}
    assert public <= {"get_public_holidays", "get_class_subjects", "get_class_types"}
