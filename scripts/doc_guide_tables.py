"""Generated blocks of the Guides (`<!-- numbers: NAME -->` … `<!-- /numbers -->`), each made
from notebooks-data/ by scripts/check_readme_numbers.py; see that script for the rule."""
import math
import statistics
import textwrap
from collections import defaultdict

from check_readme_numbers import (coding, find, inference_table, job_time_table, lt_latency,
                                  mean_and_p99, power_of_ten, rows, sci, sig, signed)


def paragraph(text):
    """`text` wrapped at 100 columns, as the Guides are."""
    return textwrap.fill(text, width=100, break_long_words=False, break_on_hyphens=False) + "\n"


def grouped(value):
    return f"{int(round(value)):,}".replace(",", " ")


def lsq_slope(points):
    mx = statistics.fmean(x for x, _ in points)
    my = statistics.fmean(y for _, y in points)
    return (sum((x - mx) * (y - my) for x, y in points)
            / sum((x - mx) ** 2 for x, _ in points))


# --- BACC.md and LeTCC.md: coding speed ---------------------------------------------------------

def gflops(r):
    return f"{float(r['gflops']):.0f} GFLOP/s"


def bacc_speed():
    """BACC.md's speed table and the sentence of ratios under it (coding-speed.csv, one run)."""
    b1, _ = coding("coded", "bacc", 1)
    b2, _ = coding("coded", "bacc", 2)
    g1, g1r = coding("coded", "limit-gemm", 1)
    g2, g2r = coding("coded", "limit-gemm", 2)
    n2, n2r = coding("numpy", "bacc-gemm", 2)
    _, big = coding("numpy", "dgemm-2000", 2)
    flops = float(n2r["gflops"]) * n2 / 1e3  # GFLOP per round, from NumPy's own rate
    need = 3 * flops / (n2 / 1e3)
    return (
        "| | 1 thread | 2 threads |\n|---|---|---|\n"
        f"| BACC encode + decode (`coded timing`) | {sig(b1)} ms | {sig(b2)} ms |\n"
        f"| its two `dgemm` calls alone (Debian's OpenBLAS 0.3.21) | {sig(g1)} ms ({gflops(g1r)}) "
        f"| {sig(g2)} ms ({gflops(g2r)}) |\n"
        f"| NumPy `E @ X` + `D @ Y` (NumPy's own OpenBLAS) | — | {sig(n2)} ms ({gflops(n2r)}) |\n"
        f"| NumPy 2000 × 2000 × 2000 product: the machine's GEMM rate in this run | — | "
        f"{gflops(big)} |\n\n" + paragraph(
        f"BACC costs {sig(b1 / g1)}× its GEMMs on one thread and {sig(b2 / g2)}× on two (target "
        f"≤ 2×): building D_T for a new survivor set and checking the output are small beside the "
        f"products. The other target, \"≥ 3× faster than NumPy\", cannot be met by any "
        f"implementation of the dense operators: they cost 2(N·K + K·|T|)·d = {flops:.2f} GFLOP "
        f"per round, and 3× NumPy's speed would need {need:.0f} GFLOP/s, "
        f"{sig(need / float(big['gflops']), 2)}× the large-GEMM rate measured in the same run."))


def letcc_speed():
    """LeTCC.md's speed table and its ratios (coding-speed.csv, one run)."""
    l1, _ = coding("coded", "letcc", 1)
    l2, _ = coding("coded", "letcc", 2)
    c1, _ = coding("coded", "limit-memcopy", 1)
    s1, _ = coding("scipy", "letcc", 1)
    return (
        "| | 1 thread | 2 threads |\n|---|---|---|\n"
        f"| LeTCC encode + decode | {sig(l1)} ms | {sig(l2)} ms |\n"
        f"| one plain copy of the 2100 × 784 doubles a round reads and writes | {sig(c1, 2)} ms | — |\n"
        f"| scipy's vectorised `make_smoothing_spline` pipeline | {sig(s1)} ms | — |\n\n"
        + paragraph(f"So LeTCC runs at {sig(l1 / c1, 2)}× the copy (target ≤ 5×) and {sig(s1 / l1)}× faster "
        f"than scipy single-threaded (target ≥ 10×), {sig(s1 / l2)}× on two threads."))


