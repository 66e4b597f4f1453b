"""The README's production steps run `collectstatic` with DEBUG off: the manifest
storage then follows every reference in the CSS and JS it copies, and a reference
to a file that is not there (a vendored library's source map) fails the deployment."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_it_collects_static_files_under_production_settings(tmp_path: Path) -> None:
    # given production settings (DEBUG off: compressed manifest storage)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "collectstatic-test-" + "x" * 50,
        "POSTROOM_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)

    # when
    done = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    # then
    assert done.returncode == 0, done.stderr
    manifest = tmp_path / "static" / "staticfiles.json"
    assert "vendor/chartjs/chart.umd.min.js" in manifest.read_text()
