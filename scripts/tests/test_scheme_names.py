"""The scheme names come from one table (Swift's SchemeKind, printed by `coded schemes`): the
independent reference implements a subset of them under the same names, and every scheme the CLI
knows is either implemented by the reference or listed here as checked elsewhere."""
import csv
import io
import os
import subprocess

import reference_coded

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Schemes that scripts/reference_coded.py does not implement, and where they are checked instead.
CHECKED_ELSEWHERE = {
    "polar": "exact linear code: Tests/CodedComputingTests (exhaustive erasure patterns)",
    "mds": "exact linear code: Tests/CodedComputingTests (any K of N)",
}


def test_reference_names_match_the_cli_table():
    binary = os.environ.get("CODED_EXECUTABLE", os.path.join(ROOT, ".build", "debug", "coded"))
    assert os.path.exists(binary), f"{binary} not found: run `swift build` (or `swift test`) first"
    out = subprocess.run([binary, "schemes"], capture_output=True, text=True, timeout=60, check=True)
    names = [row["name"] for row in csv.DictReader(io.StringIO(out.stdout))]
    assert names, "coded schemes printed no scheme"
    assert set(reference_coded.SCHEMES) <= set(names), "the reference uses a name the CLI does not know"
    missing = set(names) - set(reference_coded.SCHEMES) - set(CHECKED_ELSEWHERE)
    assert not missing, f"schemes neither in the reference nor checked elsewhere: {sorted(missing)}"
