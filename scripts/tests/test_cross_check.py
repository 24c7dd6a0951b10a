"""cross_check.py: loud failure without a binary, agreement and mismatch detection via a fake binary."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(os.path.dirname(HERE), "cross_check.py")
FAKE = os.path.join(HERE, "fake_coded.py")


def _run(*args, env=None):
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def test_require_binary_fails_loudly():
    proc = _run("--binary", "/nonexistent/coded", "--require-binary")
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: coded binary not found")


def test_agreement_with_faithful_binary():
    proc = _run("--binary", FAKE, "--require-binary", "--require-features", "--limit", "3")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 failed" in proc.stdout and "0 unsupported" in proc.stdout


def test_detects_mismatch_above_tolerance():
    proc = _run("--binary", FAKE, "--require-binary", "--limit", "1", env={"FAKE_CODED_PERTURB": "1e-6"})
    assert proc.returncode == 1
    assert "FAIL" in proc.stdout
