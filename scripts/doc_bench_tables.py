"""Generated blocks of the Guides made from the benchmark runs in notebooks-data/benchmarks/
(`python3 scripts/benchmarks_to_csv.py TARGET`, one CSV per `swift package benchmark` target);
scripts/check_readme_numbers.py merges :data:`GENERATORS` with the other blocks'."""
from check_readme_numbers import SUPERSCRIPT, power_of_ten, rows, sig
import re
import textwrap

GENERATORS = {}
BLOCK_START = re.compile(r"^([-+*>#|]|\d+[.)])( |$)")
"""A line that Markdown would read as the start of a list, quote, heading or table."""


def paragraph(text):
    """`text` wrapped at 100 columns as the Guides are, a column narrower until no line starts
    like a list item (`+ peel`) or another block, which would split the paragraph."""
    for width in range(100, 60, -1):
        lines = textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)
        if not any(BLOCK_START.match(line) for line in lines[1:]):
            return "\n".join(lines) + "\n"
    raise SystemExit(f"cannot wrap without a line that starts a Markdown block: {text[:60]}")


def bench_rows(target):
    found = rows(f"benchmarks/{target}.csv")
    if not found:
        raise SystemExit(f"{target}: notebooks-data/benchmarks/{target}.csv has no rows")
    return found


def value(target, benchmark, percentile=50, metric="Time(wallclock)"):
    """The `percentile` of `metric` of one benchmark of the run: microseconds for a time, the
    count otherwise; an error naming the benchmark when the CSV has no such row."""
    for r in bench_rows(target):
        if (r["benchmark"] == benchmark and r["metric"] == metric
                and float(r["percentile"]) == percentile):
            number = float(r["value"])
            return number / 1e3 if r["unit"] == "ns" else number
    raise SystemExit(f"{target}: no '{benchmark}' {metric} p{percentile} row in "
                     f"notebooks-data/benchmarks/{target}.csv")


def run_label(target):
    """'1 December 2026, load 1.2 → 2.3, commit abc1234' of the run behind a CSV."""
    r = bench_rows(target)[0]
    year, month, day = r["date"].split("-")
    months = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]
    return (f"run of {int(day)} {months[int(month) - 1]} {year} at commit {r['commit']}, load "
            f"average {r['load_before']} → {r['load_after']}, {r['cpu_model']}, "
            f"{r['processors']} cores")


def us(number):
    return f"{sig(number)} µs"


def shown(microseconds, digits=2, seconds_digits=2):
    """A time in µs, ms or s, whichever keeps the number below 1000."""
    if microseconds < 1e3:
        return f"{sig(microseconds, digits)} µs"
    if microseconds < 1e6:
        return f"{sig(microseconds / 1e3, digits)} ms"
    return f"{sig(microseconds / 1e6, seconds_digits)} s"


# --- WorkerPools.md ----------------------------------------------------------------------------

