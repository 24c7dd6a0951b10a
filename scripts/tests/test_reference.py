"""reference_coded.py against closed forms and brute force."""
import numpy as np
import pytest
from scipy.interpolate import make_smoothing_spline

import reference_coded as rc


def test_node_families_closed_forms():
    assert rc.node_family("equispaced", 5).tolist() == [-1.0, -0.5, 0.0, 0.5, 1.0]
    assert rc.node_family("midpoints", 4).tolist() == [-0.75, -0.25, 0.25, 0.75]
    c2 = rc.node_family("chebyshev2", 3)
    assert c2[0] == -1.0 and c2[-1] == 1.0 and abs(c2[1]) < 1e-16
    c1 = rc.node_family("chebyshev1", 2)
    assert c1 == pytest.approx([-np.sqrt(0.5), np.sqrt(0.5)], abs=1e-15)
    alpha, beta = rc.layout_nodes("chebyshev", 4, 6)
    assert np.all(np.abs(alpha) < 1) and beta[0] == -1 and beta[-1] == 1


@pytest.mark.parametrize("scheme", ["letcc", "bacc", "lcc"])
def test_identity_is_reproduced_when_alpha_equals_beta(scheme):
    # K = N equispaced: α = β, λ = 0 interpolates, so decoding at α returns the inputs exactly.
    x = rc.generated_inputs(8, 3, -1, 1, seed=5)
    s = rc.Scheme(scheme, 8, 8, "equispaced", 0.0, 0.0, "identity")
    r = rc.run(s, x, 0, "none")
    assert r.mse < 1e-26
    assert np.max(np.abs(r.decoded - x)) < 1e-13


@pytest.mark.parametrize("function,degree", [("square", 2), ("cube", 3)])
def test_lcc_exact_within_threshold(function, degree):
    K, S = 4, 2
    N = (K - 1) * degree + 1 + S
    x = rc.generated_inputs(K, 2, -1, 1, seed=7)
    s = rc.Scheme("lcc", K, N, "chebyshev", function=function)
    for model in ("random", "worst-window"):
        r = rc.run(s, x, S, model, trials=3, seed=1)
        assert r.mse < 1e-24
    with pytest.raises(ValueError, match="at least"):
        rc.run(s, x, S + 1, "random")


@pytest.mark.parametrize("scheme", ["letcc", "bacc", "lcc"])
def test_worst_window_equals_brute_force_max(scheme):
    K, N, S = 6, 15, 4
    x = rc.generated_inputs(K, 2, -2, 2, seed=3)
    s = rc.Scheme(scheme, K, N, "equispaced", 1e-4, 1e-5, "xsinx")
    brute = []
    for start in range(N - S + 1):
        stragglers = list(range(start, start + S))
        brute.append(rc.run(s, x, S, "list", straggler_list=stragglers).mse)
    assert rc.run(s, x, S, "worst-window").mse == max(brute)
    assert len(rc.worst_windows(N, S)) == N - S + 1


def test_natural_spline_extends_linearly():
    t = np.linspace(-0.6, 0.8, 7)
    y = np.c_[np.sin(2 * t), t**3]
    g = rc.NaturalSmoothingSpline(t, y, 1e-3)
    inner = make_smoothing_spline(t, y, lam=1e-3, axis=0)
    z = np.linspace(-0.6, 0.8, 13)
    assert np.max(np.abs(g(z) - inner(z))) < 1e-14
    d = inner.derivative()
    for end, out in ((0.8, np.array([0.9, 1.0])), (-0.6, np.array([-0.7, -1.0]))):
        expected = inner(end) + np.multiply.outer(out - end, d(end))
        assert np.max(np.abs(g(out) - expected)) < 1e-13
    # A straight line is reproduced everywhere (the natural spline through collinear data).
    line = rc.NaturalSmoothingSpline(t, 2 * t - 1, 0.0)
    assert np.max(np.abs(line(np.array([-3.0, 0.1, 4.0])) - np.array([-7.0, -0.8, 7.0]))) < 1e-12


def test_huge_lambda_gives_least_squares_line():
    t = np.linspace(-1, 1, 9)
    y = np.exp(t)
    # λ = 1e6 is "infinite" here; scipy's solver loses accuracy beyond λ ≈ 1e8 (measured: the
    # distance to the LS line grows from 7e-8 at 1e6 to 9e-3 at 1e12).
    g = rc.NaturalSmoothingSpline(t, y, 1e6)
    slope, intercept = np.polyfit(t, y, 1)
    z = np.array([-1.5, 0.3, 2.0])
    assert np.max(np.abs(g(z) - (slope * z + intercept))) < 1e-6


