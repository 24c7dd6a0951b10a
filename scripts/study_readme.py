"""The index notebooks-data/README.md of the MSE-decay study.

:func:`readme` writes the files table, the measured exponents beside the papers' claims, the
Byzantine best-λ table, the speed table, the caveats and the seed-0 command of every sweep;
:data:`OTHER_RESULTS` keeps the rows of the results other scripts put in notebooks-data/.
"""

from __future__ import annotations

import os
import shlex

from study_engines import COLUMNS, Runner

OTHER_RESULTS = [
    '## Other results in this folder',
    '',
    '| file | what | made by |',
    '|---|---|---|',
    "| [coding-speed.csv](coding-speed.csv), [coding-speed.png](coding-speed.png) | encode + decode time of LeTCC and BACC (K = 100, N = 1000, S = 100, d = m = 784) on 1 thread and on all cores, beside one memory copy, BACC's two GEMMs, scipy's vectorised `make_smoothing_spline` pipeline, NumPy and the machine's GEMM rate (NumPy, 2000³) | `python3 scripts/compare_coding_speed.py --repeats 60` (release `coded timing`) |",
    '| [spline-speed.csv](spline-speed.csv), [spline-speed.png](spline-speed.png) | smoothing-spline fit and GCV time, n = 10³…10⁶, 1 and 100 columns: library compute, CSV parsing, `coded spline` end to end, scipy, csaps, the one-pass memory bound (`what_is_timed` column) | `python3 scripts/compare_spline_speed.py` |',
    "| [blas-fallback.csv](blas-fallback.csv) | DGEMM rate (`coded blas`, 384³) on one thread: OpenBLAS started on its Prescott fallback and corrected by the library, forced Prescott, OpenBLAS's own choice (median of 5 interleaved runs; `coded blas` columns + load average) | `python3 scripts/blas_fallback_speed.py` |",
    "| [blas-check.csv](blas-check.csv) | whether results depend on how the BLAS was loaded: `coded blas --check` (nine GEMM, dgesv, dpbtrf/dpbtrs, BACC and spline cases) under the corrected fallback, `OPENBLAS_CORETYPE` = own core / SkylakeX / Prescott and Netlib's reference BLAS, compared value by value with OpenBLAS's own kernels (Guides/BLAS.md) | `python3 scripts/blas_check_compare.py` (release `coded`, a few seconds) |",
    "| [lcc-amplification.csv](lcc-amplification.csv) | the largest Lebesgue constant of LCC's survivor sets at the data points over the worst-window straggler windows (how much its decoder amplifies rounding), K = 10, S = 2 and 5, N = 20–640 | `python3 scripts/lcc_amplification.py > notebooks-data/lcc-amplification.csv` |",
    '| [lcc-square-worst-window.csv](lcc-square-worst-window.csv), [lcc-square-random.csv](lcc-square-random.csv) | LCC on the polynomial `square` (degree 2, K = 10, S = 5): worst-window N = 25–640, random N = 25 | `coded sweep --scheme lcc --function square --K 10 --workers 25,40,80,160,320,640 --stragglers 5 --straggler-model worst-window --nodes chebyshev --decoder-lambda 0 --output notebooks-data/lcc-square-worst-window.csv`; the same with `--workers 25 --straggler-model random` → lcc-square-random.csv |',
    "| [letcc-n-sweep.csv](letcc-n-sweep.csv) | LeTCC and BACC, `xsinx`, worst-window S = 5, K = 10, N = 50–800, one seed (Guides/LeTCC.md's comparison table) | `coded sweep --scheme letcc,bacc --function xsinx --K 10 --workers 50,100,200,400,800 --stragglers 5 --straggler-model worst-window --nodes chebyshev --decoder-lambda 0 --output notebooks-data/letcc-n-sweep.csv` |",
    '| [lcc-nodes.csv](lcc-nodes.csv) | LCC on `xsinx`, worst-window S = 2, K = 10: Chebyshev workers N = 20–640, equispaced N = 20, 80, 320 (Guides/LCC.md) | `coded sweep --scheme lcc --function xsinx --K 10 --workers 20,40,80,160,320,640 --stragglers 2 --straggler-model worst-window --nodes chebyshev --decoder-lambda 0`, then `--workers 20,80,320 --nodes equispaced`, rows concatenated |',
    "| [encoder-gcv-lambda.csv](encoder-gcv-lambda.csv) | the encoder λ that `--encoder-lambda gcv` chooses (`encoder_lambda_used`) in the encoder experiment's set-up, seeds 0–4, N = 20 (Guides/LeTCC.md) | `bash scripts/encoder_gcv_lambda.sh` |",
    '| [lt-amplification.csv](lt-amplification.csv) | where real-valued LT peeling loses accuracy: worst source error of the floating-point decoder on double sums and of an exact rational decoder on correctly rounded and on double-double sums, m = 1 000, 3 000, 5 000, NumPy symbols seed 1 (Guides/LTCodes.md) | `python3 scripts/lt_amplification.py 1000 3000 5000 --output notebooks-data/lt-amplification.csv` |',
    '| [lt-span-limit.csv](lt-span-limit.csv) | LT sum recovery, m = 1 000, 200 i.i.d. trials, seed 0, per span limit L = 0, 64, 256, 1 000: mean M′, trials completed by the span test, tracker overflows, decoder and process seconds, load average (Guides/LTCodes.md) | `python3 scripts/lt_span_limit.py --limits 0,64,256,1000` (release `coded`; L = 1 000 takes minutes) |',
    '| [spline-gcv.csv](spline-gcv.csv) | GCV\'s λ against the oracle λ at n = 10⁶ (y = sin 2πt + 0.1·N(0, 1), seed 0): one `coded spline` fit per row, the λ and the MSE against the noiseless curve (Guides/SmoothingSpline.md, "GCV search") | `python3 scripts/spline_gcv_study.py` (release `coded`, about a minute) |',
    "| [coded-inference-timing.csv](coded-inference-timing.csv) | wall time of the two coded-inference grids (random and worst-window) and how closely a rerun reproduces the committed CSVs (cells differing, largest gap relative to the column's largest value), with load average | `python3 scripts/coded_inference_timing.py` (release `coded`, about half a minute) |",
    "| [benchmarks/PoolBenchmarks.csv](benchmarks/PoolBenchmarks.csv), [benchmarks/PolarBenchmarks.csv](benchmarks/PolarBenchmarks.csv), [benchmarks/NNBenchmarks.csv](benchmarks/NNBenchmarks.csv), [benchmarks/CodingBenchmarks.csv](benchmarks/CodingBenchmarks.csv), [benchmarks/BlackBoxBenchmarks.csv](benchmarks/BlackBoxBenchmarks.csv), [benchmarks/LTBenchmarks.csv](benchmarks/LTBenchmarks.csv), [benchmarks/SplineBenchmarks.csv](benchmarks/SplineBenchmarks.csv) | `swift package benchmark` runs (ordo-one/package-benchmark, release): per benchmark and metric the p0, p25, p50, p75, p90, p99 and p100 (time in ns, throughput per second, counts), iterations, CPU model, load average before and after, date and commit, one CSV per target; the Guides' benchmark tables and figures (WorkerPools, PolarCodes, CodedInference, LeTCC, BlackBoxOptimization, LTCodes, SmoothingSpline) are generated from them | `python3 scripts/benchmarks_to_csv.py PoolBenchmarks PolarBenchmarks …` (12 s to about 2 min per target; `bash scripts/refresh_speed.sh` runs all seven) |",
    '| coded inference (`coded-inference*.csv/png/md`, `digits/`, `wine/`, `models/`, `nn-forward-speed.csv`) | neural networks trained here, coded inference Table-1 style, forward-pass speed vs NumPy | see [README-coded-inference.md](README-coded-inference.md) |',
]
"""The index rows of the results in notebooks-data/ that other scripts make (kept when the study rewrites the README)."""


