"""Numbers of the Guides that are measured but have no committed data file, each with its reason.

`EXEMPT[path]` lists the exemptions of one file. An exemption covers either one section (`section`,
the exact heading line, up to the next heading of the same or a higher level) or one fragment of
the text (`fragment`, found exactly once; any whitespace run matches any whitespace run, as in
scripts/doc_claims.py) or one paragraph or list item (`paragraph`, the text it starts with; it
ends at a blank line, the next list item or a heading). Every exemption has a `kind` and a
`reason`:

* `benchmark` — figures of a `swift package benchmark` (or benchmark executable) run that is
  not committed as a CSV; the text names the command and says the figures vary by run. None is
  left: scripts/benchmarks_to_csv.py writes every target's run to notebooks-data/benchmarks/ and
  scripts/doc_bench_tables.py generates the Guides' benchmark figures from it.
* `unit-test` — accuracies asserted by a named unit test: the test, not a CSV, fails when they
  stop holding (the text gives the bound the test asserts or the value it was measured at).
* `script` — figures a committed script checks and fails on (it exits 1 on a mismatch), named
  in the text, but prints rather than writes to a CSV.
* `history` — a one-off measurement that is too slow or too machine-bound to rerun in CI; the
  exempted text must say when (a date, an issue or a commit) so a reader knows it is history.

scripts/check_readme_numbers.py refuses an exemption whose reason is empty or shorter than
a sentence, whose kind is unknown, whose section or fragment is not found exactly once, and a
`history` exemption whose text names no date, issue or commit; `--uncovered` leaves out the
numbers an exemption covers (`--uncovered --exempt` lists them with their kind instead).
"""
import re

KINDS = ("benchmark", "unit-test", "script", "history")
WHEN = re.compile(r"\b20\d\d\b|\bissue[ -]\d+|\b[0-9a-f]{7,40}\b|\bsession \d\b")
"""What a `history` exemption's text must contain: a year, an issue, a commit or a session."""


class Exempt:
    """A section or fragment of a file whose numbers are measured but not recomputed; see the
    module docstring."""

    def __init__(self, kind, reason, section=None, fragment=None, paragraph=None):
        self.kind, self.reason = kind, reason
        self.section, self.fragment, self.paragraph = section, fragment, paragraph


EXEMPT = {}

SPLINE_TESTS = ("SmoothingSplineTests and GCVTests assert these gaps against the scipy values and "
                "the exact rational solutions recorded by scripts/make_spline_test_values.py")
EXEMPT["Guides/SmoothingSpline.md"] = [
    Exempt("unit-test", SPLINE_TESTS, section="## Accuracy against scipy (measured)"),
    Exempt("unit-test", "SmoothingSplineTests (the 1.8e-9 first-derivative gap, bound 1e-8) and "
           "GCVTests (the noisy-sine GCV-versus-oracle samples) assert these figures",
           section="### Numerical notes"),
    Exempt("history", "a one-off 60-digit mpmath comparison (too slow for CI) and the "
           "SplineRouteTests bounds; the old code's failure is the history of issue 11/12",
           section="### Ill-conditioning at large n and the well-conditioned route"),
    Exempt("history", "SplineLDLRouteTests asserts the n = 4 000 and 200 000 accuracies; the "
           "n = 10⁶ run took four minutes in a debug build and is dated in the text",
           section="### The refined LDLᵀ route (one column, 10⁸ < 9λ/h³ ≤ 10¹⁵, fewer than 2¹⁴ knots)"),
    Exempt("unit-test", "SplineStateSpaceTests asserts the accuracies against the Float80 solve "
           "and the 60-digit fits; the join agreement and per-step times are one-off "
           "measurements dated in the text (C harness over the kernels, n = 10⁶)",
           section="### The state-space route (n ≥ 2¹⁴, any λ)"),
    Exempt("unit-test", "SplineScalingTests checks the bit equality under scaling and the "
           "least-squares-line example quoted here",
           section="### Extreme inputs: exact rescaling and the λ → ∞ limit"),
    Exempt("history", "the CLI's speed history over sessions 1 and 2, measured against the "
           "binary of the time, which cannot be rebuilt by a CI run",
           paragraph="- **The CLI** (`coded spline`, end to end)"),
    Exempt("history", "the bit-for-bit comparison with the implementation before issue 12, "
           "whose binary no longer exists; the allocation count is the benchmarks'",
           paragraph="The result is bit-for-bit the previous implementation's"),
    Exempt("history", "a same-session comparison with main's binaries of 1 December 2026 (Givens "
           "against LDLᵀ routes) and callgrind counts, which need both builds",
           section="### Distance from the one-pass bound"),
    Exempt("history", "the timings before this work (before 23 November 2026, code that is "
           "gone) and a one-off BLAS-thread comparison; the benchmark table is generated",
           paragraph="Before this work (before 23 November 2026;"),
    Exempt("script", "scripts/check_parameter_maps.py recomputes every map and exits 1 on a "
           "mismatch; the bounds quoted are the ones it asserts",
           section="## Comparison with other languages"),
]

