"""lt_reference.py: the Robust Soliton of Guides/LTCodes.md against values worked out by hand."""
import math

import numpy as np
import pytest

from lt_reference import robust_soliton


@pytest.mark.parametrize("m", [1, 2, 10, 500, 1000, 4096])
def test_sums_to_one_and_is_positive(m):
    _, _, _, mu = robust_soliton(m)
    assert mu.sum() == pytest.approx(1.0, abs=1e-12)
    assert (mu > 0).all()


def test_m_1000_by_hand():
    # S = 0.03 ln(2000) sqrt(1000) = 7.2108..., R = round(138.68) = 139.
    s, r, beta, mu = robust_soliton(1000)
    assert s == pytest.approx(0.03 * math.log(2000) * math.sqrt(1000), rel=1e-15)
    assert r == 139
    rho = lambda d: 1 / 1000 if d == 1 else 1 / (d * (d - 1))
    tau = lambda d: 1 / (d * 139) if d < 139 else (math.log(s / 0.5) / 139 if d == 139 else 0)
    weights = [rho(d) + tau(d) for d in range(1, 1001)]
    assert beta == pytest.approx(sum(weights), rel=1e-13)
    for d in (1, 2, 3, 10, 138, 139, 140, 1000):
        assert mu[d - 1] == pytest.approx(weights[d - 1] / sum(weights), rel=1e-12)


def test_spike_dropped_when_r_exceeds_m():
    # m = 10: S = 0.284 < 1, R = 35 > m — no spike, tau(d) = 1/(35 d) for every d.
    s, r, _, mu = robust_soliton(10)
    assert r == 35
    weights = np.array([(0.1 if d == 1 else 1 / (d * (d - 1))) + 1 / (35 * d) for d in range(1, 11)])
    np.testing.assert_allclose(mu, weights / weights.sum(), rtol=1e-13)