def letcc_n_sweep():
    """LeTCC.md's N table: `coded sweep` into notebooks-data/letcc-n-sweep.csv, with the
    least-squares slopes of log MSE against log N."""
    table = {(int(r["N"]), r["scheme"]): float(r["mse"]) for r in rows("letcc-n-sweep.csv")}
    ns = sorted({n for n, _ in table})
    lines = ["| N | LeTCC | BACC |", "|---|---|---|"]
    lines += [f"| {n} | {sci(table[(n, 'letcc')])} | {sci(table[(n, 'bacc')])} |" for n in ns]
    slope = {s: lsq_slope([(math.log(n), math.log(table[(n, s)])) for n in ns])
             for s in ("letcc", "bacc")}
    return ("\n".join(lines) + "\n\n" + paragraph(
            f"LeTCC falls like N^{{{signed(slope['letcc'], 1)}}} here (least-squares slope), much "
            "faster than the paper's worst-case O(S⁴N⁻³) bound (a bound, not a prediction: f∘u is "
            "smooth, and cubic-spline interpolation error is O(h⁴) in value, O(h⁸) in MSE, once the "
            f"gap S/N resolves the function). BACC falls like N^{{{signed(slope['bacc'], 1)}}}."))


# --- CodedInference.md --------------------------------------------------------------------------

def inference_guide():
    """The Guide's Table-1 excerpt: four networks × four shapes (coded-inference.csv)."""
    return inference_table(("lenet-relu", "lenet-gelu", "mlp-relu", "mlp-tanh"),
                           lambda _: [(10, 20), (10, 100), (20, 40), (20, 200)])