EXEMPT["Guides/LTCodes.md"] = [
    Exempt("history", "the machine and the load range of the section's runs: a description of "
           "the conditions, not a result", paragraph="Machine: AMD EPYC, 2 cores, 2 MiB L2 per core"),
    Exempt("history", "the errors of `coded lt run` before the double-double sums; that code is "
           "gone", fragment="run before that change (1 December 2026), same flags, had worst "
           "relative errors 1.2e-11 / 1.9e-11 for LT-1 / rateless)"),
    Exempt("history", "an earlier lt-speed run, overwritten by the refresh; kept to show the spread",
           fragment="an earlier run on 1 December 2026 at load 4, with other jobs competing for the "
           "memory system, gave 1.08–1.24 s per decode at 10⁶"),
    Exempt("history", "the old decoder's per-edge costs (fe279fb), measured before this work",
           fragment="(it was 1.45 between 10⁵ and 10⁶ with the decoder of fe279fb, at 85 → 262 ns "
           "per edge)"),
    Exempt("history", "the profile shares and A/B gains of the four optimisation steps of "
           "session 2, against binaries of the time",
           paragraph="1. *Drawing* was a third of the time before session 2:"),
    Exempt("history", "two timed `coded lt threshold` runs (sum and full mode, 2 000 trials) of "
           "1 December 2026 and an older pair; no CSV records them",
           fragment="costs about 2.2 ms against 0.14 ms in full mode (2 000 trials: 4.5 s vs 0.29 s "
           "for the `coded lt threshold` run, release build, load average 2.6, 1 December 2026; "
           "before the decoder work of the \"Decoder speed\" section: 42 s vs 5.5 s under a "
           "heavier load)."),
    Exempt("unit-test", "the span-test unit tests (exact rank comparison on 2 000 random streams) "
           "assert these counts and the 1e-12 bound", paragraph="*Tests.* 2 000 random streams"),
    Exempt("history", "the first tracker's overflows; its 64-bit code is gone",
           fragment="A 64-bit tracker (the first version, 1 December 2026) overflowed 33 times at "
           "L = 256 (mean 1121.1)"),
    Exempt("history", "a farm-bench A/B of the final binary against main's (fe279fb); the old "
           "binary is not rebuilt by CI", paragraph="**The issue's command.**"),
    Exempt("history", "perf profiles and A/B runs of the optimisation steps, against binaries "
           "of the time (session 2)", paragraph="**What changed**"),
    Exempt("history", "A/B runs of changes that were dropped (session 2); their code is gone",
           paragraph="Measured and dropped (1 December 2026):"),
    Exempt("history", "the one-at-a-time decoder's times before session 2's decoder work "
           "(fe279fb); that code is gone, the current times are the generated LTBenchmarks table",
           paragraph="Before the decoder work of session 2 (main at fe279fb)"),
]
EXEMPT["Guides/BLAS.md"] = [
    Exempt("history", "issue 12's measurement of the Prescott fallback on the machine of the "
           "time; the current rates are the README's blas-fallback.csv row",
           paragraph="Debian 12's OpenBLAS 0.3.21 is built with `DYNAMIC_ARCH`"),
    Exempt("unit-test", "BLASThreadPolicyTests runs exactly these shapes and bounds (the 300 s "
           "is a hang guard, not a timing)",
           paragraph="`BLASThreadPolicyTests` runs a 4-thread round"),
]
EXEMPT["Guides/WorkerPools.md"] = [
    Exempt("history", "the first pool's figures (November 2026); its code is gone, the current "
           "figures are the generated PoolBenchmarks table",
           paragraph="The first version of the pool (one closure"),
]
EXEMPT["Guides/PolarCodes.md"] = [
    Exempt("history", "the machine and load of the runs behind the committed CSVs (1 December "
           "2026 and before; the CSVs have no load column): a description, not a result",
           paragraph="Machine: the project's shared 2-core AMD EPYC VM"),
    Exempt("history", "an N = 4096 run of 1 December 2026 that PolarBenchmarks no longer "
           "includes; the current N = 1024 figures are the generated polar-benchmarks block",
           paragraph="In a benchmark run of 1 December 2026, at N = 4096"),
    Exempt("history", "the cost before the buffer reuse (commit a5c64c9); that code is gone",
           paragraph="Before the encoder and decoder reused their working buffers"),
]
EXEMPT["Guides/BlackBoxOptimization.md"] = [
    Exempt("history", "the machine, load and commits of the runs that made the committed CSVs "
           "(the CSVs have no load column); a description of the runs, not a result",
           paragraph="Machine: AMD EPYC (`lscpu`: \"AMD EPYC\"), 2 cores shared with other builds"),
    Exempt("unit-test", "BlackBoxGradientTests asserts these bounds (10⁻⁸ relative, 0.12 of "
           "1 − M/K) on the patterns and draws named here", section="### Exactness (tests)"),
    Exempt("history", "a BlackBoxBenchmarks run before the BLAS-loading work of issue 12, "
           "whose fallback kernels the library no longer uses",
           paragraph="Before the BLAS-loading work of issue 12"),
]
EXEMPT["Guides/CodedInference.md"] = [
    Exempt("history", "a perf profile of 1 December 2026 at load 13–22 (CPU time per batch), "
           "not a CSV", paragraph="Per batch of 450 (64-64-10 tanh), in CPU time"),
]
EXEMPT["Guides/LeTCC.md"] = [
    Exempt("history", "a one-off CodingBenchmarks run with glibc's malloc thresholds raised "
           "(1 December 2026, commit feaa299); the current figures are the generated block",
           paragraph="In the benchmark process the allocating `encode(_:)` pays page faults"),
]
EXEMPT["Guides/LearnedCodes.md"] = [
    Exempt("history", "the wall and CPU time of scripts/train_parity_models.sh at f7ea516; the "
           "CSV records the per-model times, not the script's",
           paragraph="Made by `scripts/train_parity_models.sh`"),
]

