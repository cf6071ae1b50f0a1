"""The entry point sets the collector's thresholds once; library code leaves the collector on."""

from __future__ import annotations

import gc
import subprocess
import sys

from monitor.process import GC_THRESHOLDS


def test_the_cli_entry_point_sets_the_gc_thresholds() -> None:
    code = (
        "import gc, sys\n"
        "from monitor.cli import main\n"
        "try:\n"
        "    main(['--version'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(gc.get_threshold(), gc.isenabled())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == f"{GC_THRESHOLDS} True"


def test_importing_the_library_changes_nothing() -> None:
    before = gc.get_threshold()
    import monitor.numbers.daily
    import monitor.storage.ingest  # noqa: F401

    assert gc.get_threshold() == before and gc.isenabled()
