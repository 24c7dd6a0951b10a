"""Guides/Conventions.md lists the CSV columns the `coded` binary prints, in its order: the
`run`/`sweep` table, the machine columns of `timing` and `forward-speed`, and `coded blas`. A
column added to a command without its line in the Guide fails here."""
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("CODED_EXECUTABLE", os.path.join(ROOT, ".build", "debug", "coded"))
GUIDE = os.path.join(ROOT, "Guides", "Conventions.md")


def section(title):
    with open(GUIDE, encoding="utf-8") as handle:
        text = handle.read()
    start = text.index(f"### {title}")
    end = text.find("\n### ", start + 1)
    return text[start:end if end >= 0 else len(text)]


def header(*args):
    assert os.path.exists(BINARY), f"{BINARY} not found: run `swift build` (or `swift test`) first"
    proc = subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()[0].split(",")


def table_columns(text):
    """The backticked names in the first cell of each row of the tables in `text`, in order."""
    documented = []
    for line in text.splitlines():
        if line.startswith("| `"):
            documented += re.findall(r"`([a-z_A-Z]+)`", line.split("|")[1])
    return documented


def test_run_columns_are_the_guides_table():
    documented = table_columns(section("`coded run` and `coded sweep`"))
    printed = header("run", "--scheme", "bacc", "--function", "sin", "--K", "3", "--workers", "5")
    assert printed == documented


def machine_columns():
    text = section("`coded timing`")
    return table_columns(text[text.index("**Machine columns**"):])


def test_timing_columns():
    text = section("`coded timing`")
    first = re.search(r"^`([A-Za-z_,]+)`$", text, re.M).group(1).split(",")
    printed = header("timing", "--K", "3", "--workers", "5", "--stragglers", "1", "--dim", "2",
                     "--repeats", "1")
    assert printed == first + machine_columns()


def test_blas_columns():
    documented = machine_columns() + table_columns(section("`coded blas`"))
    assert header("blas", "--gemm-size", "0") == documented


def test_schemes_columns():
    assert header("schemes") == ["name", "summary"]