def readme(out_dir: str, grid_name: str, runner: Runner, files: dict[str, int], slope_rows: list[dict],
           speed: list[dict], argv: list[str], seconds: float, extras: dict | None = None) -> str:
    extras = extras or {}
    lines = ["# notebooks-data — MSE-decay study", "",
             f"Made by `python3 scripts/decay_study.py {shlex.join(argv)}` ({grid_name} grid, "
             f"{seconds:.0f} s wall clock; seeds 0..{max(1, _seeds(slope_rows)) - 1}). Every CSV row names the "
             "engine that produced it: `swift` = `coded sweep`, `reference` = scripts/reference_coded.py "
             "(NumPy/SciPy). Inputs: K = 10 uniform on [−1, 1] from the seed; Chebyshev layout (α 1st kind, "
             "β 2nd kind); encoder λ = 0 except in the `encoder` experiment.", "",
             "Schema of every experiment CSV: `" + ",".join(COLUMNS) + "` (one row per point and seed; "
             "`mse` is the mean over `trials` trials, worst-window: max over windows).", "",
             "| file | what | rows |", "|---|---|---|"]
    what = {
        "n-sweep-noiseless": "MSE vs N at S = 5, noiseless, worst-window and random stragglers; LeTCC (λ_dec = 0), BACC, LCC (N ≤ 160)",
        "n-sweep-noisy": "MSE vs N at S = 5, worker noise σ = 1e-2; LeTCC (λ_dec = optimal schedule; GCV too for random), BACC",
        "s-sweep": "MSE vs S at fixed N, worst-window; LeTCC, BACC",
        "probabilistic": "MSE vs N, each worker straggles independently with probability p",
        "byzantine": "MSE vs N with q = ⌈N^a⌉ Byzantine workers returning uniform values in ±10, λ_dec scanned; curve = best λ per N",
        "lambda": "MSE vs λ_dec at N = 200, S = 10 (random), σ = 1e-2, xsinx; GCV and the optimal schedule marked at their chosen λ",
        "encoder": "MSE vs N at S = 5, xsinx, LeTCC with λ_enc = 0, the optimal schedule K·h³/24 and GCV on the inputs; noiseless worst-window (λ_dec = 0) and σ = 1e-2 random (λ_dec = optimal)",
    }
    for name, n in files.items():
        engines = ", ".join(sorted(runner.engines.get(name, set())))
        lines.append(f"| [{name}.csv]({name}.csv), [{name}.png]({name}.png) | {what.get(name, name)} (engine: {engines}) | {n} |")
    lines += ["| [slopes.csv](slopes.csv) | fitted log-log slope of every curve, 95 % CI over seeds (per-seed OLS, t interval) | "
              f"{len(slope_rows)} |"]
    if speed:
        lines += ["| [study-speed.csv](study-speed.csv) | wall-clock of the same sweep: coded sweep vs reference_coded.py | "
                  f"{len(speed)} |"]
    lines += [""] + (existing_other_results(out_dir) or OTHER_RESULTS)
    lines += ["", "## Measured exponents vs the papers' claims", "",
              "Claims are upper-bound rates (worst case over a function class); a steeper measured decay is "
              "consistent with a bound, a shallower one is not. `log_power` a means the slope of "
              "MSE/log^a N.", "",
              "| experiment | scheme | λ_dec | λ_enc | function | stragglers | noise/p/a | x range | log_power | slope [95 % CI] | claimed | inside CI | consistent with bound |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in slope_rows:
        extra = r["noise"] if r["experiment"].startswith("n-sweep") or r["experiment"] == "encoder" else (r["p"] or r["adversary_exponent"] or r["noise"])
        lines.append(f"| {r['experiment']} | {r['scheme']} | {r['decoder_lambda']} | {r['encoder_lambda']} | {r['function']} (d={r['dim']}) | "
                     f"{r['straggler_model']} | {extra} | {r['x']} {r['x_range']} | {r['log_power']} | {r['slope']} [{r['ci_low']}, {r['ci_high']}] | "
                     f"{r['claimed']} | {r['claim_inside_ci']} | {r['consistent_with_bound']} |")
    if "byzantine-lambda" in extras:
        table, fits = extras["byzantine-lambda"]
        lines += ["", "## Byzantine workers: the best decoder λ vs the share of adversaries", "",
                  "[byzantine-lambda.csv](byzantine-lambda.csv): per a and N, q = ⌈N^a⌉ adversaries returning "
                  "uniform values in ±10, the grid λ_dec with the smallest MSE (mean over seeds).", "",
                  "| a | N | q | q/N | best λ_dec | MSE |", "|---|---|---|---|---|---|"]
        for r in table:
            lines.append(f"| {r['adversary_exponent']:g} | {r['N']} | {r['adversaries']} | {r['q_over_N']:.3f} | "
                         f"{r['best_lambda']:.2e} | {r['mse']} |")
        lines += ["", "λ* comes from a 0.79-decade grid. Where it jumps between a near-linear fit (λ ≥ 1) and a "
                  "local fit (λ ≤ 1e-2), the fitted slope below summarises a regime switch, not a smooth power law.",
                  "", "| fit | slope | se | points |", "|---|---|---|---|"]
        for f in fits:
            lines.append(f"| {f['fit']} | {f['slope']} | {f['se']} | {f['points']} |")
    if speed:
        lines += ["", "## Speed", "",
                  "Same sweep on both engines (K = 10, S = 5, xsinx). `swift` is the wall clock of the `coded sweep` "
                  "process (release build), including its start-up (measured alone: a one-point sweep); "
                  "`reference` is reference_coded.py in-process, BLAS on one thread. Machine shared with "
                  "other builds; treat ratios as ±30 %.", "",
                  "| grid | scheme | d | stragglers | N | swift s (startup) | reference s | speed-up | without startup |",
                  "|---|---|---|---|---|---|---|---|---|"]
        slower = [r for r in speed if float(r["speedup"]) < 1]
        if slower:
            lines += ["**coded sweep was slower than the reference on " + ", ".join(
                f"{r['grid']}/{r['scheme']}/{r['straggler_model']}" for r in slower) + "** — see `decode_seconds` "
                "of `coded run` at growing N for where the time goes.", ""]
        for r in speed:
            lines.append(f"| {r['grid']} | {r['scheme']} | {r['d']} | {r['straggler_model']} (trials {r['trials']}) | "
                         f"{r['N']} | {r['swift_seconds']} ({r['swift_startup_seconds']}) | {r['reference_seconds']} | "
                         f"{r['speedup']}× | {r['speedup_without_startup']}"
                         f"{'×' if r['speedup_without_startup'][0].isdigit() else ''} |")
    lines += ["", "## Caveats", "",
              "- The papers' rates are upper bounds over a function class (second-order Sobolev ball); the "
              "functions here are analytic, so steeper measured decay is expected and is not a disagreement. "
              "A slope significantly *shallower* than a claim (ci_low > claimed) would be.",
              "- `all` fits use every x; the second row of each curve fits only the largest 4 x values (the "
              "asymptotic end). LCC converges geometrically (or diverges) rather than as a power law, so its "
              "slopes only say 'much faster than any spline/Berrut rate' (see R²).",
              "- S sweep: at fixed N the S-exponent is not a test of a bound C·S^a·N^b by itself. A measured "
              "surface MSE ≈ S^s·N^n stays below C·S^a·N^b for all S ≤ N iff s + n ≤ a + b (take S = N); "
              "compare the S-sweep slope with the worst-window N-sweep tail slope of the same function.",
              "- Noise floors: BACC interpolates the noise, so its noisy MSE levels off near σ² = 1e-4; LeTCC "
              "keeps averaging it out.",
              "- The Byzantine model is the CLI's (q random responders return uniform values in ±10), not the "
              "supremum over strategies in arXiv 2502.08058.",
              "- Swift and reference rows of one experiment use different input draws (SplitMix64 vs numpy) "
              "from the same distribution; the cross-check (scripts/cross_check.py) compares them on identical "
              "inputs instead."]
    lines += ["", "## Commands (seed 0; the study repeats each with --seed 0..s−1)", ""]
    for name, cmds in runner.commands.items():
        lines.append(f"### {name}")
        lines.append("")
        lines.append("```")
        lines += sorted(set(cmds))
        lines.append("```")
        lines.append("")
    return "\n".join(lines) + "\n"


def existing_other_results(out_dir: str) -> list[str]:
    """The "Other results in this folder" section of the README already in `out_dir`, verbatim (the
    rows other scripts added), or [] when there is none."""
    path = os.path.join(out_dir, "README.md")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    try:
        start = lines.index(OTHER_RESULTS[0])
    except ValueError:
        return []
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    section = lines[start:end]
    while section and section[-1] == "":
        section.pop()
    return section


def _seeds(rows: list[dict]) -> int:
    return max((int(r["seeds"]) for r in rows), default=1)