EXEMPT["Guides/Distributed.md"] = [
    Exempt("history", "the p99 of a first heartbeat design that was replaced in session 2; its "
           "binary is gone", fragment="(A first version, in session 2 on 1 December 2026, handed"),
    Exempt("history", "a single 3000-round soak run; soak-summary.csv holds the 500-round runs",
           fragment="a 3000-round run on 1 December 2026 went 37.8 → 38.3 MiB"),
    Exempt("history", "the loads during the overhead runs, recorded by hand (mpi/overhead.csv has "
           "no load column)", fragment="heartbeats at 3c5236e; other builds shared the 2 cores — "
           "load average 5.8 at run 3's N = 64 and 11.9 at its N = 8 and 2"),
    Exempt("history", "the load during run 3 (mpi/overhead.csv has no load column), recorded "
           "by hand when run 3 was taken at 3c5236e", fragment="was taken at load average 11.9 (1 December 2026)"),
]

EXEMPT["README.md"] = [
    Exempt("history", "the AddressSanitizer run's extra time, one run; not a result",
           fragment="it adds about 7 minutes, measured on 1 December 2026"),
    Exempt("history", "a farm-bench A/B of `coded lt threshold` against main's binary (fe279fb); "
           "the old binary is not rebuilt by CI (Guides/LTCodes.md has the details)",
           fragment="takes 0.70 s for the whole process on this shared 2-core EPYC (1 December "
           "2026, median of 10, load ≈ 2.5; up to ~1.3 s when other jobs hold the cores), "
           "against 2.84 s before in the same A/B."),
]