def inference_rates():
    """Slopes of log RMSE against log N at S = 0, N ≥ 5K, per network, scheme and K (the rates of
    scripts/plot_inference.py)."""
    groups = defaultdict(list)
    for r in rows("coded-inference.csv"):
        if r["S"] == "0" and int(r["N"]) >= 5 * int(r["K"]) and float(r["rmse"]) > 1e-12:
            groups[(r["model"], r["scheme"], r["K"])].append(
                (math.log(int(r["N"])), math.log(float(r["rmse"]))))
    lines = ["| network | LeTCC, K = 10 | LeTCC, K = 20 | BACC, K = 10 | BACC, K = 20 |",
             "|---|---|---|---|---|"]
    for model in ("mlp-relu", "mlp-tanh", "mlp-gelu", "lenet-relu", "lenet-tanh", "lenet-gelu"):
        cells = []
        for scheme in ("letcc", "bacc"):
            for k in ("10", "20"):
                points = groups.get((model, scheme, k))
                if not points:
                    raise SystemExit(f"inference-rates: no S = 0 rows for {model} {scheme} K={k}")
                cells.append(signed(lsq_slope(points), 2))
        lines.append(f"| {model} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def rate(value):
    """Images per second as the Guide writes them: 1.03 M, 147 k, 2.59 k."""
    return f"{sig(value / 1e6)} M" if value >= 1e6 else f"{sig(value / 1e3)} k"


def forward_speed():
    """Images per second of `coded forward-speed` and NumPy (nn-forward-speed.csv, one run), and
    the range of Swift/NumPy ratios per batch size."""
    found = {(r["implementation"], r["model"], r["batch_size"]): float(r["images_per_second"])
             for r in rows("nn-forward-speed.csv")}
    models = [m for m in ("mlp-relu", "mlp-tanh", "lenet-relu", "lenet-gelu")
              if ("swift", m, "1") in found]
    lines = ["| network | Swift, 1 image/call | NumPy, 1 | Swift, batch 32 | NumPy, 32 "
             "| Swift, batch 450 | NumPy, 450 |", "|---|---|---|---|---|---|---|"]
    ratios = defaultdict(list)
    for model in models:
        cells = []
        for batch in ("1", "32", "450"):
            swift, numpy = found[("swift", model, batch)], found[("numpy", model, batch)]
            cells += [rate(swift), rate(numpy)]
            ratios[batch].append(swift / numpy)
        lines.append(f"| {model} | " + " | ".join(cells) + " |")
    machine = sorted({r["gemm_gflops"] for r in rows("nn-forward-speed.csv")}, key=float)

    def spread(batch):
        return f"{sig(min(ratios[batch]), 2)}–{sig(max(ratios[batch]), 2)}×"

    return ("\n".join(lines) + "\n\n" + paragraph(
            f"Swift/NumPy: {spread('1')} one image at a time (NumPy pays its per-call overhead on "
            f"tiny arrays), {spread('32')} at batch 32 and {spread('450')} at batch 450 (384³ "
            f"DGEMM in the same runs: {machine[0]}–{machine[-1]} GFLOP/s)."))


# --- LTCodes.md ---------------------------------------------------------------------------------

def lt_latency_guide():
    """LTCodes.md's latency table (lt-latency.csv, sum recovery); rateless in bold."""
    return lt_latency([("one", "one"), ("uncoded", "uncoded"), ("replication:2", "replication:2"),
                       ("replication:4", "replication:4"), ("lt1", "lt1 (α = 2)"),
                       ("ltr:2", "ltr:2 (α = 2)"), ("rateless", "rateless")],
                      ("Exp(5)", "Pareto(1,1)"))


def lt_thresholds():
    """LTCodes.md's threshold table (lt-thresholds.csv)."""
    orders = {"iid": "i.i.d.", "exp5": "Exp(5) arrivals", "pareto11": "Pareto(1,1) arrivals"}
    lines = ["| m | order | mode | mean M′ | median | p95 | p99 | P(M′ ≤ fixed) |",
             "|---|---|---|---|---|---|---|---|"]
    for sources in sorted({int(r["sources"]) for r in rows("lt-thresholds.csv")}):
        for order, mode in (("iid", "full"), ("iid", "sum"), ("exp5", "full"),
                            ("pareto11", "full")):
            r = find("lt-thresholds.csv", "lt-thresholds", sources=sources, order=order, mode=mode)
            p = float(r["p_le_fixed"])
            probability = f"{p:.4f}" if p > 0.99 else f"{p:.3g}"
            if order == "iid" and mode == "full":
                probability += f" (≤ {grouped(float(r['fixed_threshold']))})"
            lines.append(
                f"| {grouped(sources)} | {orders[order]} | {mode} | {float(r['mean']):.1f} | "
                f"{float(r['median']):.0f} | {float(r['p95']):.0f} | {float(r['p99']):.0f} | "
                f"{probability} |")
    return "\n".join(lines) + "\n"


def lt_real():
    """LTCodes.md's real-arrival table (lt-real.csv), seconds."""
    labels = [("uncoded", "uncoded"), ("replication:2", "replication:2"),
              ("lt1", "lt1 (α = 2)"), ("rateless", "rateless")]
    lines = ["| strategy | Exp(5)·10 ms: mean | median | p90 | p99 | Pareto(1,1)·10 ms: mean "
             "| median | p90 | p99 | results consumed | worst relative error of Σ |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for strategy, label in labels:
        cells, consumed, errors = [], [], []
        for law in ("exp5", "pareto11"):
            r = find("lt-real.csv", "lt-real", law_name=law, strategy=strategy)
            cells += [f"{float(r[c]):.3f}" if float(r[c]) < 1 else sig(float(r[c]))
                      for c in ("mean", "median", "p90", "p99")]
            consumed.append(float(r["mean_results"]))
            errors.append(float(r["max_relative_error"]))
        used = (grouped(consumed[0]) if grouped(consumed[0]) == grouped(consumed[1])
                else f"{grouped(consumed[0])} / {grouped(consumed[1])}")
        worst = max(errors)
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {used} | "
                     + (sci(worst) if worst > 0 else "0") + " |")
    return "\n".join(lines) + "\n"


GENERATORS = {"bacc-speed": bacc_speed, "letcc-speed": letcc_speed,
              "letcc-n-sweep": letcc_n_sweep, "inference-table": inference_guide,
              "inference-rates": inference_rates, "forward-speed": forward_speed,
              "lt-latency-guide": lt_latency_guide, "lt-thresholds": lt_thresholds,
              "lt-real": lt_real}


# --- PolarCodes.md ------------------------------------------------------------------------------

LAWS = ("exponential:1", "shifted-exponential:1,1", "pareto:1,2.5")


def polar_job_time_guide():
    """PolarCodes.md's job-time table, three laws (polar-job-time.csv)."""
    return job_time_table(
        "polar-job-time.csv", "| law | polar mean / p99 | MDS mean / p99 | uncoded (512) mean / p99 "
        "| replication mean / p99 |", LAWS, ("polar", "mds", "uncoded", "replication"),
        mean_and_p99)


def polar_500_vs_1500():
    """PolarCodes.md's 500-uncoded-vs-1 500-coded table (polar-500-vs-1500.csv): mean (p99)."""
    return job_time_table(
        "polar-500-vs-1500.csv", "| law, mean (p99) | uncoded, 500 workers | polar, 1 500 "
        "(shortened from 2 048) | MDS, 1 500 | replication ×3 |", LAWS,
        ("uncoded", "polar", "mds", "replication"),
        lambda r: f"{float(r['mean_job_time']):#.3g} ({float(r['p99_job_time']):#.3g})")


def polar_timing_guide():
    """PolarCodes.md's timing table, N = 1024, K = 512, 64 columns (polar-timing.csv), ms."""
    def ms(scheme, order, statistic, column):
        r = find("polar-timing.csv", "polar-timing-guide", workers=1024, data_blocks=512,
                 columns=64, order=order, statistic=statistic, scheme=scheme)
        return float(r[column]) * 1e3

    def cell(scheme, order, column):
        return (f"{sig(ms(scheme, order, 'median', column))} ms "
                f"({sig(ms(scheme, order, 'minimum', column))})")

    return ("| N = 1024, K = 512, m = 64 | polar | MDS, random arrivals (r ≈ K/2 solved) "
            "| MDS, parity only (K × K solve) |\n|---|---|---|---|\n"
            f"| decode, median (fastest) | {cell('polar', 'random', 'decode_seconds')} | "
            f"{cell('mds', 'random', 'decode_seconds')} | "
            f"{cell('mds', 'reversed', 'decode_seconds')} |\n"
            f"| encode, median (fastest) | {cell('polar', 'random', 'encode_seconds')} | "
            f"{cell('mds', 'random', 'encode_seconds')} | — |\n")


def polar_descent():
    """PolarCodes.md's descent table: model seconds to target (polar-descent.csv)."""
    names = {"exponential:1": "exponential:1.0", "shifted-exponential:1,1":
             "shifted-exponential:1.0,1.0", "pareto:1,2.5": "pareto:1.0,2.5"}
    lines = ["| problem, law | polar | MDS | uncoded | replication |", "|---|---|---|---|---|"]
    for problem, label in (("least-squares", "least squares"), ("logistic", "logistic")):
        for law in LAWS:
            cells = [f"{float(find('polar-descent.csv', 'polar-descent', scheme=s, problem=problem, latency=names[law])['model_seconds_to_target']):.3f}"  # noqa: E501
                     for s in ("polar", "mds", "uncoded", "replication")]
            lines.append(f"| {label}, {law} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def condition(value):
    """A condition number as PolarCodes.md writes it: 20, 5.7·10³, ∞."""
    v = float(value)
    if math.isinf(v):
        return "∞ (singular in double)"
    if v < 100:
        return f"{v:.0f}"
    exponent = math.floor(math.log10(v))
    return f"{v / 10 ** exponent:.1f}·10{str(exponent).translate(SUPER)}"


SUPER = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def mds_conditioning():
    """PolarCodes.md's MDS conditioning table (mds-conditioning.csv)."""
    lines = ["| K | random completion, median / worst found | Chebyshev–Vandermonde (systematic), "
             "median / worst found |", "|---|---|---|"]
    for k in sorted({int(r["K"]) for r in rows("mds-conditioning.csv")}):
        cells = []
        for generator in ("gaussian", "chebyshev"):
            r = find("mds-conditioning.csv", "mds-conditioning", generator=generator, K=k)
            cells.append(f"{condition(r['median_random_condition'])} / "
                         f"{condition(r['worst_found_condition'])}")
        lines.append(f"| {k} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


# --- LearnedCodes.md ----------------------------------------------------------------------------

def parity_guide():
    """LearnedCodes.md's degraded-accuracy table (parity-models.csv)."""
    entries = {}
    for r in rows("parity-models.csv"):
        key = (int(r["k"]), r["model"].replace("digits-", ""))
        entry = entries.setdefault(key, {"base": float(r["base_accuracy"])})
        scheme = "parity-" + r["encoder"] if r["scheme"] == "parity" else r["scheme"]
        entry[scheme] = float(r["degraded_accuracy"])
    lines = ["| model | k | base acc. | parity sum | parity concat | learned | LeTCC | BACC "
             "| replication (2×) | default | parity-sum − default |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for (k, model), e in sorted(entries.items()):
        cells = [f"{e[c]:.3f}" if c in e else "—"
                 for c in ("parity-sum", "parity-concat", "learned", "letcc", "bacc")]
        lines.append(f"| {model} | {k} | {e['base']:.3f} | " + " | ".join(cells)
                     + f" | {e['base']:.3f} | {e['default']:.3f} | "
                     f"{e['parity-sum'] - e['default']:+.3f} |")
    return "\n".join(lines) + "\n"


# --- BlackBoxOptimization.md --------------------------------------------------------------------

def gradient_784():
    """BlackBoxOptimization.md's d = 784 gradient table (blackbox/gradient-784.csv, 2 trials per
    row: evaluations and seconds are their means, the error their range)."""
    labels = {"polar": "polar (K = 28)", "mds": "MDS (K = 28)", "uncoded": "uncoded (K = 32)",
              "replication": "replication (K = 6, 5 copies)", "gaussian": "Gaussian (K = 28)"}
    error_notes = {("polar", "random"): " (undecodable blocks → least squares)"}
    model_notes = {("polar", "random"): " (4 absent / block)",
                   ("uncoded", "exponential:1"): " (drops 4 / block)",
                   ("gaussian", "exponential:1"): " (stops at all-but-S answers overall)"}
    models = {"polar": ("random", "exponential:1", "pareto:1,1.5"),
              "mds": ("random", "exponential:1", "pareto:1,1.5"),
              "uncoded": ("random", "exponential:1"), "replication": ("random", "exponential:1"),
              "gaussian": ("random", "exponential:1")}
    lines = ["| code | straggler model | evaluations | relative error | seconds |",
             "|---|---|---|---|---|"]
    for code, straggler_models in models.items():
        for index, model in enumerate(straggler_models):
            found = [r for r in rows("blackbox/gradient-784.csv")
                     if r["code"] == code and r["straggler_model"] == model]
            if not found:
                raise SystemExit(f"gradient-784: no rows for {code} {model}")
            errors = sorted(float(r["gradient_relative_error"]) for r in found)

            def text(v):
                return f"{v:.2f}" if v >= 0.01 else sci(v)

            error = (text(errors[0]) if text(errors[0]) == text(errors[-1])
                     else f"{text(errors[0])}–{text(errors[-1])}")
            evaluations = statistics.fmean(float(r["evaluations"]) for r in found)
            seconds = statistics.fmean(float(r["seconds"]) for r in found)
            name = labels[code] if index == 0 else labels[code].split(" (")[0]
            lines.append(f"| {name} | {model}{model_notes.get((code, model), '')} | "
                         f"{evaluations:.0f} | {error}{error_notes.get((code, model), '')} | "
                         f"{sig(seconds)} |")
    return "\n".join(lines) + "\n"


# --- Distributed.md -----------------------------------------------------------------------------

def mpi_overhead():
    """Distributed.md's overhead table (mpi/overhead.csv, every run in the file)."""
    def value(run, backend, n, column):
        r = find("mpi/overhead.csv", "mpi-overhead", run=run, backend=backend, N=n)
        return float(r[column])

    def short(v):
        return sig(v, 2) if v < 1 else sig(v, 3)

    runs = sorted({int(r["run"]) for r in rows("mpi/overhead.csv")})
    names = ", ".join(str(run) for run in runs)
    lines = [f"| N (ranks) | in-process pool, ms (runs {names}) | MPI pool, ms (runs {names}) "
             f"| MPI round only, p50 / p99 ms (runs {names}) |", "|---|---|---|---|"]
    for n, label in ((64, "64 (65 ranks on 2 cores)"), (8, "8 (9 ranks)"), (2, "2 (3 ranks)")):
        inprocess = ", ".join(short(value(run, "inprocess", n, "total_ms_p50")) for run in runs)
        mpi = ", ".join(short(value(run, "mpi", n, "total_ms_p50")) for run in runs)
        rounds = ", ".join(f"{short(value(run, 'mpi', n, 'round_ms_p50'))} / "
                           f"{short(value(run, 'mpi', n, 'round_ms_p99'))}" for run in runs)
        lines.append(f"| {label} | {inprocess} | {mpi} | {rounds} |")
    return "\n".join(lines) + "\n"


# --- SmoothingSpline.md -------------------------------------------------------------------------

def duration(seconds):
    """0.11 ms, 12.9 ms, 1.05 s, 1.4 µs."""
    for scale, unit in ((1, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if seconds >= scale or unit == "µs":
            v = seconds / scale
            return f"{sig(v, 2) if v < 10 else sig(v, 3)} {unit}"
    raise AssertionError


def spline_speed_guide():
    """SmoothingSpline.md's speed table (spline-speed.csv, one run) and its targets."""
    def row(tool, mode, n, c, what=""):
        found = [r for r in rows("spline-speed.csv") if r["tool"] == tool and r["mode"] == mode
                 and r["n"] == str(n) and r["columns"] == str(c)
                 and r["what_is_timed"].startswith(what)]
        return found[0] if found else None

    def times(ratio):
        return f"{sig(ratio, 2) if ratio < 10 else f'{ratio:.0f}'}×"

    shapes = sorted({(int(r["columns"]), int(r["n"])) for r in rows("spline-speed.csv")})
    lines = ["| n | c | coded compute | csaps | scipy | vs csaps | vs scipy | coded GCV (+fit) "
             "| bound | compute / bound |", "|---|---|---|---|---|---|---|---|---|---|"]
    for c, n in shapes:
        coded = row("coded", "fixed", n, c, "compute")
        csaps, scipy = row("csaps", "fixed", n, c), row("scipy", "fixed", n, c)
        gcv, bound = row("coded", "gcv", n, c, "compute"), row("bound", "fixed", n, c)
        if coded is None:
            continue
        t = float(coded["seconds"])
        cells = [duration(t)]
        cells += [duration(float(r["seconds"])) if r else "" for r in (csaps, scipy)]
        cells += [times(float(r["seconds"]) / t) if r else "" for r in (csaps, scipy)]
        cells.append(duration(float(gcv["seconds"])) if gcv else "")
        cells.append(duration(float(bound["seconds"])) if bound else "")
        cells.append(f"{t / float(bound['seconds']):.0f}" if bound else "")
        lines.append(f"| {power_of_ten(n)} | {c} | " + " | ".join(cells) + " |")
    top = max(n for c, n in shapes if c == 1)
    coded = float(row("coded", "fixed", top, 1, "compute")["seconds"])
    csaps = float(row("csaps", "fixed", top, 1)["seconds"])
    scipy = float(row("scipy", "fixed", top, 1)["seconds"])
    gcv_row = row("coded", "gcv", top, 1, "compute")
    gcv = float(gcv_row["seconds"])
    bound = float(row("bound", "fixed", top, 1)["seconds"])
    met = {True: "met", False: "*not met*"}
    return ("\n".join(lines) + "\n\n" + paragraph(
        f"Targets at n = {power_of_ten(top)} (issue 12, as in the README): fit + evaluate within "
        f"10× of one pass {met[coded <= 10 * bound]} ({coded / bound:.0f}×); GCV + fit ≤ 1 s on "
        f"2 cores {met[gcv <= 1]} ({duration(gcv)}, {gcv_row['note']}). Earlier targets: 10× "
        f"csaps {met[csaps >= 10 * coded]} ({times(csaps / coded)}); 30× scipy "
        f"{met[scipy >= 30 * coded]} ({times(scipy / coded)})."))


GENERATORS.update({"polar-job-time-guide": polar_job_time_guide,
                   "polar-500-vs-1500": polar_500_vs_1500, "polar-timing-guide": polar_timing_guide,
                   "polar-descent": polar_descent, "mds-conditioning": mds_conditioning,
                   "parity-guide": parity_guide, "gradient-784": gradient_784,
                   "mpi-overhead": mpi_overhead, "spline-speed-guide": spline_speed_guide})


def dot_power(value, digits=2):
    """1.4·10⁻³ (two significant digits; one when the second is 0)."""
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    if mantissa.endswith(".0"):
        mantissa = mantissa[:-2]
    return f"{mantissa}·10{str(int(exponent)).translate(SUPER)}"


def spline_agreement():
    """The agreement sentence under SmoothingSpline.md's speed table: max |tool − coded| of the
    values (spline-speed.csv, column max_abs_diff_vs_coded)."""
    def diffs(tool, n):
        return [float(r["max_abs_diff_vs_coded"]) for r in rows("spline-speed.csv")
                if r["tool"] == tool and r["mode"] == "fixed" and r["n"] == str(n)
                and r["max_abs_diff_vs_coded"]]

    def at(tool, n):
        values = diffs(tool, n)
        if not values:
            raise SystemExit(f"spline-agreement: no {tool} rows at n = {n}")
        low, high = min(values), max(values)
        return (dot_power(low, 1) if dot_power(low, 1) == dot_power(high, 1)
                else f"{dot_power(low, 1)} … {dot_power(high, 1)}")

    ns = sorted({int(r["n"]) for r in rows("spline-speed.csv")})
    parts = {tool: ", ".join(f"{at(tool, n)} at {power_of_ten(n)}" for n in ns if diffs(tool, n))
             for tool in ("csaps", "scipy")}
    return paragraph(
        "Agreement of the values at the points (max |tool − coded| over the columns, "
        f"`max_abs_diff_vs_coded`): csaps {parts['csaps']}; scipy {parts['scipy']}. Both Python "
        "tools solve normal equations (csaps a sparse R + pQᵀQ system, scipy a B-spline Gram "
        "system), so their error grows with 9λ/h³ as the old Cholesky route's did; the 60-digit "
        "checks above are what establish which side is right.")


GENERATORS["spline-agreement"] = spline_agreement


# --- LCC.md -------------------------------------------------------------------------------------

def lcc_nodes():
    """LCC.md's table: MSE of LCC, S = 2 worst-window, Chebyshev against equispaced workers
    (notebooks-data/lcc-nodes.csv, N ≤ 320)."""
    table = {(int(r["N"]), r["nodes"]): float(r["mse"]) for r in rows("lcc-nodes.csv")}
    lines = ["| N | chebyshev | equispaced |", "|---|---|---|"]
    for n in sorted({n for n, nodes in table if nodes == "chebyshev" and n <= 320}):
        cells = [sci(table[(n, nodes)]) if (n, nodes) in table else ""
                 for nodes in ("chebyshev", "equispaced")]
        lines.append(f"| {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


GENERATORS["lcc-nodes"] = lcc_nodes


def lt_speed_table():
    """LTCodes.md's decoder-speed table (lt-speed.csv, one run, 3 seeds per m): per m the edges
    per decode, the seconds per decode and the seconds per edge, each as the seeds' range."""
    def spread(values, fmt, unit):
        low, high = fmt(min(values)), fmt(max(values))
        return f"{low}{unit}" if low == high else f"{low}–{high}{unit}"

    def edges(values):
        if max(values) < 1e6:
            return power_of_ten(int(round(statistics.fmean(values), -1)))
        return spread([v / 1e6 for v in values], lambda v: sig(v, 3), " M")

    def seconds(values):
        if max(values) < 0.1:
            return spread([v * 1e3 for v in values], lambda v: sig(v, 2), " ms")
        return spread(values, lambda v: f"{v:.2f}", " s")

    lines = ["| m | edges per decode | seconds per decode | per edge |", "|---|---|---|---|"]
    for m, label in ((10**3, "10³"), (10**4, "10⁴"), (10**5, "10⁵"), (3 * 10**5, "3·10⁵"),
                     (10**6, "10⁶")):
        found = [r for r in rows("lt-speed.csv") if r["sources"] == str(m)]
        if not found:
            raise SystemExit(f"lt-speed-table: no lt-speed.csv rows for m = {m}")
        e = [float(r["edges"]) for r in found]
        t = [float(r["seconds"]) for r in found]
        lines.append(f"| {label} | {edges(e)} | {seconds(t)} | "
                     f"{spread([b / a * 1e9 for a, b in zip(e, t)], lambda v: f'{v:.0f}', ' ns')} |")
    return "\n".join(lines) + "\n"


GENERATORS["lt-speed-table"] = lt_speed_table


def lt_accuracy_table():
    """LTCodes.md's accuracy table (lt-accuracy.csv): worst |error| of a recovered source and
    relative error of the sum, plain double and double-double symbol values."""
    def e(value, bold):
        if value == 0:
            return "**0**" if bold else "0"
        mantissa, exponent = f"{value:.1e}".split("e")
        return mantissa if int(exponent) == 0 else f"{mantissa}e{int(exponent)}"

    def get(m, data, values, column):
        return float(find("lt-accuracy.csv", "lt-accuracy-table", sources=m, data=data,
                          symbol_values=values)[column])

    def cells(ms, data, bold):
        out = []
        for values in ("double", "double-double"):
            for column in ("worst_abs_error", "sum_relative_error"):
                found = [get(m, data, values, column) for m in ms]
                if len(ms) == 1 or all(v == 0 for v in found):
                    out.append(e(found[0], bold))
                else:
                    out.append(f"{e(min(found), bold)} … {e(max(found), bold)}")
        return " | ".join(out)

    power = {10**3: "10³", 10**4: "10⁴", 10**5: "10⁵", 10**6: "10⁶"}
    lines = ["| sources x | m | plain double symbol values: worst source | sum | double-double: "
             "worst source | sum |", "|---|---|---|---|---|---|"]
    for i, m in enumerate((10**3, 10**4, 10**5, 10**6)):
        label = "| U(−10, 10) |" if i == 0 else "| |"
        lines.append(f"{label} {power[m]} | {cells([m], 'uniform(-10:10)', True)} |")
    wide = "10^uniform(-6.0:6.0)"
    lines.append(f"| ±10^U(−6, 6) (12 decades) | 10³ … 10⁶ | "
                 f"{cells([10**3, 10**4, 10**5, 10**6], wide, True)} |")
    for i, m in enumerate((10**3, 10**4, 10**5)):
        label = "| ±10^U(−12, 12) (24 decades) |" if i == 0 else "| |"
        lines.append(f"{label} {power[m]} | {cells([m], '10^uniform(-12.0:12.0)', False)} |")
    return "\n".join(lines) + "\n"


GENERATORS["lt-accuracy-table"] = lt_accuracy_table


def lt_span_limit():
    """LTCodes.md's span-limit table (lt-span-limit.csv): per L the mean threshold, the trials
    the span test completed, the tracker overflows and the whole process's seconds."""
    labels = {"0": "0 (peeling only)", "256": "256 (default)"}
    found = rows("lt-span-limit.csv")
    if not found:
        raise SystemExit("lt-span-limit: notebooks-data/lt-span-limit.csv has no rows")
    lines = ["| L | mean M′ | completions by the span test | tracker overflows | time |",
             "|---|---|---|---|---|"]
    for r in sorted(found, key=lambda r: int(r["span_limit"])):
        label = labels.get(r["span_limit"], f"{int(r['span_limit']):,}".replace(",", " "))
        lines.append(f"| {label} | {r['mean']} | {r['span_completions']} | "
                     f"{r['tracker_overflows']} | {duration(float(r['wall_seconds']))} |")
    return "\n".join(lines) + "\n"


GENERATORS["lt-span-limit"] = lt_span_limit


def blas_check():
    """BLAS.md's loader table (blas-check.csv, `scripts/blas_check_compare.py`): each loader
    setting against OpenBLAS's own kernels, value by value."""
    found = rows("blas-check.csv")
    if not found:
        raise SystemExit("blas-check: notebooks-data/blas-check.csv has no rows")
    own = found[0]["baseline_core"]

    def of(setting):
        mine = [r for r in found if r["setting"] == setting]
        if not mine:
            raise SystemExit(f"blas-check: blas-check.csv has no '{setting}' rows")
        return mine

    def identical(setting):
        return all(r["identical"] == r["values"] for r in of(setting))

    def worst(setting, prefix):
        values = [float(r["relative"]) for r in of(setting) if r["case"].startswith(prefix)]
        mantissa, exponent = f"{max(values):.1e}".split("e")
        return f"{mantissa}e{int(exponent)}"

    def gaps(setting, long):
        if identical(setting):
            return "bit-identical"
        if long:
            return (f"not bit-identical (FMA, blocking): ≤ {worst(setting, 'dgemm')} of the largest "
                    f"entry for GEMM, {worst(setting, 'dgesv')} for an unconditioned 40 × 40 "
                    f"`dgesv`, {worst(setting, 'spline')} for the spline")
        return (f"≤ {worst(setting, 'dgemm')} for GEMM, {worst(setting, 'dgesv')} `dgesv`, "
                f"{worst(setting, 'spline')} spline")

    total = sum(int(r["values"]) for r in of("corrected"))
    grouped_total = f"{total:,}".replace(",", " ")
    first = (f"**bit-identical**, all {grouped_total} values"
             if identical("corrected") and identical("coretype-own") else
             f"**not** bit-identical: {gaps('corrected', False)}")
    lines = ["| compared | result |", "|---|---|",
             f"| corrected in process (Prescott → {own}) vs `OPENBLAS_CORETYPE={own}` vs "
             f"OpenBLAS's own choice | {first} |",
             f"| {own} vs `SkylakeX` | {gaps('SkylakeX', True)}"
             f"{' (same double-precision kernels)' if identical('SkylakeX') else ''} |",
             f"| {own} vs Prescott (the fallback) | {gaps('Prescott', True)} |"]
    if any(r["setting"] == "reference" for r in found):
        lines.append(f"| {own} vs Netlib reference BLAS + LAPACK | {gaps('reference', False)} |")
    return "\n".join(lines) + "\n"


GENERATORS["blas-check"] = blas_check
