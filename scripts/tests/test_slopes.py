"""slopes.py on synthetic power laws with known exponents."""
import numpy as np
import pytest

from slopes import fit_slope, fit_table, ols

N = np.array([16, 32, 64, 128, 256, 512], dtype=float)


@pytest.mark.parametrize("exponent", [-3.0, -2.0, -0.6, 1.5])
def test_exact_power_law_recovered(exponent):
    fit = fit_slope(N, 7.0 * N**exponent)
    assert abs(fit.slope - exponent) < 1e-12
    assert abs(fit.intercept - np.log(7.0)) < 1e-10
    assert fit.r2 == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("log_power,exponent", [(3, -3.0), (4, -2.0)])
def test_log_corrected_power_law_recovered(log_power, exponent):
    y = 0.5 * np.log(N) ** log_power * N**exponent
    assert abs(fit_slope(N, y, log_power=log_power).slope - exponent) < 1e-12
    # Ignoring the log factor biases the fitted exponent upwards (log^a N grows).
    assert fit_slope(N, y).slope > exponent + 0.5


def test_noisy_power_law_within_seed_interval():
    rng = np.random.default_rng(1)
    hits = 0
    for _ in range(200):
        y = 3.0 * N**-2.5 * np.exp(rng.normal(0, 0.2, size=(10, N.size)))
        fit = fit_slope(N, y)
        assert fit.seeds == 10 and fit.method == "per-seed-t"
        hits += fit.low <= -2.5 <= fit.high
    # Nominal 95 % coverage; 200 repetitions → binomial sd ≈ 1.5 %.
    assert 0.90 <= hits / 200 <= 0.99


def test_single_seed_ols_interval_covers():
    rng = np.random.default_rng(2)
    hits = 0
    for _ in range(200):
        y = N**-3 * np.exp(rng.normal(0, 0.1, size=N.size))
        fit = fit_slope(N, y)
        assert fit.method == "ols"
        hits += fit.low <= -3 <= fit.high
    assert 0.90 <= hits / 200 <= 0.99


def test_ols_standard_error_matches_scipy_linregress():
    from scipy.stats import linregress

    rng = np.random.default_rng(3)
    y = N**-1.2 * np.exp(rng.normal(0, 0.3, size=N.size))
    slope, intercept, se, _ = ols(N, y)
    ref = linregress(np.log(N), np.log(y))
    assert slope == pytest.approx(ref.slope, rel=1e-12)
    assert intercept == pytest.approx(ref.intercept, rel=1e-12)
    assert se == pytest.approx(ref.stderr, rel=1e-10)


def test_fit_table_groups_and_seeds():
    rows = []
    for scheme, b in (("letcc", -3.0), ("bacc", -2.0)):
        for seed in range(3):
            for n in N:
                rows.append({"scheme": scheme, "seed": str(seed), "N": str(n),
                             "mse": str((1 + seed) * n**b)})
    fits = dict(fit_table(rows, "N", "mse", ["scheme"], "seed"))
    assert fits[("letcc",)].slope == pytest.approx(-3.0, abs=1e-12)
    assert fits[("bacc",)].seeds == 3
    assert fits[("bacc",)].half_width == pytest.approx(0.0, abs=1e-9)


def test_rejects_nonpositive():
    with pytest.raises(ValueError):
        fit_slope(N, np.zeros_like(N))