def pool_benchmarks():
    """WorkerPools.md's overhead table: medians (p25–p75 for quorum N) of PoolBenchmarks.csv, and
    the fixed and per-worker costs from the two N (pool minus the plain loop)."""
    t = "PoolBenchmarks"
    lines = [paragraph(
        f"Measured overhead (`python3 scripts/benchmarks_to_csv.py PoolBenchmarks` → "
        f"[notebooks-data/benchmarks/PoolBenchmarks.csv](../notebooks-data/benchmarks/"
        f"PoolBenchmarks.csv), which runs `swift package benchmark --target PoolBenchmarks`, "
        f"release, f = identity on d = 1; {run_label(t)}, shared with other builds; median wall "
        f"time per round, p25–p75 in brackets):"),
        "| N | pool, quorum N (2 threads) | pool, quorum 0.9·N | pool, 1 thread | "
        "pool + deadline (timer thread) | plain loop over f |",
        "|---|---|---|---|---|---|"]
    extra, mallocs, p99 = {}, {}, []
    for n in (100, 1000):
        name = f"round N={n} quorum=all"
        cells = [f"{us(value(t, name))} ({sig(value(t, name, 25))}–{sig(value(t, name, 75))})",
                 us(value(t, f"round N={n} quorum=90%")),
                 us(value(t, f"{name} one thread")),
                 us(value(t, f"{name} with deadline")),
                 us(value(t, f"sequential loop N={n}"))]
        lines.append(f"| {n} | " + " | ".join(cells) + " |")
        extra[n] = value(t, name) - value(t, f"sequential loop N={n}")
        mallocs[n] = (value(t, name, metric="Malloc(total)"),
                      value(t, f"sequential loop N={n}", metric="Malloc(total)"))
        p99.append(value(t, name, 99) / 1e3)
    per = (extra[1000] - extra[100]) / 900
    fixed = extra[100] - 100 * per
    deadline = [value(t, f"round N={n} quorum=all with deadline") - value(t, f"round N={n} "
                "quorum=all") for n in (100, 1000)]
    spread = [value(t, f"round N={n} quorum=all", 75) - value(t, f"round N={n} quorum=all", 25)
              for n in (100, 1000)]
    if all(abs(d) < w for d, w in zip(deadline, spread)):
        deadline_text = (f"a deadline adds one timer thread, whose cost ({us(deadline[0])} and "
                         f"{us(deadline[1])} here, deadline round minus quorum N) is inside "
                         f"the p25–p75 spread of this run.")
    else:
        deadline_text = (f"a deadline adds one timer thread, {us(deadline[0])} and "
                         f"{us(deadline[1])} here.")
    lines += ["", paragraph(
        f"Read from the medians: a round costs about {us(fixed)} fixed (starting the threads, the "
        f"continuation, the outcome) plus ≈ {sig(per, 2)} µs per worker beyond evaluating f (the "
        f"pool's excess over the plain loop, {us(extra[100])} at N = 100 and {us(extra[1000])} "
        f"at N = 1000, fitted by a line); {deadline_text} Mallocs per round (median): "
        f"{mallocs[100][0]:.0f} at N = 100 and {mallocs[1000][0]:.0f} at N = 1000, "
        f"2N+{mallocs[100][0] - 200:.0f} and 2N+{mallocs[1000][0] - 2000:.0f} (the plain "
        f"loop: {mallocs[100][1]:.0f} and {mallocs[1000][1]:.0f}). The p99 of quorum N "
        f"({sig(min(p99), 2)}–{sig(max(p99), 2)} ms) is scheduler noise from the shared "
        f"machine; the medians move by tens of per cent between runs at different loads.")]
    return "\n".join(lines)


GENERATORS["pool-benchmarks"] = pool_benchmarks


# --- PolarCodes.md -----------------------------------------------------------------------------

def polar_benchmarks():
    """PolarCodes.md's decode-in-a-loop figures (PolarBenchmarks.csv): p50 and p0 of decode and
    encode at N = 1024, and the encode + decode median from N = 2¹⁰ to 2¹⁶."""
    t = "PolarBenchmarks"
    size = "N=1024 K=512 m=64"
    pd, pd0 = value(t, f"polar decode {size}"), value(t, f"polar decode {size}", 0)
    md, md0 = value(t, f"mds decode {size}"), value(t, f"mds decode {size}", 0)
    both = [sig(value(t, f"polar encode+decode N=2^{e} K=N/2 m=64") / 1e3, 2)
            for e in (10, 12, 14, 16)]
    return paragraph(
        f"`Benchmarks/PolarBenchmarks` (ordo-one, decode in a loop, same survivor sets, after the "
        f"buffer reuse; {run_label(t)}, "
        f"[notebooks-data/benchmarks/PolarBenchmarks.csv](../notebooks-data/benchmarks/"
        f"PolarBenchmarks.csv), made by `python3 scripts/benchmarks_to_csv.py PolarBenchmarks`) "
        f"gives p50 (p0): polar decode {us(pd)} ({sig(pd0)}), MDS decode {us(md)} ({sig(md0)}) — "
        f"{sig(md / pd, 2)}× ({sig(md0 / pd0, 2)}×); polar encode "
        f"{us(value(t, f'polar encode {size}'))}, MDS encode {us(value(t, f'mds encode {size}'))}; "
        f"polar encode and decode {both[0]} ms at N = 2¹⁰, {both[1]} ms at 2¹², {both[2]} ms at "
        f"2¹⁴, {both[3]} ms at 2¹⁶.")


