"""The machine the suite runs on: Debian packages present, PostgreSQL and MariaDB running."""
import functools
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
INSTALL_SCRIPT = REPO_ROOT / "scripts" / "install-system-deps.sh"
WORDPRESS_TREE = Path("/usr/share/wordpress")
PHP_MODULES = ("mysqli", "pgsql", "curl", "xml", "mbstring")


@functools.cache
def ensure_system():
    """Install what is missing and start the databases (once per test session); raise with the reason otherwise."""
    run = subprocess.run(["bash", str(INSTALL_SCRIPT)], capture_output=True, text=True, timeout=1200)
    if run.returncode != 0:
        raise RuntimeError(f"{INSTALL_SCRIPT.name} failed (exit {run.returncode}):\n{run.stdout}\n{run.stderr}")
    # `php -m` output is read whole, never piped into `grep -q` (SIGPIPE under pipefail).
    modules = subprocess.run(["php", "-m"], capture_output=True, text=True, check=True).stdout.lower().split()
    missing = [m for m in PHP_MODULES if m not in modules]
    if missing:
        raise RuntimeError(f"PHP modules missing after {INSTALL_SCRIPT.name}: {', '.join(missing)}")
    if not (WORDPRESS_TREE / "wp-load.php").is_file():
        raise RuntimeError(f"{WORDPRESS_TREE} has no WordPress (Debian package 'wordpress')")


def shared_dir():
    """../shared beside the repository, or None when this checkout has none."""
    path = REPO_ROOT.parent / "shared"
    return path if (path / "reference").is_dir() else None
