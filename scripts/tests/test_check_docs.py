"""scripts/check_docs.sh fails on any DocC warning and passes a clean build. A stand-in `swift`
on PATH prints what `swift package generate-documentation` would, so this runs in a second;
the real build is `bash scripts/check_docs.sh` (CI)."""
import os
import stat
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "scripts", "check_docs.sh")


def run_with_fake_swift(tmp_path, output, status=0):
    fake = tmp_path / "swift"
    fake.write_text(f"#!/bin/sh\ncat <<'OUT'\n{output}\nOUT\nexit {status}\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    env = dict(os.environ, PATH=f"{tmp_path}:{os.environ['PATH']}")
    return subprocess.run(["bash", SCRIPT], capture_output=True, text=True, env=env, timeout=60)


def test_a_clean_build_passes(tmp_path):
    proc = run_with_fake_swift(tmp_path, "Generated documentation archive at:\n  /x.doccarchive")
    assert proc.returncode == 0, proc.stderr
    assert "0 warnings" in proc.stdout


def test_a_broken_symbol_link_fails(tmp_path):
    proc = run_with_fake_swift(
        tmp_path,
        "warning: 'init(weightFileText:)' doesn't exist at '/CodedComputing/SequentialNetwork'\n"
        "   --> Sources/CodedComputing/Workloads/NeuralNetwork/SequentialNetwork+WeightFile.swift:112:11")
    assert proc.returncode == 1
    assert "1 warning(s)" in proc.stderr
    assert "init(weightFileText:)" in proc.stderr


def test_a_failed_build_fails(tmp_path):
    proc = run_with_fake_swift(tmp_path, "error: no such target", status=1)
    assert proc.returncode == 1