def test_berrut_closed_forms():
    t = np.array([-1.0, 1.0])
    # Two nodes: r(z) = ((z−1)y0 + (z+1)y1)/2 ... i.e. the linear interpolant.
    assert rc.berrut(t, np.array([2.0, 4.0]), np.array([0.0, 0.5]))[:, 0] == pytest.approx([3.0, 3.5], abs=1e-15)
    nodes = rc.node_family("chebyshev2", 9)
    y = np.cos(nodes)
    assert np.array_equal(rc.berrut(nodes, y, nodes)[:, 0], y)
    # Three nodes −1, 0, 1 at z = 0.5: weights 1/1.5, −1/0.5, 1/(−0.5) → by hand.
    w = np.array([1 / 1.5, -1 / 0.5, 1 / -0.5])
    vals = np.array([1.0, 5.0, -2.0])
    assert rc.berrut(np.array([-1.0, 0.0, 1.0]), vals, np.array([0.5]))[0, 0] == pytest.approx(w @ vals / w.sum(), rel=1e-15)


def test_bacc_reindexes_survivors():
    s = rc.Scheme("bacc", 3, 7, "equispaced", function="identity")
    y = np.arange(7.0)[:, None] ** 2
    t = np.array([0, 2, 3, 6])
    expected = rc.berrut(s.beta[t], y[t], s.alpha)
    assert np.array_equal(s.decode(y[t], t), expected)


def test_uncoded_replaces_stragglers_by_mean():
    s = rc.Scheme("uncoded", 4, 4, function="identity")
    y = np.array([[1.0], [2.0], [3.0], [6.0]])
    out = s.decode(y[[0, 1, 3]], np.array([0, 1, 3]))
    assert out[:, 0].tolist() == [1.0, 2.0, 3.0, 6.0]
    out = s.decode(y[[0, 3]], np.array([0, 3]))
    assert out[:, 0].tolist() == [1.0, 3.5, 3.5, 6.0]


def test_gcv_matches_scipy_single_column():
    rng = np.random.default_rng(4)
    t = np.sort(rng.uniform(-1, 1, 40))
    y = np.sin(3 * t) + rng.normal(0, 0.1, t.size)
    lam = rc.gcv_lambda(t, y)
    ours = make_smoothing_spline(t, y, lam=lam)(t)
    theirs = make_smoothing_spline(t, y)(t)  # scipy's own GCV search
    assert np.max(np.abs(ours - theirs)) < 1e-3
    assert rc.gcv_score(t, y, lam) <= rc.gcv_score(t, y, lam * 1.5)
    assert rc.gcv_score(t, y, lam) <= rc.gcv_score(t, y, lam / 1.5)


def test_cli_prints_one_row(capsys):
    assert rc.main(["--scheme", "bacc", "--function", "sin", "--K", "5", "--workers", "12",
                    "--stragglers", "2", "--straggler-set", "3,7"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("scheme,function,K,N,S,straggler_model,noise,trials,mse")
    assert lines[1].split(",")[:6] == ["bacc", "sin", "5", "12", "2", "list"]


def test_cli_error_line(capsys):
    assert rc.main(["--scheme", "lcc", "--function", "cube", "--K", "5", "--workers", "8",
                    "--stragglers", "2", "--straggler-model", "random"]) == 1
    assert capsys.readouterr().err.startswith("error: lcc needs at least 13")


def test_reinsch_penalty_reproduces_scipy_fit():
    # (I + λK)⁻¹y is the smoothing spline's fitted values (Green & Silverman 1994, Thm 2.1).
    rng = np.random.default_rng(9)
    t = np.sort(rng.uniform(-1, 1, 25))
    y = np.cos(4 * t) + rng.normal(0, 0.05, t.size)
    for lam in (1e-6, 1e-3, 1.0):
        ours = np.linalg.solve(np.eye(t.size) + lam * rc.penalty_matrix(t), y)
        assert np.max(np.abs(ours - make_smoothing_spline(t, y, lam=lam)(t))) < 1e-9


def test_replication_averages_surviving_copies():
    s = rc.Scheme("replication", 3, 7, function="identity")  # workers hold x0 x1 x2 x0 x1 x2 x0
    y = np.array([[1.0], [2.0], [3.0], [5.0], [4.0], [9.0], [7.0]])
    t = np.array([0, 1, 3, 4, 6])  # copies of x2 (workers 2, 5) are lost
    out = s.decode(y[t], t)[:, 0]
    assert out.tolist() == [(1 + 5 + 7) / 3, 3.0, np.mean([1, 2, 5, 4, 7])]


def test_optimal_lambda_schedule():
    rng = np.random.default_rng(11)
    t = np.sort(rng.uniform(-1, 1, 60))
    y = np.sin(3 * t) + rng.normal(0, 0.05, t.size)
    assert rc.optimal_lambda(t, y, 0.0, 5) == 0.0
    # λ = n(σ²(S+1)/(4nJ))^{4/5}: for the same data (same pilot, same J) λ ∝ (σ²(S+1))^{4/5}.
    base = rc.optimal_lambda(t, y, 0.05, 3)
    assert rc.optimal_lambda(t, y, 0.1, 3) / base == pytest.approx(4 ** 0.8, rel=1e-10)
    assert rc.optimal_lambda(t, y, 0.05, 7) / base == pytest.approx(2 ** 0.8, rel=1e-10)
