"""The machine the suite runs on: the Debian packages it needs (scripts/install-system-deps.sh installs them; the
suite only checks, it never installs)."""
import functools
import shutil
import subprocess
from pathlib import Path

from .servers import PG_BIN

REPO_ROOT = Path(__file__).resolve().parents[1]
INSTALL_SCRIPT = REPO_ROOT / "scripts" / "install-system-deps.sh"
WORDPRESS_TREE = Path("/usr/share/wordpress")
PHP_MODULES = ("mysqli", "pgsql", "curl", "xml", "mbstring")
PROGRAMS = ("php", "rsync", "psql", "mariadb", "mariadbd", "mariadb-install-db", "runuser")


@functools.cache
def check_system():
    """Raise, naming what is missing and the script that installs it, unless the packages are present."""
    missing = [name for name in PROGRAMS if shutil.which(name) is None]
    missing += [str(PG_BIN / name) for name in ("initdb", "pg_ctl") if not (PG_BIN / name).is_file()]
    if "php" not in missing:
        # `php -m` output is read whole, never piped into `grep -q` (SIGPIPE under pipefail).
        modules = subprocess.run(["php", "-m"], capture_output=True, text=True, check=True).stdout.lower().split()
        missing += [f"PHP module {m}" for m in PHP_MODULES if m not in modules]
    if not (WORDPRESS_TREE / "wp-load.php").is_file():
        missing.append(f"WordPress in {WORDPRESS_TREE} (Debian package 'wordpress')")
    if missing:
        raise RuntimeError(f"missing: {', '.join(missing)}; run scripts/{INSTALL_SCRIPT.name} (as root)")


def shared_dir():
    """../shared beside the repository, or None when this checkout has none."""
    path = REPO_ROOT.parent / "shared"
    return path if (path / "reference").is_dir() else None
