#!/usr/bin/env python3
"""Keeps the numbers in README.md and Guides/*.md equal to the result files they come from.

Two kinds of checked numbers, both recomputed from notebooks-data/ on every run:

* **Tables** (and the lines around them) between an HTML comment pair

      <!-- numbers: NAME -->
      ...text that GENERATORS[NAME] makes from notebooks-data/ ...
      <!-- /numbers -->

  The speed tables are such blocks too: they are made from the committed speed CSVs, machine
  label included (the CSVs' `cpu_model`, `blas_core` and `gemm_gflops` columns).
  So are the Guides' `swift package benchmark` figures, made by scripts/doc_bench_tables.py from
  notebooks-data/benchmarks/TARGET.csv (`python3 scripts/benchmarks_to_csv.py TARGET`), with
  the run's date, load average and commit.
* **Numbers in prose**, listed in scripts/doc_claims.py: each claim is a sentence fragment of one
  file with `{name}` holes, and a function per hole that computes the number from a CSV. The
  fragment must occur exactly once (whitespace and line breaks match any whitespace), and each
  hole must hold the computed text. The Markdown itself carries no markers.

`python3 scripts/check_readme_numbers.py` checks every file and exits 1 with a diff when one
differs (CI runs it through scripts/tests/test_readme_numbers.py); `--write` rewrites the blocks
and the holes in place. An unknown block name, a generator or claim whose source rows are
missing, and a claim whose fragment is not found (or found twice) are errors, so neither a stale
number nor a stale marker passes.

Which numbers are checked: every number in README's results sections and in the Guides that
comes from a data file (the prose claims live in scripts/doc_claims.py, the Guides' blocks in
scripts/doc_guide_tables.py).
Exempt are numbers that are not measurements — definitions and parameters of an experiment
(K = 10, S = 5, seed 0, 450 test images), constants, options and their defaults, the papers'
claimed rates, and figures of the CLI's promises. `--uncovered --readme FILE` lists the numbers
of a file that are neither in a block, nor in a claim, nor exempted, to review that rule
(`--count` per file). Measured numbers that no committed data file holds are exempted one by one
in scripts/doc_exempt.py, each with a kind (`benchmark`: a `swift package benchmark` run;
`unit-test`: a bound a named test asserts; `script`: a committed script that exits 1 on a
mismatch; `history`: a dated one-off) and a reason; the checker fails on an exemption without a
reason, on one whose text is not found once, and on a `history` exemption whose text names no
date, issue or commit (`--uncovered --exempt` lists the exempted numbers). What `--uncovered`
still lists in the Guides was reviewed on 1 December 2026 as parameters, definitions, the papers'
figures and worked examples; the borderline ones are roundings of a generated table in prose
(CodedInference's "≈ N^{−1.5}", LTCodes' "~1e-12 on the sum"), analytic values (LTCodes' ripple
"S ≈ 7"), a check `scripts/compare_spline_speed.py` prints ("checked against scipy to 7·10⁻¹³")
and SmoothingSpline's complexity table ("about 25–55 evaluations").

Refreshing the speed figures on a quiet machine is one command, `bash scripts/refresh_speed.sh`:
it reruns the speed scripts into notebooks-data/ and then this checker with `--write`.
"""
import argparse
import csv
import difflib
import glob
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "notebooks-data")
BLOCK = re.compile(r"(<!-- numbers: ([a-z0-9-]+) -->\n)(.*?)(<!-- /numbers -->)", re.S)
_CACHE = {}


def rows(name):
    """The rows of notebooks-data/NAME as dictionaries (read once per run)."""
    if name not in _CACHE:
        with open(os.path.join(DATA, name), newline="") as handle:
            _CACHE[name] = list(csv.DictReader(handle))
    return _CACHE[name]


def sci(value):
    """1 significant decimal in the README's style: 4.9e-1, 1.4e1, 2.0e-9."""
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def signed(value, digits):
    """A number with a typographic minus: −6.47."""
    text = f"{value:.{digits}f}"
    return text.replace("-", "\u2212")


def sig(value, digits=3):
    """`digits` significant digits, trailing zeros kept (0.0500, 1.00, 23.7), no exponent below
    10⁶; a typographic minus."""
    if value == 0:
        return "0"
    text = f"{value:#.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        exp = int(exponent)
        if -5 <= exp < 6:
            text = f"{value:.{max(digits - 1 - exp, 0)}f}"
        else:
            text = f"{mantissa.rstrip('.')}e{exp}"
    return text.rstrip(".").replace("-", "\u2212")


SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def power_of_ten(n):
    """10⁴ for 10000; other integers with a thin grouping space (1 127)."""
    exponent = len(str(n)) - 1
    if n == 10 ** exponent and exponent > 2:
        return "10" + str(exponent).translate(SUPERSCRIPT)
    return f"{n:,}".replace(",", " ")


def find(name, what, **match):
    """The one row of notebooks-data/NAME whose columns equal `match` (strings); an error naming
    `what` when there is none or more than one."""
    found = [r for r in rows(name) if all(r.get(k) == str(v) for k, v in match.items())]
    if len(found) != 1:
        raise SystemExit(f"{what}: {len(found)} rows of {name} match {match}, expected 1")
    return found[0]


# ---------------------------------------------------------------------------------------------
# Tables of the results sections


def main_job():
    """The main job's table, from notebooks-data/main-job.csv: the README's main-job command with
    `--output notebooks-data/main-job.csv` (one seed, 0)."""
    table = {(int(r["N"]), r["scheme"]): float(r["mse"]) for r in rows("main-job.csv")}
    ns = sorted({n for n, _ in table})
    if not ns:
        raise SystemExit("main-job: notebooks-data/main-job.csv has no rows")
    lines = ["| N | LeTCC | BACC | LCC |", "|---|---|---|---|"]
    for n in ns:
        cells = [sci(table[(n, s)]) if (n, s) in table else "—" for s in ("letcc", "bacc", "lcc")]
        lines.append(f"| {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def slope_cell(found, key):
    r = found.get(key)
    if r is None:
        raise SystemExit(f"decay-slopes: no slopes.csv row for {key}")
    return (f"{signed(float(r['slope']), 2)} [{signed(float(r['ci_low']), 2)}, "
            f"{signed(float(r['ci_high']), 2)}]")


def decay_slopes():
    """The slope table: fits on N = 80–640 (per-seed t intervals), Byzantine on N = 20–640."""
    found = {}
    for r in rows("slopes.csv"):
        if r["function"] != "xsinx" or r["dim"] != "1" or r["method"] != "per-seed-t":
            continue
        key = (r["experiment"], r["scheme"], r["straggler_model"], r["decoder_lambda"], r["p"],
               r["adversary_exponent"], r["encoder_lambda"], r["x_range"], r["log_power"])
        found[key] = r

    def k(experiment, scheme, model, lam="0.0", p="", a="", enc="0.0", rng="80-640", power="0"):
        return (experiment, scheme, model, lam, p, a, enc, rng, power)

    nl, ny, pr = "n-sweep-noiseless", "n-sweep-noisy", "probabilistic"
    lines = [
        "| experiment (`xsinx`) | LeTCC slope | BACC slope | paper's claim |",
        "|---|---|---|---|",
        f"| noiseless, worst-window S = 5 | {slope_cell(found, k(nl, 'letcc', 'worst-window'))} | "
        f"{slope_cell(found, k(nl, 'bacc', 'worst-window'))} | LeTCC O(S³N⁻³) (NeurIPS: S⁴N⁻³) |",
        f"| noiseless, random S = 5 | {slope_cell(found, k(nl, 'letcc', 'random'))} | "
        f"{slope_cell(found, k(nl, 'bacc', 'random'))} | same |",
        f"| noise σ = 0.01, random, λ_dec optimal / gcv | "
        f"{slope_cell(found, k(ny, 'letcc', 'random', 'optimal'))} / "
        f"{slope_cell(found, k(ny, 'letcc', 'random', 'gcv'))} | "
        f"{slope_cell(found, k(ny, 'bacc', 'random'))} (stalls near σ²) | "
        f"LeTCC O(S^{{8/5}}N^{{−3/5}}) |",
        f"| noise σ = 0.01, worst-window, λ_dec optimal | "
        f"{slope_cell(found, k(ny, 'letcc', 'worst-window', 'optimal'))} | "
        f"{slope_cell(found, k(ny, 'bacc', 'worst-window'))} | same |",
        f"| probabilistic p = 0.1 (fit of MSE/log³N, MSE/log⁴N) | "
        f"{slope_cell(found, k(pr, 'letcc', 'probabilistic', p='0.1', power='3'))} | "
        f"{slope_cell(found, k(pr, 'bacc', 'probabilistic', p='0.1', power='4'))} | "
        f"log³N·N⁻³ (LeTCC), log⁴N·N⁻² (BACC) |",
        f"| probabilistic p = 0.3 (same) | "
        f"{slope_cell(found, k(pr, 'letcc', 'probabilistic', p='0.3', power='3'))} | "
        f"{slope_cell(found, k(pr, 'bacc', 'probabilistic', p='0.3', power='4'))} | same |",
    ]
    byz = [found.get(k("byzantine", "letcc", "none", "best", a=a, rng="20-640"))
           for a in ("0.0", "0.25", "0.5")]
    if None in byz:
        raise SystemExit("decay-slopes: missing Byzantine slopes in slopes.csv")
    byz_text = " / ".join(signed(float(r["slope"]), 2) for r in byz)
    lines.append(f"| Byzantine q = ⌈N^a⌉, best λ per N, a = 0 / 0.25 / 0.5 (N = 20–640) | "
                 f"{byz_text} | — | N^{{6/5(a−1)}}: −1.2 / −0.9 / −0.6 |")
    return "\n".join(lines) + "\n"


def parity_models():
    """The parity-model table, from notebooks-data/parity-models.csv through the same function
    that writes notebooks-data/parity-models-table.md (scripts/plot_parity.py)."""
    import plot_parity  # noqa: PLC0415 (matplotlib is only needed when this block is present)

    rows_ = rows("parity-models.csv")
    if not rows_:
        raise SystemExit("parity-models: notebooks-data/parity-models.csv has no rows")
    return plot_parity.table(rows_)


LT_LABELS = [("one", "one worker"), ("uncoded", "uncoded"), ("replication:2", "replication:2"),
             ("replication:4", "replication:4"), ("lt1", "LT-1, 2 symbols/worker"),
             ("ltr:2", "LT-2, 1 symbol/worker"), ("rateless", "rateless LT")]


def lt_latency(labels=LT_LABELS, laws=("Exp(mean 5)", "Pareto(1, 1)")):
    """The LT latency table, from notebooks-data/lt-latency.csv (sum recovery, both laws); the
    rateless row in bold. `labels` names the strategies, `laws` the two laws in the header."""
    def number(value):
        v = float(value)
        return f"{v:.0f}" if v >= 1000 else f"{v:.1f}" if v >= 100 else f"{v:.2f}"

    lines = [f"| strategy | {laws[0]}: mean | median | p90 | p99 | {laws[1]}: mean | median "
             "| p90 | p99 |", "|---|---|---|---|---|---|---|---|---|"]
    for strategy, label in labels:
        cells = []
        for law in ("exp5", "pareto11"):
            r = find("lt-latency.csv", "lt-latency", law_name=law, mode="sum", strategy=strategy)
            for column in ("mean", "median", "p90", "p99"):
                text = number(r[column])
                cells.append(f"**{text}**" if strategy == "rateless" else text)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def job_time_table(name, header, laws, schemes, cell):
    """One row per latency law and one cell per scheme of notebooks-data/NAME (`cell(row)`)."""
    lines = [header, "|---" * (len(schemes) + 1) + "|"]
    for law in laws:
        cells = [cell(find(name, name, latency=law, scheme=scheme)) for scheme in schemes]
        lines.append(f"| {law} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def mean_and_p99(r):
    return f"{float(r['mean_job_time']):#.3g} / {float(r['p99_job_time']):#.3g}"


def polar_job_time():
    """The polar job-time table (mean / p99, 3 significant digits), from
    notebooks-data/polar-job-time.csv."""
    return job_time_table(
        "polar-job-time.csv", "| law | polar job time mean / p99 | MDS | uncoded (512 workers) "
        "| replication ×2 |", ("exponential:1", "pareto:1,2.5"),
        ("polar", "mds", "uncoded", "replication"), mean_and_p99)


def polar_decode():
    """The polar decode-time table, N = 1024, K = 512, 64 columns, from
    notebooks-data/polar-timing.csv (median and fastest of the repeats)."""
    def seconds(scheme, order, statistic):
        r = find("polar-timing.csv", "polar-decode", workers=1024, data_blocks=512, columns=64,
                 order=order, statistic=statistic, scheme=scheme)
        return float(r["decode_seconds"]) * 1e3

    cells = []
    for scheme, order in (("polar", "random"), ("mds", "random"), ("mds", "reversed")):
        cells.append(f"{sig(seconds(scheme, order, 'median'))} ms "
                     f"({sig(seconds(scheme, order, 'minimum'))})")
    return ("| decode, N = 1024, K = 512, m = 64 | polar | MDS, random arrivals (≈ K/2 blocks "
            "solved) | MDS, parity only (K × K) |\n|---|---|---|---|\n"
            "| seconds, median (fastest) | " + " | ".join(cells) + " |\n")


def inference_table(models, shapes):
    """Rows of the coded-inference table (notebooks-data/coded-inference.csv, random stragglers,
    seed 0) for `models` at the (K, N) `shapes`, S = N/5; cells formatted as
    scripts/plot_inference.py formats notebooks-data/coded-inference-table.md."""
    lines = ["| model (test acc.) | (N, K, S) | LeTCC RMSE | LeTCC RelAcc | BACC RMSE | BACC RelAcc "
             "| replication RMSE | replication RelAcc |", "|---|---|---|---|---|---|---|---|"]
    for model in models:
        for k, n in shapes(model):
            s = n // 5
            cells = []
            for scheme in ("letcc", "bacc", "replication"):
                r = find("coded-inference.csv", "coded-inference", model=model, scheme=scheme, K=k,
                         N=n, S=s)
                cells += [f"{float(r['rmse']):.3g}", f"{float(r['relative_accuracy']):.3f}"]
            acc = float(r["test_accuracy"])
            lines.append(f"| {model} ({acc:.3f}) | ({n}, {k}, {s}) | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def coded_inference():
    """The README's excerpt of the coded-inference table: three networks at N = 2K and 10K."""
    def shapes(model):
        k = 20 if model == "mlp-tanh" else 10
        return [(k, 2 * k), (k, 10 * k)]

    return inference_table(("lenet-relu", "lenet-gelu", "mlp-tanh"), shapes)


BLACKBOX_ROWS = [
    # (file stem, code, label)
    ("attack-{law}", "polar", "polar (K = 12 per 16)"),
    ("attack-{law}", "mds", "MDS (K = 12 per 16)"),
    ("attack-{law}-uncoded-wait", "uncoded", "coordinate FD, waits for all"),
    ("attack-{law}", "uncoded", "coordinate FD, drops the 4 slowest per 16"),
    ("attack-{law}", "gaussian", "Gaussian random search (20 directions, first 16)"),
]


def blackbox_attack():
    """The black-box attack table, from notebooks-data/blackbox/attack-{exponential,pareto}*.csv
    (budget 4000 queries per image)."""
    lines = ["| latency | estimator | success | mean L2 | median L2 | queries to 1st success "
             "| s / image |", "|---|---|---|---|---|---|---|"]
    for law, label in (("exponential", "exponential:1"), ("pareto", "pareto:1,1.5")):
        for stem, code, name in BLACKBOX_ROWS:
            r = find(f"blackbox/{stem.format(law=law)}.csv", "blackbox-attack", code=code)
            if law == "pareto":  # the second law repeats the estimators' names briefly
                name = name.split(" (")[0]
            lines.append(
                f"| {label} | {name} | {float(r['success_rate']):.2f} | {float(r['mean_l2']):.3f} "
                f"| {float(r['median_l2']):.3f} | {float(r['mean_queries_to_success']):.0f} "
                f"| {float(r['mean_seconds']):.3f} |")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Speed: made from the committed speed CSVs, machine label included

MACHINE_EXTRA = ["load_average", "loadavg", "date", "commit", "openblas_version", "os"]


def coding(tool, scheme, threads):
    """(median milliseconds, row) of notebooks-data/coding-speed.csv."""
    r = find("coding-speed.csv", "coding-speed", tool=tool, scheme=scheme, threads=threads)
    return float(r["seconds_median"]) * 1e3, r


def machine_label(files):
    """One sentence naming the machine of the speed CSVs `files`, from their machine columns
    (`cpu_model`, `blas_core`, `gemm_gflops`, and any of MACHINE_EXTRA another script adds)."""
    values = {}
    for name in files:
        for r in rows(name):
            for column in ["cpu_model", "blas_core", "gemm_gflops"] + MACHINE_EXTRA:
                if r.get(column):
                    values.setdefault(column, []).append(r[column])
    if not values:
        raise SystemExit(f"speed: none of {files} has machine columns")

    def listing(column):
        seen = []
        for v in values.get(column, []):
            if v not in seen:
                seen.append(v)
        return " / ".join(f"`{v}`" for v in seen)

    def spread(column):
        numbers = sorted(float(v) for v in values[column])
        low, high = numbers[0], numbers[-1]
        return f"{low:.1f}" if low == high else f"{low:.1f}–{high:.1f}"

    parts = [f"CPU {listing('cpu_model')}", f"BLAS core {listing('blas_core')}"]
    if "gemm_gflops" in values:
        parts.append(f"DGEMM rate (the CSVs' `gemm_gflops`: a 384³ product, best of 5) "
                     f"{spread('gemm_gflops')} GFLOP/s in the same runs")
    for column in MACHINE_EXTRA:
        if column in values:
            try:
                parts.append(f"{column.replace('_', ' ')} {spread(column)}")
            except ValueError:
                parts.append(f"{column.replace('_', ' ')} {listing(column)}")
    return "; ".join(parts)


def speed():
    """The README's speed table: one row per figure, every number from a committed speed CSV
    (one run per CSV), the target and whether it is met computed from the same numbers."""
    def forward(implementation, model, batch):
        r = find("nn-forward-speed.csv", "speed", implementation=implementation, model=model,
                 batch_size=batch)
        return float(r["images_per_second"]) / 1e6

    def spline(tool, mode, n, what):
        found = [r for r in rows("spline-speed.csv") if r["tool"] == tool and r["mode"] == mode
                 and r["n"] == str(n) and r["columns"] == "1"
                 and r["what_is_timed"].startswith(what)]
        if len(found) != 1:
            raise SystemExit(f"speed: {len(found)} spline-speed.csv rows for {tool} {mode} {n} "
                             f"{what}")
        return found[0]

    def mark(ok):
        return "✓" if ok else "✗"

    blas = {r["setting"]: r for r in rows("blas-fallback.csv")}
    for setting in ("corrected", "forced", "own"):
        if setting not in blas:
            raise SystemExit(f"speed: blas-fallback.csv has no '{setting}' row")
    corrected, forced, own = (float(blas[s]["gemm_gflops"]) for s in ("corrected", "forced", "own"))
    bacc2, bacc2_row = coding("coded", "bacc", 2)
    numpy2, numpy2_row = coding("numpy", "bacc-gemm", 2)
    bacc1, bacc1_row = coding("coded", "bacc", 1)
    gemm1, _ = coding("coded", "limit-gemm", 1)
    letcc1, _ = coding("coded", "letcc", 1)
    letcc2, _ = coding("coded", "letcc", 2)
    copy1, _ = coding("coded", "limit-memcopy", 1)
    scipy1, _ = coding("scipy", "letcc", 1)
    fit = float(spline("coded", "fixed", 10**6, "compute")["seconds"])
    first = float(spline("coded", "fixed", 10**6, "first call")["seconds"])
    csaps = float(spline("csaps", "fixed", 10**6, "compute")["seconds"])
    scipy = float(spline("scipy", "fixed", 10**6, "compute")["seconds"])
    one_pass = float(spline("bound", "fixed", 10**6, "one pass")["seconds"])
    cli = float(spline("coded", "fixed", 10**6, "cli")["seconds"])
    gcv_row = spline("coded", "gcv", 10**6, "compute")
    gcv = float(gcv_row["seconds"])
    evaluations = gcv_row["note"].split()[0]
    scipy_fails = sorted(int(r["n"]) for r in rows("spline-speed.csv")
                         if r["tool"] == "scipy" and r["mode"] == "gcv" and
                         r["what_is_timed"] == "failed")
    scipy_gcv = (f"scipy raises \"ill-posed\" from n = {power_of_ten(scipy_fails[0])}"
                 if scipy_fails else "scipy's GCV runs at every n")
    ratios = {}
    for batch in (450, 32):
        swift = forward("swift", "mlp-tanh", batch)
        numpy = forward("numpy", "mlp-tanh", batch)
        ratios[batch] = (swift, numpy, swift / numpy)

    rows_ = [
        "| what | Swift | peer / limit, same run | target | met? |",
        "|---|---|---|---|---|",
        f"| {blas['corrected'].get('gemm_size') or 1000}³ DGEMM, 1 thread, `OPENBLAS_CORETYPE` unset and OpenBLAS on its Prescott fallback "
        f"(simulated: `CODEDCOMPUTING_SIMULATE_OPENBLAS_FALLBACK=Prescott`) | selected "
        f"{blas['corrected']['blas_core']} before the first call: {sig(corrected)} GFLOP/s "
        f"(`coded blas`) | forced Prescott {sig(forced, 2)} GFLOP/s; OpenBLAS's own choice on "
        f"this CPU ({blas['own']['blas_core']}) {sig(own)} | the CPU's kernels, automatically | "
        f"{mark(blas['corrected']['blas_core'] == blas['own']['blas_core'])} "
        f"{sig(corrected / forced, 2)}× the fallback; results bit-identical to "
        f"`OPENBLAS_CORETYPE={blas['own']['blas_core']}` (tested, [Guides/BLAS.md](Guides/BLAS.md)) |",
        f"| BACC encode + decode, K = 100, N = 1000, S = 100, d = m = 784, 2 threads | "
        f"{sig(bacc2)} ms ({float(bacc2_row['gflops']):.0f} GFLOP/s) | NumPy `E @ X` + `D @ Y` "
        f"{sig(numpy2)} ms ({float(numpy2_row['gflops']):.0f} GFLOP/s) | ≤ 1.2× NumPy | "
        f"{mark(bacc2 <= 1.2 * numpy2)} {sig(bacc2 / numpy2, 2)}× |",
        f"| BACC, 1 thread | {sig(bacc1)} ms ({float(bacc1_row['gflops']):.0f} GFLOP/s) | its two "
        f"GEMMs alone {sig(gemm1)} ms | ≤ 2× its GEMMs | {mark(bacc1 <= 2 * gemm1)} "
        f"{sig(bacc1 / gemm1)}× |",
        f"| LeTCC encode + decode, same shape | {sig(letcc1)} ms on 1 thread, {sig(letcc2)} ms "
        f"on 2 | one memory copy {sig(copy1, 2)} ms; scipy's `make_smoothing_spline` pipeline "
        f"{sig(scipy1)} ms | ≤ 5× the copy, ≥ 10× scipy | "
        f"{mark(letcc1 <= 5 * copy1 and scipy1 >= 10 * letcc1)} {sig(letcc1 / copy1, 2)}× the "
        f"copy, {sig(scipy1 / letcc1)}× scipy |",
    ]
    for batch, label in ((450, "MLP 64-64-10 tanh forward, batch 450 (`coded forward-speed`)"),
                         (32, "same, batch 32")):
        swift, numpy, ratio = ratios[batch]
        rows_.append(f"| {label} | {sig(swift)} M images/s | NumPy {sig(numpy)} M | ≥ NumPy | "
                     f"{mark(ratio >= 1)} {sig(ratio)}× NumPy |")
    rows_ += [
        f"| smoothing-spline fit + evaluate, n = 10⁶, λ = 10⁻⁶ (library, data in memory) | "
        f"{sig(fit, 2)} s (min over calls in one process; the process's first call "
        f"{sig(first, 2)} s) | csaps {sig(csaps)} s, scipy {sig(scipy)} s; one pass over the bytes "
        f"{sig(one_pass * 1e3, 2)} ms | ≥ 10× csaps; ≤ 10× one pass | "
        f"{mark(csaps >= 10 * fit)} {sig(csaps / fit, 2)}× csaps, {sig(scipy / fit, 2)}× scipy; "
        f"{mark(fit <= 10 * one_pass)} {fit / one_pass:.0f}× one pass |",
        f"| `coded spline` end to end (start, read 2 CSVs of 10⁶ rows, fit at λ = 10⁻⁶, evaluate "
        f"at 10⁶ points, write the CSV) | {sig(cli)} s wall | | ≤ 0.5 s | {mark(cli <= 0.5)} |",
        f"| GCV + fit, n = 10⁶ | {sig(gcv)} s ({evaluations} evaluations) | {scipy_gcv} | "
        f"≤ 1 s on 2 cores | {mark(gcv <= 1)} |",
    ]
    label = machine_label(["coding-speed.csv", "nn-forward-speed.csv", "spline-speed.csv"])
    return (f"Machine, from the CSVs' machine columns: {label}.\n\n" + "\n".join(rows_) + "\n")


GENERATORS = {"polar-job-time": polar_job_time, "main-job": main_job,
              "decay-slopes": decay_slopes, "parity-models": parity_models,
              "lt-latency": lt_latency, "coded-inference": coded_inference,
              "blackbox-attack": blackbox_attack, "speed": speed, "polar-decode": polar_decode}


# ---------------------------------------------------------------------------------------------
# The engine


def regenerate(text):
    """`text` with every block regenerated, and the names of the blocks seen."""
    import doc_bench_tables  # noqa: PLC0415
    import doc_guide_tables  # noqa: PLC0415

    generators = {**GENERATORS, **doc_guide_tables.GENERATORS, **doc_bench_tables.GENERATORS}
    seen = []

    def replace(match):
        name = match.group(2)
        if name not in generators:
            raise SystemExit(f"README block '{name}' has no generator in {__file__}, "
                             f"doc_guide_tables.py or doc_bench_tables.py")
        seen.append(name)
        return match.group(1) + generators[name]() + match.group(4)

    return BLOCK.sub(replace, text), seen


HOLE = (r"(?:[−-]?\d[\d.,]*(?:e[−-]?\d+|·10[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)?[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]*(?: \d{3})*"
        r"|[A-Za-z]+|[✓✗])")
"""What a hole matches: a number (1.8e-7, 1.2·10⁻⁴, −3.01, 10¹², 1 127), a word (three) or a
verdict mark (✓, ✗)."""


def claim_pattern(template):
    """The regular expression of a claim's fragment: literal text (any whitespace run matches
    any whitespace run) with a named group per `{name}` hole."""
    parts = re.split(r"\{(\w+)\}", template)
    pattern = ""
    for index, part in enumerate(parts):
        if index % 2:
            if not parts[index + 1].strip():
                raise SystemExit(f"claim '{template}': a hole must be followed by literal text")
            pattern += f"(?P<{part}>{HOLE})"
        else:
            pattern += r"\s+".join(re.escape(word) for word in re.split(r"\s+", part))
    return re.compile(pattern)


def apply_claims(path, text, claims):
    """`text` with every claim's holes set to their computed values, and the problems found (a
    fragment missing or repeated)."""
    problems = []
    for claim in claims:
        pattern = claim_pattern(claim.template)
        matches = list(pattern.finditer(text))
        if len(matches) != 1:
            problems.append(f"{os.path.relpath(path, ROOT)}: the fragment '{claim.template}' occurs "
                            f"{len(matches)} times (expected once): edit scripts/doc_claims.py "
                            f"with the text")
            continue
        match = matches[0]
        pieces, last = [], 0
        for name in sorted(claim.values, key=match.start):
            start, end = match.span(name)
            pieces += [text[last:start], claim.values[name]()]
            last = end
        text = "".join(pieces) + text[last:]
    return text, problems


def documents():
    """README.md and every Guide."""
    return [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "Guides",
                                                                             "*.md")))


def entries_for(path, table):
    """`table[path]` (claims or exemptions, keyed by repository path); a file outside the
    repository (a test's copy) takes the entries of the repository file with its name."""
    path = os.path.abspath(path)
    if path.startswith(ROOT + os.sep):
        return table.get(os.path.relpath(path, ROOT), [])
    for key, entries in table.items():
        if os.path.basename(key) == os.path.basename(path):
            return entries
    return []


def claims_for(path):
    """The claims of `path` (scripts/doc_claims.py)."""
    import doc_claims  # noqa: PLC0415

    return entries_for(path, doc_claims.CLAIMS)


def exemptions_for(path):
    """The exemptions of `path` (scripts/doc_exempt.py)."""
    import doc_exempt  # noqa: PLC0415

    return entries_for(path, doc_exempt.EXEMPT)


def exempt_spans(path, text, entries):
    """[(start, end, exemption)] of every exemption of `path`, and the problems found: an unknown
    kind, a missing reason, a section or fragment not found exactly once, a `history` exemption
    that says no date, issue or commit."""
    import doc_exempt  # noqa: PLC0415

    spans, problems = [], []
    name = os.path.relpath(os.path.abspath(path), ROOT)
    for entry in entries:
        what = entry.section or entry.fragment or entry.paragraph
        if entry.kind not in doc_exempt.KINDS:
            problems.append(f"{name}: exemption '{what}' has kind '{entry.kind}', not one of "
                            f"{', '.join(doc_exempt.KINDS)}")
        if not entry.reason or len(entry.reason.split()) < 5:
            problems.append(f"{name}: exemption '{what}' gives no reason (scripts/doc_exempt.py)")
        if [entry.section, entry.fragment, entry.paragraph].count(None) != 2:
            problems.append(f"{name}: exemption '{what}' needs exactly one of section, fragment, "
                            f"paragraph")
            continue
        if entry.section is not None:
            level = len(entry.section) - len(entry.section.lstrip("#"))
            found = [m.start() for m in re.finditer(r"^" + re.escape(entry.section) + r"[ \t]*$",
                                                    text, re.M)]
            if len(found) == 1:
                after = re.compile(r"^#{1,%d} " % level, re.M).search(text, found[0] + 1)
                matches = [(found[0], after.start() if after else len(text))]
            else:
                matches = [None] * len(found)
        elif entry.fragment is not None:
            matches = [m.span() for m in claim_pattern(entry.fragment).finditer(text)]
        else:  # the paragraph or list item that starts with `paragraph`
            starts = [m.start() for m in re.finditer(
                r"^[ \t]*" + claim_pattern(entry.paragraph).pattern, text, re.M)]
            matches = []
            for start in starts:
                after = re.compile(r"\n[ \t]*\n|\n[ \t]*[-*] |\n#").search(text, start + 1)
                matches.append((start, after.start() if after else len(text)))
        if len(matches) != 1:
            kind = ("section" if entry.section else "fragment" if entry.fragment else
                    "paragraph")
            problems.append(f"{name}: the exempted {kind} "
                            f"'{what}' occurs {len(matches)} times (expected once): edit "
                            f"scripts/doc_exempt.py with the text")
            continue
        start, end = matches[0]
        if entry.kind == "history" and not doc_exempt.WHEN.search(text[start:end]):
            problems.append(f"{name}: the history exemption '{what}' does not say when (a year, "
                            f"an issue or a commit in the exempted text)")
        spans.append((start, end, entry))
    return spans, problems


def check(path, text, claims):
    """The regenerated text, the names of the blocks seen and the problems found."""
    fresh, seen = regenerate(text)
    fresh, problems = apply_claims(path, fresh, claims)
    problems += exempt_spans(path, text, exemptions_for(path))[1]
    return fresh, seen, problems


NUMBER = re.compile(r"(?<![\w.])[−-]?\d[\d.,]*(?:e[−-]?\d+)?(?:[×%])?")


def uncovered(path, claims, exempt=False):
    """The numbers of `path` outside code, blocks, claims, links, headings and exemptions: what
    the rule in this module's docstring sorts into checked and exempt. With `exempt`, the numbers
    the exemptions cover instead, each with its exemption's kind."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    exempted = exempt_spans(path, text, exemptions_for(path))[0]  # the check reports problems
    spans = [m.span() for m in BLOCK.finditer(text)]
    spans += [m.span() for m in re.finditer(r"```.*?```", text, re.S)]
    spans += [m.span() for m in re.finditer(r"`[^`\n]*`|\]\([^)]*\)|^#.*$|<!--.*?-->", text,
                                            re.M)]
    for claim in claims:
        spans += [m.span() for m in claim_pattern(claim.template).finditer(text)]
    out = []
    for m in NUMBER.finditer(text):
        if any(a <= m.start() < b for a, b in spans):
            continue
        kinds = [e.kind for a, b, e in exempted if a <= m.start() < b]
        if bool(kinds) == exempt:
            line = text.count("\n", 0, m.start()) + 1
            suffix = f" [{kinds[0]}]" if exempt else ""
            out.append(f"{os.path.relpath(path, ROOT)}:{line}: {m.group()}{suffix}")
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--readme", action="append",
                        help="check only this file (repeatable; default README.md and Guides/*.md)")
    parser.add_argument("--write", action="store_true",
                        help="rewrite the blocks and the prose numbers in place")
    parser.add_argument("--uncovered", action="store_true",
                        help="list the numbers that are neither in a block nor in a claim")
    parser.add_argument("--exempt", action="store_true",
                        help="with --uncovered: list the numbers that scripts/doc_exempt.py "
                             "exempts instead, with their kind")
    parser.add_argument("--count", action="store_true",
                        help="with --uncovered: only the number of lines per file")
    args = parser.parse_args(argv)
    paths = args.readme or documents()
    if args.uncovered:
        for path in paths:
            found = uncovered(path, claims_for(path), args.exempt)
            if args.count:
                print(f"{len(found):5d} {os.path.relpath(os.path.abspath(path), ROOT)}")
            elif found:
                print("\n".join(found))
        return 0
    total, status, names = 0, 0, []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        claims = claims_for(path)
        fresh, seen, problems = check(path, text, claims)
        total += len(seen) + len(claims)
        names += seen
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
            status = 1
        if args.write:
            if fresh != text:
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write(fresh)
            continue
        if fresh != text:
            name = os.path.relpath(path, ROOT)
            diff = difflib.unified_diff(text.splitlines(), fresh.splitlines(), name,
                                        "regenerated", lineterm="", n=0)
            print("\n".join(diff))
            print(f"error: {name}: numbers differ from notebooks-data (run "
                  f"python3 scripts/check_readme_numbers.py --write)", file=sys.stderr)
            status = 1
    if total == 0:
        print(f"error: {', '.join(paths)}: no <!-- numbers: NAME --> blocks and no claims",
              file=sys.stderr)
        return 1
    if status == 0:
        verb = "wrote" if args.write else "match notebooks-data:"
        print(f"numbers {verb} {len(names)} blocks ({', '.join(names)}) and "
              f"{total - len(names)} prose claims in {len(paths)} files")
    return status


if __name__ == "__main__":
    sys.exit(main())