GENERATORS["polar-benchmarks"] = polar_benchmarks


# --- CodedInference.md -------------------------------------------------------------------------

def nn_benchmarks():
    """CodedInference.md's NNBenchmarks sentence (NNBenchmarks.csv): median forward-pass times
    one image at a time and per batch of 256, and the images per second they make."""
    t = "NNBenchmarks"

    def timed(network, batch):
        return value(t, f"forward {network} batch {batch}")

    def rate(network):
        return f"{sig(256 / timed(network, 256), 2)} M images/s"

    return paragraph(
        f"`Benchmarks/NNBenchmarks` times the same forward passes (random weights, BLAS on one "
        f"thread) with ordo-one/benchmark; `python3 scripts/benchmarks_to_csv.py "
        f"NNBenchmarks` ({run_label(t)}; [notebooks-data/benchmarks/NNBenchmarks.csv]"
        f"(../notebooks-data/benchmarks/NNBenchmarks.csv)) gave, at the median, "
        f"{us(timed('mlp-relu', 1))} per image one at a time and {us(timed('mlp-relu', 256))} per "
        f"batch of 256 ({rate('mlp-relu')}) for mlp-relu, {us(timed('lenet-relu', 1))} and "
        f"{us(timed('lenet-relu', 256))} ({rate('lenet-relu')}) for lenet-relu, and "
        f"{us(timed('mlp-tanh', 256))} per 256 ({rate('mlp-tanh')}) for mlp-tanh.")


GENERATORS["nn-benchmarks"] = nn_benchmarks


# --- LeTCC.md ----------------------------------------------------------------------------------

def coding_benchmarks():
    """LeTCC.md's CodingBenchmarks sentence (CodingBenchmarks.csv): the allocating round against
    the round into reused buffers, one thread and all cores, medians."""
    t = "CodingBenchmarks"
    shape = "K=100 N=1000 S=100 d=784"

    def ms(kind, label):
        return value(t, f"LeTCC encode+decode{kind} {shape} ({label})") / 1e3

    fresh1, reused1 = ms("", "1 thread"), ms(" into reused buffers", "1 thread")
    fresh2, reused2 = ms("", "all cores"), ms(" into reused buffers", "all cores")
    return paragraph(
        f"`swift package benchmark --target CodingBenchmarks` shows one more effect "
        f"(`python3 scripts/benchmarks_to_csv.py CodingBenchmarks`, {run_label(t)}; "
        f"[notebooks-data/benchmarks/CodingBenchmarks.csv](../notebooks-data/benchmarks/"
        f"CodingBenchmarks.csv)): a LeTCC round with the allocating `encode(_:)` and "
        f"`decode(_:survivors:)` takes {sig(fresh1)} ms at the median on one thread against "
        f"{sig(reused1)} ms with the output buffers reused, {sig(fresh1 - reused1)} ms more "
        f"per round ({sig(fresh2)} against {sig(reused2)} ms on all cores).")


GENERATORS["coding-benchmarks"] = coding_benchmarks


# --- BlackBoxOptimization.md -------------------------------------------------------------------

