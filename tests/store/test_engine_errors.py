"""What a user sees when the store cannot be used: one line that says what to do."""

from __future__ import annotations

import subprocess
import sys


def test_a_missing_postgresql_driver_names_the_extra_to_install() -> None:
    # The driver is installed here, so hide it the way a missing package would look.
    code = (
        "import sys; sys.modules['psycopg'] = None\n"
        "from coachloop.cli import main\n"
        "main(['report', '--db', 'postgresql://nobody@127.0.0.1:1/nothing'])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "pip install 'coachloop[postgres]'" in lines[0]
    assert "Traceback" not in proc.stderr
