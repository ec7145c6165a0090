"""The README's two commands exist, are what CI runs, and point at real entry points."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _readme_commands():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## The two commands.*?```bash\n(.*?)```", text, re.S).group(1)
    return [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]


def test_readme_has_exactly_the_demo_and_test_commands():
    assert _readme_commands() == ["bash scripts/demo.sh", "bash scripts/test.sh"]


def test_ci_runs_the_readme_commands():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    for command in _readme_commands():
        assert command in ci


def test_scripts_install_then_run_the_real_entry_points():
    setup = (REPO / "scripts" / "setup.sh").read_text(encoding="utf-8")
    assert "libreoffice-calc-nogui" in setup and "python3-uno" in setup
    assert 'pip install -q -e ".[test]"' in setup
    assert "renaksi-xl demo" in (REPO / "scripts" / "demo.sh").read_text(encoding="utf-8")
    assert "-m pytest" in (REPO / "scripts" / "test.sh").read_text(encoding="utf-8")
