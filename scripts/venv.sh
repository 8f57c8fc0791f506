# venv.sh (sourced by test.sh, lint.sh and demo.sh, from the repository root): make .venv when missing and install the
# project with its test and lint extras when setup.cfg, setup.py or pyproject.toml changed since the last install.
venv=.venv
if [[ ! -x $venv/bin/python ]]; then
  python=$(command -v python3.11 || command -v python3) || { echo "no python3 found" >&2; exit 1; }
  "$python" -m venv "$venv"
fi
stamp=$venv/.wecoza-install-stamp
wanted=$(for f in setup.cfg setup.py pyproject.toml; do [[ -f $f ]] && cat "$f"; done | sha256sum | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$wanted" ]]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[test,lint]'
  echo "$wanted" > "$stamp"
fi
