"""decay_study.py: the CSV schema of every experiment, slopes.csv and the README index (quick grid)."""
import csv
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(os.path.dirname(HERE), "decay_study.py")
EXPERIMENTS = ["n-sweep-noiseless", "n-sweep-noisy", "s-sweep", "probabilistic", "byzantine", "lambda", "encoder"]


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    out = tmp_path_factory.mktemp("study")
    proc = subprocess.run([sys.executable, SCRIPT, "--quick", "--engine", "reference", "--no-plots",
                           "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return out, proc


def _read(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_experiment_has_the_tidy_schema(study):
    import decay_study as ds

    out, _ = study
    for name in EXPERIMENTS:
        rows = _read(out / f"{name}.csv")
        assert rows, name
        assert list(rows[0].keys()) == ds.COLUMNS
        for r in rows:
            assert r["experiment"] == name and r["engine"] in ("swift", "reference")
            assert float(r["mse"]) >= 0 and int(r["N"]) > 0 and int(r["seed"]) >= 0
        assert len({r["seed"] for r in rows}) == 2  # quick grid: two seeds


def test_slopes_and_readme(study):
    import decay_study as ds

    out, proc = study
    rows = _read(out / "slopes.csv")
    assert list(rows[0].keys()) == ds.SLOPE_COLUMNS
    assert {r["experiment"] for r in rows} == set(EXPERIMENTS) - {"lambda"}
    for r in rows:
        assert float(r["ci_low"]) <= float(r["slope"]) <= float(r["ci_high"])
    claimed = [r for r in rows if r["claimed"]]
    assert any(r["experiment"] == "probabilistic" and r["log_power"] == "3" for r in claimed)
    text = (out / "README.md").read_text()
    for name in EXPERIMENTS:
        assert f"[{name}.csv]({name}.csv)" in text
    assert "python3 scripts/reference_coded.py" in text
    assert "sweeps" in proc.stderr  # progress on stderr


def test_plot_writes_png(tmp_path):
    import decay_study as ds

    rows = [{"experiment": "n-sweep-noiseless", "scheme": s, "function": "xsinx", "dim": "1",
             "straggler_model": "worst-window", "N": str(n), "mse": str(n ** b), "seed": "0"}
            for s, b in (("letcc", -3.0), ("bacc", -2.0)) for n in (10, 20, 40)]
    path = tmp_path / "plot.png"
    ds.plot("n-sweep-noiseless", rows, str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_unknown_experiment_is_an_error():
    proc = subprocess.run([sys.executable, SCRIPT, "--only", "nope", "--engine", "reference", "--out", "/tmp"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and proc.stderr.startswith("error: unknown experiment")


def test_swift_engine_rows_have_the_same_schema(tmp_path):
    import decay_study as ds

    binary = ds.find_binary(None)
    if binary is None:
        pytest.skip("no coded binary (cross_check.py --require-binary is the CI gate for it)")
    proc = subprocess.run([sys.executable, SCRIPT, "--quick", "--engine", "swift", "--no-plots", "--no-speed",
                           "--only", "s-sweep,probabilistic,lambda", "--seeds", "1", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    for name in ("s-sweep", "probabilistic", "lambda"):
        rows = _read(tmp_path / f"{name}.csv")
        assert rows and list(rows[0].keys()) == ds.COLUMNS
        assert {r["engine"] for r in rows} == {"swift"}
    used = [r["decoder_lambda_used"] for r in _read(tmp_path / "lambda.csv") if r["decoder_lambda"] == "gcv"]
    assert used and all(float(u) > 0 for u in used)
