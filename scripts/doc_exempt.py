"""Numbers of the Guides that are measured but have no committed data file, each with its reason.

`EXEMPT[path]` lists the exemptions of one file. An exemption covers either one section (`section`,
the exact heading line, up to the next heading of the same or a higher level) or one fragment of
the text (`fragment`, found exactly once; any whitespace run matches any whitespace run, as in
scripts/doc_claims.py). Every exemption has a `kind` and a `reason`:

* `benchmark` — figures of a `swift package benchmark` (or benchmark executable) run; the run
  is not committed as a CSV, the text names the command and says the figures vary by run.
* `unit-test` — accuracies asserted by a named unit test: the test, not a CSV, fails when they
  stop holding (the text gives the bound the test asserts or the value it was measured at).
* `history` — a one-off measurement that is too slow or too machine-bound to rerun in CI; the
  exempted text must say when (a date, an issue or a commit) so a reader knows it is history.

scripts/check_readme_numbers.py refuses an exemption whose reason is empty or shorter than
a sentence, whose kind is unknown, whose section or fragment is not found exactly once, and a
`history` exemption whose text names no date, issue or commit; `--uncovered` leaves out the
numbers an exemption covers (`--uncovered --exempt` lists them with their kind instead).
"""
import re

KINDS = ("benchmark", "unit-test", "history")
WHEN = re.compile(r"\b20\d\d\b|\bissue[ -]\d+|\b[0-9a-f]{7,40}\b|\bsession \d\b")
"""What a `history` exemption's text must contain: a year, an issue, a commit or a session."""


class Exempt:
    """A section or fragment of a file whose numbers are measured but not recomputed; see the
    module docstring."""

    def __init__(self, kind, reason, section=None, fragment=None):
        self.kind, self.reason, self.section, self.fragment = kind, reason, section, fragment


EXEMPT = {}
