"""scripts/benchmarks_to_csv.py reads the benchmark plugin's influx export (names with commas,
unscaled values), and the Guides' benchmark blocks made from its CSVs fail the checker when a
figure is edited."""
import os
import re
import shutil

import benchmarks_to_csv
import check_readme_numbers as checker
import doc_bench_tables

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Two rows as ordo-one/package-benchmark 1.38 prints them: a name holding a comma comes quoted
# (not escaped), and the unit label is the display unit although the value is in nanoseconds.
INFLUX = """#datatype tag,tag,tag,tag,tag,tag,tag,tag,tag,double,double,double,long,long,dateTime
measurement,hostName,processoryType,processors,memory,kernelVersion,metric,unit,test,percentile,\
value,test_average,iterations,warmup_iterations,time
T,vm,x86_64,2,23,k,Time(wallclock),μs,"round N=32, 4 absent",50.0,718798847,7.2e8,5,1,2026-12-01T0Z
T,vm,x86_64,2,23,k,Malloc(total),,plain,99.0,201,201.0,10000,1,2026-12-01T00:00:00Z
"""


def test_parse_influx_keeps_commas_in_names_and_labels_units():
    first, second = benchmarks_to_csv.parse_influx(INFLUX)
    assert first["benchmark"] == "round N=32, 4 absent"
    assert (first["metric"], first["unit"], first["percentile"], first["value"]) == (
        "Time(wallclock)", "ns", "50", "718798847")
    assert (first["iterations"], first["warmup_iterations"], first["processors"]) == ("5", "1", "2")
    assert (second["benchmark"], second["unit"], second["percentile"]) == ("plain", "count", "99")
    assert benchmarks_to_csv.unit("Throughput(#/s)") == "per_s"
    assert benchmarks_to_csv.unit("Time(userCPU)") == "ns"


def test_value_converts_nanoseconds_to_microseconds():
    row = next(r for r in checker.rows("benchmarks/PoolBenchmarks.csv")
               if r["benchmark"] == "sequential loop N=100" and r["metric"] == "Time(wallclock)"
               and r["percentile"] == "50")
    assert doc_bench_tables.value("PoolBenchmarks", "sequential loop N=100") == (
        float(row["value"]) / 1e3)


def test_generated_paragraph_never_starts_a_line_like_a_list_item():
    text = "word " * 19 + "`draw + peel` and " + "more words " * 10
    for line in doc_bench_tables.paragraph(text).splitlines()[1:]:
        assert not doc_bench_tables.BLOCK_START.match(line), line


def test_an_edited_benchmark_figure_fails(tmp_path):
    guide = tmp_path / "WorkerPools.md"
    shutil.copy(os.path.join(ROOT, "Guides", "WorkerPools.md"), guide)
    text = guide.read_text(encoding="utf-8")
    assert checker.main(["--readme", str(guide)]) == 0
    row = re.search(r"^\| 100 \| (\d)", text, re.M)
    digit = row.group(1)
    edited = text[:row.start(1)] + ("8" if digit == "9" else str(int(digit) + 1)) + \
        text[row.end(1):]
    guide.write_text(edited, encoding="utf-8")
    assert checker.main(["--readme", str(guide)]) == 1
