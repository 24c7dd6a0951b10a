"""polar_study.py: the N log N exponent fit and the end-to-end crossover on synthetic CSVs."""
import csv
import math

import pytest

from mds_conditioning import chebyshev, gaussian
from polar_study import crossover, fit_exponent


@pytest.mark.parametrize("exponent", [1.0, 1.3])
def test_fit_recovers_exponent_of_n_log_n(exponent):
    points = [(2**n, 3e-9 * (2**n * n) ** exponent) for n in range(6, 17)]
    assert fit_exponent(points) == pytest.approx(exponent, abs=1e-12)


def test_crossover_is_decode_saving_over_job_time_gap(tmp_path):
    fields = ["latency", "scheme", "mean_job_time"]
    with open(tmp_path / "polar-job-time.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        for law in ["exponential:1", "shifted-exponential:1,1", "pareto:1,2.5"]:
            w.writerow({"latency": law, "scheme": "polar", "mean_job_time": 1.25})
            w.writerow({"latency": law, "scheme": "mds", "mean_job_time": 1.0})
    with open(tmp_path / "polar-timing.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["workers", "order", "statistic", "scheme", "decode_seconds"])
        w.writeheader()
        for order in ["random", "reversed"]:
            w.writerow({"workers": 1024, "order": order, "statistic": "median", "scheme": "polar", "decode_seconds": 0.001})
            w.writerow({"workers": 1024, "order": order, "statistic": "median", "scheme": "mds", "decode_seconds": 0.011})
    crossover(str(tmp_path))
    rows = list(csv.DictReader(open(tmp_path / "polar-crossover.csv")))
    # tau* = (0.011 - 0.001) / (1.25 - 1.0) = 0.04 s per law unit.
    assert all(math.isclose(float(r["crossover_task_seconds"]), 0.04) for r in rows)


def test_generators_are_systematic():
    import numpy as np

    rng = np.random.default_rng(0)
    for make in (gaussian, chebyshev):
        g = make(16, 8, rng)
        assert np.allclose(g[:8], np.eye(8), atol=1e-8)
