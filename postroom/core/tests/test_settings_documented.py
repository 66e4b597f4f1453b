"""Every environment variable that config/env.py reads is documented in the README."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_it_documents_every_environment_variable():
    source = (ROOT / "config" / "env.py").read_text()
    names = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', source))
    readme = (ROOT / "README.md").read_text()

    assert names, "no variables found in config/env.py"
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert not missing, f"README lacks: {missing}"


def test_the_procfile_variables_are_documented_too():
    procfile = (ROOT / "Procfile").read_text()
    names = set(re.findall(r"\$\{([A-Z_]+)", procfile))
    readme = (ROOT / "README.md").read_text()

    assert not sorted(name for name in names if f"`{name}`" not in readme)
