"""Numbers of the Guides that are measured but have no committed data file, each with its reason.

`EXEMPT[path]` lists the exemptions of one file. An exemption covers either one section (`section`,
the exact heading line, up to the next heading of the same or a higher level) or one fragment of
the text (`fragment`, found exactly once; any whitespace run matches any whitespace run, as in
scripts/doc_claims.py) or one paragraph or list item (`paragraph`, the text it starts with; it
ends at a blank line, the next list item or a heading). Every exemption has a `kind` and a
`reason`:

* `benchmark` — figures of a `swift package benchmark` (or benchmark executable) run; the run
  is not committed as a CSV, the text names the command and says the figures vary by run.
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
           section="### The refined LDLᵀ route (one column, 10⁸ < 9λ/h³ ≤ 10¹⁵)"),
    Exempt("unit-test", "SplineScalingTests checks the bit equality under scaling and the "
           "least-squares-line example quoted here",
           section="### Extreme inputs: exact rescaling and the λ → ∞ limit"),
    Exempt("history", "a one-off oracle scan at n = 10⁶ (steps of 0.05 in log λ), too slow "
           "for CI; dated in the text", paragraph="Sensible λ at n = 10⁶"),
    Exempt("history", "a benchmark run of 23 November 2026 that no CSV records; the current "
           "speed is the generated table above", paragraph="- **100 columns** at n = 10⁵"),
    Exempt("history", "the CLI's speed history over sessions 1 and 2, measured against the "
           "binary of the time, which cannot be rebuilt by a CI run",
           paragraph="- **The CLI** (`coded spline`, end to end)"),
    Exempt("history", "the bit-for-bit comparison with the implementation before issue 12, "
           "whose binary no longer exists; the allocation count is the benchmarks'",
           paragraph="The result is bit-for-bit the previous implementation's"),
    Exempt("history", "a same-session comparison with main's binaries of 1 December 2026 (Givens "
           "against LDLᵀ routes) and callgrind counts, which need both builds",
           section="### Distance from the one-pass bound"),
    Exempt("history", "the SplineBenchmarks run of 23 November 2026 (about 3 minutes) and "
           "the older timings before this work; the current speed is the generated table",
           section="### Benchmarks"),
    Exempt("script", "scripts/check_parameter_maps.py recomputes every map and exits 1 on a "
           "mismatch; the bounds quoted are the ones it asserts",
           section="## Comparison with other languages"),
]
