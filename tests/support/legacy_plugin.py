"""The legacy plugin in a test WordPress: devstack/legacy_plugin.py (shared with the demo), and the environment
variable that names a copy of it for the optional legacy-page tests."""
import os
from pathlib import Path

from devstack import legacy_plugin as _shared
from devstack.legacy_plugin import (MAIN_FILE, PAGES, PARENT_PAGE, PERMALINKS, SLUG, THEME_STAND_IN,  # noqa: F401
                                    LegacyPlugin, install_legacy_plugin, postgres_options, remove_legacy_plugin)

ENV_VAR = "WECOZA_LEGACY_PLUGIN"


def plugin_dir_from_env():
    """The folder named by WECOZA_LEGACY_PLUGIN, or None when unset."""
    value = os.environ.get(ENV_VAR, "").strip()
    return Path(value) if value else None


def check_plugin_dir(plugin_dir):
    """The folder as a resolved Path, or ValueError saying why it is not a copy of the plugin."""
    return _shared.check_plugin_dir(plugin_dir, named_by=f"{ENV_VAR}=")