def blackbox_benchmarks():
    """BlackBoxOptimization.md's decode-versus-evaluations table (BlackBoxBenchmarks.csv):
    medians (fastest in brackets) of each code's decode and of the round's evaluations of f."""
    t = "BlackBoxBenchmarks"
    codes = ("polar", "mds", "gaussian")

    def decode(code, p=50):
        return value(t, f"decode d=784 {code} N=32 K=28", p) / 1e3

    def evaluations(code, p=50):
        return value(t, f"evaluations d=784 {code} (2 per worker, 896 workers)", p) / 1e3

    def ratio(x):
        mantissa, exponent = f"{x:.1e}".split("e")
        return f"{mantissa}·10{str(int(exponent)).translate(SUPERSCRIPT)}"

    round_name = "round d=784 mds N=32 K=28 in-process pool, 4 absent per block"
    first = bench_rows(t)[0]
    busy = (", with the two cores shared with the run's other load"
            if max(float(first["load_before"]), float(first["load_after"])) >= 2 else "")
    samples = [int(r["iterations"]) for r in bench_rows(t)]
    lines = [paragraph(
        f"`Benchmarks/BlackBoxBenchmarks` (`python3 scripts/benchmarks_to_csv.py "
        f"BlackBoxBenchmarks`, {run_label(t)}; [notebooks-data/benchmarks/BlackBoxBenchmarks.csv]"
        f"(../notebooks-data/benchmarks/BlackBoxBenchmarks.csv)): one round at d = 784, N = 32, "
        f"K = 28 (28 blocks, 896 workers), 4 workers missing per block; median wall time, the "
        f"fastest sample in brackets ({min(samples)}–{max(samples)} samples per benchmark: the "
        f"evaluations and the round have only a few):"),
        "| | polar | MDS | Gaussian (least squares) |", "|---|---|---|---|",
        "| decode | " + " | ".join(f"{sig(decode(c), 2)} ms ({sig(decode(c, 0), 2)})"
                                  for c in codes) + " |",
        "| the round's 1 792 evaluations of f, one thread | "
        + " | ".join(f"{sig(evaluations(c))} ms ({sig(evaluations(c, 0))})" for c in codes) + " |",
        "| decode ÷ evaluations | " + " | ".join(ratio(decode(c) / evaluations(c)) for c in codes)
        + " |", "",
        paragraph(
            f"The whole MDS round through the in-process pool (4 absent per block, 2 cores) took "
            f"{sig(value(t, round_name) / 1e3)} ms at the median{busy}: the decode is invisible "
            f"next to the evaluations.")]
    return "\n".join(lines)


GENERATORS["blackbox-benchmarks"] = blackbox_benchmarks


# --- LTCodes.md --------------------------------------------------------------------------------

