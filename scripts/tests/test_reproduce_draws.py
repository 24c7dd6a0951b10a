"""The draw algorithm of Guides/Conventions.md, re-implemented in scripts/reproduce_draws.py, gives
the `coded` binary's numbers bit for bit: inputs, noise, Byzantine values, and the straggler sets of
the random, probabilistic and latency models (checked by running `coded run` with the model and
with `--straggler-model fixed` at the Python sets: identical MSE and decoded values). The debug
binary is the one `swift test` builds (or $CODED_EXECUTABLE); a missing binary is a failure."""
import csv
import io
import os
import subprocess
import sys

import pytest

import reproduce_draws as rd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("CODED_EXECUTABLE", os.path.join(ROOT, ".build", "debug", "coded"))


# --- the generator and the standard-library recipes, against pinned values -------------------

def test_splitmix64_matches_vigna_reference():
    # splitmix64.c, seed 1234567 (the same values Tests/CodedComputingTests/SplitMix64Tests pins).
    g = rd.SplitMix64(1234567)
    assert [g.next() for _ in range(5)] == [
        6457827717110365317, 3203168211198807973, 9817491932198370423,
        4593380528125082431, 16408922859458223821]
    assert rd.SplitMix64(0).next() == 0xE220A8397B1DCDAF


def test_uniform_unit_and_normal_match_the_swift_tests():
    g = rd.SplitMix64(1234567)
    assert [rd.uniform_unit(g) for _ in range(3)] == [
        0.3500795420214081, 0.17364409667091263, 0.5322073040624192]
    g = rd.SplitMix64(1234567)
    assert [rd.standard_normal(g) for _ in range(3)] == [
        0.4284879007349292, 0.007685698515048663, -1.858684499989007]


def test_the_guides_worked_examples():
    # Guides/Conventions.md: seed 0's first outputs, the Fisher–Yates steps and subset for
    # N = 30, S = 6, the inputs of `--K 3 --dim 1 --seed 0`, and t for u = 2⁵³ + 1.
    g = rd.SplitMix64(0)
    assert [g.next() for _ in range(4)] == [
        0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F, 0xF88BB8A8724C81EC]
    g = rd.SplitMix64(0)
    assert [rd.int_in(g, i, 30) for i in range(6)] == [26, 13, 2, 29, 6, 13]
    assert rd.random_subset(rd.SplitMix64(0), 30, 6) == [1, 2, 6, 13, 26, 29]
    assert [row[0] for row in rd.uniform_inputs(3, 1, -1.0, 1.0, 0)] == [
        -0.22368650742120288, -0.640112487858461, -0.1303849204173384]
    u = (1 << 53) + 1
    assert ((1 << 64) - u) % u == 9007199254738945


def test_bounded_draw_rejects_below_the_threshold():
    # upper = 3·2⁶²: t = 2⁶⁴ mod upper = 2⁶², so a draw r with low64(r·upper) < 2⁶² is rejected.
    upper = 3 << 62
    t = ((1 << 64) - upper) % upper
    assert t == 1 << 62
    g = rd.SplitMix64(5)
    raw = [g.next() for _ in range(64)]
    g = rd.SplitMix64(5)
    values = [rd.next_bounded(g, upper) for _ in range(40)]
    # Replay by hand: skip rejected raw draws.
    expected, k = [], 0
    while len(expected) < 40:
        m = raw[k] * upper
        k += 1
        if (m & rd.MASK64) >= t:
            expected.append(m >> 64)
    assert values == expected
    assert k > 40, "seed 5 should hit at least one rejection in 40 draws"


def test_power_of_two_bound_is_the_top_bits():
    g1, g2 = rd.SplitMix64(9), rd.SplitMix64(9)
    assert [rd.next_bounded(g1, 1 << 20) for _ in range(50)] == [g2.next() >> 44 for _ in range(50)]


# --- against the binary ---------------------------------------------------------------------

def _coded(*args: str, tmp_path=None, decoded: bool = False):
    assert os.path.exists(BINARY), f"{BINARY} not found: run `swift build` (or `swift test`) first"
    command = [BINARY, "run", *args]
    path = None
    if decoded:
        path = os.path.join(str(tmp_path), f"decoded-{abs(hash(args))}.csv")
        command += ["--decoded-output", path]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    header, row = list(csv.reader(io.StringIO(proc.stdout)))
    result = dict(zip(header, row))
    if decoded:
        with open(path, newline="") as handle:
            rows = list(csv.reader(handle))[1:]
        result["decoded"] = [[float(v) for v in r] for r in rows]
    return result


