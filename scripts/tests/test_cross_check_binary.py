"""The real cross-check: `coded run` (the debug binary that `swift test` builds) against the
independent NumPy/SciPy reference on identical inputs and straggler sets, every case, decoded
values included. Part of the README test command, so it must not be skipped: a missing binary is
a failure."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_swift_binary_agrees_with_reference():
    binary = os.environ.get("CODED_EXECUTABLE", os.path.join(ROOT, ".build", "debug", "coded"))
    assert os.path.exists(binary), f"{binary} not found: run `swift build` (or `swift test`) first"
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, "scripts", "cross_check.py"), "--binary", binary,
         "--require-binary", "--require-features"],
        capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 failed" in proc.stderr + proc.stdout