def lt_benchmarks():
    """LTCodes.md's decoder table (LTBenchmarks.csv): the fastest sample of each decoder path per
    m (p0 of the wall clock; at 10⁶ also the user CPU time), with ns per edge for the batch."""
    t = "LTBenchmarks"
    found = bench_rows(t)
    cpu_metric = next(r["metric"] for r in found if r["metric"].startswith("Time")
                      and r["metric"] != "Time(wallclock)")
    edges = {}
    for r in found:
        if r["benchmark"].startswith("peel batch m="):
            m, e = r["benchmark"][len("peel batch m="):].split(" edges=")
            edges[int(m)] = int(e)

    def fastest(name, metric="Time(wallclock)"):
        return value(t, name, 0, metric)  # µs

    lines = [paragraph(
        f"`Benchmarks/LTBenchmarks` (ordo-one/benchmark; symbols pre-drawn up to the threshold, "
        f"fastest of the samples; `python3 scripts/benchmarks_to_csv.py LTBenchmarks`, "
        f"{run_label(t)}; [notebooks-data/benchmarks/LTBenchmarks.csv](../notebooks-data/"
        f"benchmarks/LTBenchmarks.csv)) times the decoder alone along its paths: `peel batch` (the "
        f"counting-sort path of `coded lt threshold`), `peel one at a time` (a live round's path), "
        f"`peel with values` (double-double residuals), and `draw + peel` (`ltDecode`):"),
        "| m | edges | peel batch | peel one at a time | peel with values (one at a time) | "
        "draw + peel |", "|---|---|---|---|---|---|"]
    for m in sorted(edges):
        e = edges[m]
        names = [f"peel batch m={m} edges={e}", f"peel one at a time m={m} edges={e}",
                 f"peel with values m={m} edges={e}", f"draw + peel m={m}"]
        cells = [shown(fastest(n)) for n in names]
        cells[0] += f" ({sig(fastest(names[0]) * 1e3 / e, 2)} ns/edge"
        if m >= 10**6:
            cells[0] += f"; {shown(fastest(names[0], cpu_metric))} CPU)"
            cells[1] += f" ({shown(fastest(names[1], cpu_metric))} CPU)"
            cells[3] += f" ({shown(fastest(names[3], cpu_metric))} CPU)"
        else:
            cells[0] += ")"
        lines.append(f"| {power_of_ten(m)} | {power_of_ten(e)} | " + " | ".join(cells) + " |")
    big = max(edges)
    samples = sorted(int(r["iterations"]) for r in found if f"m={big}" in r["benchmark"])
    small = min(edges)
    values_cost = (fastest(f"peel with values m={small} edges={edges[small]}")
                   / fastest(f"peel one at a time m={small} edges={edges[small]}"))
    lines += ["", paragraph(
        f"(Fastest wall-clock sample; at {power_of_ten(big)} only {samples[0]}–{samples[-1]} "
        f"samples fit in the 5 s budget, and the wall times there include waiting for the CPU — "
        f"the CPU figures are the better guide.) Values cost {sig(values_cost, 2)}× at "
        f"m = {power_of_ten(small)} for the double-double arithmetic and dominate beyond the "
        f"caches.")]
    return "\n".join(lines)


GENERATORS["lt-benchmarks"] = lt_benchmarks


# --- SmoothingSpline.md ------------------------------------------------------------------------

def spline_benchmarks():
    """SmoothingSpline.md's benchmark table (SplineBenchmarks.csv): p0 and p50 wall clock and the
    mallocs of every fit and GCV benchmark."""
    t = "SplineBenchmarks"
    found = bench_rows(t)
    names = []
    for r in found:
        if r["benchmark"] not in names:
            names.append(r["benchmark"])

    def key(name):
        kind, n, c = name.split(" ")
        return (kind.startswith("gcv"), int(n[2:]), int(c[2:]))

    lines = [paragraph(
        f"`swift package --allow-writing-to-package-directory benchmark --target SplineBenchmarks` "
        f"(release): `fit+evaluate n=… c=…` for n ∈ {{10³ … 10⁶}} × c ∈ {{1, 100}} (without "
        f"10⁶ × 100) and `gcv+fit+evaluate n=… c=1` for n ∈ {{10⁴, 10⁵, 10⁶}}, with "
        f"`.wallClock`, `.throughput` and `.mallocCountTotal`. "
        f"`python3 scripts/benchmarks_to_csv.py SplineBenchmarks` ran it into "
        f"[notebooks-data/benchmarks/SplineBenchmarks.csv](../notebooks-data/benchmarks/"
        f"SplineBenchmarks.csv) ({run_label(t)}, {found[0]['seconds']} s); p0 / p50 wall clock, "
        f"mallocs per iteration (median):"),
        "| benchmark | p0 | p50 | mallocs |", "|---|---|---|---|"]
    for name in sorted(names, key=key):
        kind, n, c = name.split(" ")
        label = f"{kind} n={power_of_ten(int(n[2:]))} {c}"
        lines.append(f"| {label} | {shown(value(t, name, 0), seconds_digits=3)} | "
                     f"{shown(value(t, name), seconds_digits=3)} | "
                     f"{value(t, name, metric='Malloc(total)'):.0f} |")
    return "\n".join(lines) + "\n"


GENERATORS["spline-benchmarks"] = spline_benchmarks