def test_inputs_noise_and_adversaries_bit_for_bit(tmp_path):
    # uncoded, N = K, identity, nobody straggles: the decoded values are the received rows, i.e.
    # the inputs, plus σ·N(0,1) noise, with q rows replaced by uniform values in [−A, A].
    k, d, seed, sigma, q, magnitude = 7, 3, 11, 0.25, 2, 7.5
    out = _coded("--scheme", "uncoded", "--function", "identity", "--K", str(k), "--dim", str(d),
                 "--input-range", "-2:5", "--workers", str(k), "--straggler-model", "none",
                 "--seed", str(seed), "--noise", str(sigma), "--adversaries", str(q),
                 "--adversary-magnitude", str(magnitude), tmp_path=tmp_path, decoded=True)
    x = rd.uniform_inputs(k, d, -2.0, 5.0, seed)
    (trial,) = rd.experiment_draws(seed=seed, workers=k, stragglers=0, model="none",
                                   output_dimension=d, noise=sigma, adversaries=q,
                                   magnitude=magnitude)
    expected = [[x[i][j] + trial["noise"][i][j] for j in range(d)] for i in range(k)]
    rows, values = trial["adversaries"][0]
    for row, replacement in zip(rows, values):
        expected[row] = replacement
    assert out["decoded"] == expected
    assert all(-magnitude <= v <= magnitude for r in values for v in r)


def test_inputs_without_noise(tmp_path):
    out = _coded("--scheme", "uncoded", "--function", "identity", "--K", "5", "--dim", "2",
                 "--workers", "5", "--straggler-model", "none", "--seed", "0",
                 tmp_path=tmp_path, decoded=True)
    assert out["decoded"] == rd.uniform_inputs(5, 2, -1.0, 1.0, 0)
    # Pinned: the first input of `--K 5 --dim 2 --seed 0` on [−1, 1].
    assert rd.uniform_inputs(5, 2, -1.0, 1.0, 0)[0][0] == out["decoded"][0][0]


COMMON = ["--scheme", "letcc", "--function", "xsinx", "--K", "8", "--workers", "30"]


def _fixed(stragglers, seed, tmp_path, extra=()):
    return _coded(*COMMON, *extra, "--stragglers", str(len(stragglers)), "--seed", str(seed),
                  "--straggler-model", "fixed", "--straggler-set", ",".join(map(str, stragglers)),
                  tmp_path=tmp_path, decoded=True)


@pytest.mark.parametrize("seed", [0, 1, 2, 12345])
def test_random_stragglers_are_the_documented_subset(seed, tmp_path):
    s = 6
    drawn = _coded(*COMMON, "--stragglers", str(s), "--seed", str(seed),
                   "--straggler-model", "random", tmp_path=tmp_path, decoded=True)
    (trial,) = rd.experiment_draws(seed=seed, workers=30, stragglers=s, model="random")
    (stragglers,) = trial["sets"]
    assert len(stragglers) == s
    replay = _fixed(stragglers, seed, tmp_path)
    assert drawn["mse"] == replay["mse"]
    assert drawn["decoded"] == replay["decoded"]


def test_random_stragglers_over_trials_share_one_stream(tmp_path):
    # Trial t's set is the t-th subset of the one SplitMix64(seed) stream; the reported MSE is
    # the plain mean of the trials' MSEs.
    seed, trials, s = 3, 4, 5
    drawn = _coded(*COMMON, "--stragglers", str(s), "--seed", str(seed), "--trials", str(trials),
                   "--straggler-model", "random")
    draws = rd.experiment_draws(seed=seed, workers=30, stragglers=s, trials=trials)
    per_trial = [float(_fixed(t["sets"][0], seed, tmp_path)["mse"]) for t in draws]
    mean = 0.0
    for value in per_trial:
        mean += value
    assert float(drawn["mse"]) == mean / trials
    assert float(drawn["mse_max"]) == max(per_trial)
    assert float(drawn["mse_min"]) == min(per_trial)


