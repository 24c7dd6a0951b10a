"""Generated blocks of the Guides (`<!-- numbers: NAME -->` … `<!-- /numbers -->`), each made
from notebooks-data/ by scripts/check_readme_numbers.py; see that script for the rule."""
import math
import statistics
import textwrap
from collections import defaultdict

from check_readme_numbers import find, power_of_ten, rows, sci, sig, signed


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

def coding(tool, scheme, threads):
    r = find("coding-speed.csv", "coding-speed", tool=tool, scheme=scheme, threads=threads)
    return float(r["seconds_median"]) * 1e3, r


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

def inference_table():
    """The Guide's Table-1 excerpt: four networks × four shapes (coded-inference.csv)."""
    lines = ["| model (test acc.) | (N, K, S) | LeTCC RMSE | LeTCC RelAcc | BACC RMSE | BACC RelAcc "
             "| replication RMSE | replication RelAcc |", "|---|---|---|---|---|---|---|---|"]
    for model in ("lenet-relu", "lenet-gelu", "mlp-relu", "mlp-tanh"):
        for k, n in ((10, 20), (10, 100), (20, 40), (20, 200)):
            s = n // 5
            cells = []
            for scheme in ("letcc", "bacc", "replication"):
                r = find("coded-inference.csv", "inference-table", model=model, scheme=scheme, K=k,
                         N=n, S=s)
                cells += [f"{float(r['rmse']):.3g}", f"{float(r['relative_accuracy']):.3f}"]
            lines.append(f"| {model} ({float(r['test_accuracy']):.3f}) | ({n}, {k}, {s}) | "
                         + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


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
            f"tiny arrays), {spread('32')} at batch 32 and {spread('450')} at batch 450 (1000³ "
            f"DGEMM in the same runs: {machine[0]}–{machine[-1]} GFLOP/s)."))


# --- LTCodes.md ---------------------------------------------------------------------------------

def lt_number(value):
    v = float(value)
    return f"{v:.0f}" if v >= 1000 else f"{v:.1f}" if v >= 100 else f"{v:.2f}"


def lt_latency_guide():
    """LTCodes.md's latency table (lt-latency.csv, sum recovery); rateless in bold."""
    labels = [("one", "one"), ("uncoded", "uncoded"), ("replication:2", "replication:2"),
              ("replication:4", "replication:4"), ("lt1", "lt1 (α = 2)"),
              ("ltr:2", "ltr:2 (α = 2)"), ("rateless", "rateless")]
    lines = ["| strategy | Exp(5): mean | median | p90 | p99 | Pareto(1,1): mean | median | p90 "
             "| p99 |", "|---|---|---|---|---|---|---|---|---|"]
    for strategy, label in labels:
        cells = []
        for law in ("exp5", "pareto11"):
            r = find("lt-latency.csv", "lt-latency-guide", law_name=law, mode="sum",
                     strategy=strategy)
            for column in ("mean", "median", "p90", "p99"):
                text = lt_number(r[column])
                cells.append(f"**{text}**" if strategy == "rateless" else text)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


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
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {used} | {sci(max(errors))} |")
    return "\n".join(lines) + "\n"


GENERATORS = {"bacc-speed": bacc_speed, "letcc-speed": letcc_speed,
              "letcc-n-sweep": letcc_n_sweep, "inference-table": inference_table,
              "inference-rates": inference_rates, "forward-speed": forward_speed,
              "lt-latency-guide": lt_latency_guide, "lt-thresholds": lt_thresholds,
              "lt-real": lt_real}