def test_random_stragglers_with_noise(tmp_path):
    # The noise (N × m normals, column-major) comes before the subset in the trial's stream.
    seed, s, sigma = 8, 4, 0.01
    drawn = _coded(*COMMON, "--stragglers", str(s), "--seed", str(seed), "--noise", str(sigma),
                   "--straggler-model", "random", tmp_path=tmp_path, decoded=True)
    (trial,) = rd.experiment_draws(seed=seed, workers=30, stragglers=s, noise=sigma)
    # A fixed-set run with the same seed draws the same noise (the fixed model draws nothing).
    replay = _fixed(trial["sets"][0], seed, tmp_path, extra=("--noise", str(sigma)))
    assert drawn["decoded"] == replay["decoded"]
    assert drawn["mse"] == replay["mse"]


def test_probabilistic_stragglers_with_redraws(tmp_path):
    # p = 0.8 on N = 10 leaves fewer than LeTCC's 3 survivors (decoder λ optimal) in most draws:
    # the draw is repeated until it decodes. Each worker straggles when the low 53 bits of one
    # draw, times 2⁻⁵³, are below p.
    args = ["--scheme", "letcc", "--function", "sin", "--K", "4", "--workers", "10"]
    for seed in (0, 4):
        drawn = _coded(*args, "--seed", str(seed), "--straggler-model", "probabilistic",
                       "--straggle-probability", "0.8", tmp_path=tmp_path, decoded=True)
        (trial,) = rd.experiment_draws(seed=seed, workers=10, stragglers=0, model="probabilistic",
                                       probability=0.8, minimum_survivors=3)
        stragglers = trial["sets"][0]
        assert 10 - len(stragglers) >= 3
        assert float(drawn["mean_survivors"]) == 10 - len(stragglers)
        replay = _coded(*args, "--seed", str(seed), "--straggler-model", "fixed",
                        "--stragglers", str(len(stragglers)),
                        "--straggler-set", ",".join(map(str, stragglers)),
                        tmp_path=tmp_path, decoded=True)
        assert drawn["decoded"] == replay["decoded"]


def test_latency_stragglers_are_the_slowest_draws(tmp_path):
    for model in ("exponential:2", "pareto:1,1.5", "shifted-exponential:0.5,3"):
        drawn = _coded(*COMMON, "--stragglers", "5", "--seed", "21", "--straggler-model",
                       "latency", "--latency", model, tmp_path=tmp_path, decoded=True)
        (trial,) = rd.experiment_draws(seed=21, workers=30, stragglers=5, model="latency",
                                       latency=model)
        replay = _fixed(trial["sets"][0], 21, tmp_path)
        assert drawn["decoded"] == replay["decoded"], model


def test_worst_window_is_the_maximum_over_windows(tmp_path):
    args = ["--scheme", "bacc", "--function", "xsinx", "--K", "5", "--workers", "12"]
    drawn = _coded(*args, "--stragglers", "3", "--straggler-model", "worst-window")
    windows = [float(_coded(*args, "--stragglers", "3", "--straggler-model", "fixed",
                            "--straggler-set", f"{i},{i + 1},{i + 2}")["mse"]) for i in range(10)]
    assert float(drawn["mse"]) == max(windows)


def test_independent_reference_scores_the_python_sets(tmp_path):
    # The NumPy/SciPy reference (scripts/reference_coded.py), given the Python inputs and the
    # Python random set as an explicit list, reproduces `coded run --straggler-model random`.
    seed, s = 2, 6
    drawn = _coded(*COMMON, "--stragglers", str(s), "--seed", str(seed),
                   "--straggler-model", "random", "--decoder-lambda", "0")
    inputs = tmp_path / "inputs.csv"
    x = rd.uniform_inputs(8, 1, -1.0, 1.0, seed)
    inputs.write_text("x0\n" + "".join(f"{row[0]!r}\n" for row in x))
    (trial,) = rd.experiment_draws(seed=seed, workers=30, stragglers=s)
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, "scripts", "reference_coded.py"), "--scheme", "letcc",
         "--function", "xsinx", "--inputs", str(inputs), "--workers", "30", "--stragglers", str(s),
         "--straggler-model", "fixed", "--straggler-set", ",".join(map(str, trial["sets"][0])),
         "--decoder-lambda", "0"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    header, row = list(csv.reader(io.StringIO(proc.stdout)))[:2]
    reference = dict(zip(header, row))
    assert float(reference["mse"]) == pytest.approx(float(drawn["mse"]), rel=1e-6)
