"""The numbers of README.md and the Guides equal what scripts/check_readme_numbers.py recomputes
from notebooks-data/, and the checker fails when any checked number is edited: a generated table,
a speed figure, a number in prose."""
import os
import re
import shutil

import pytest

import check_readme_numbers as checker
import doc_claims

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def copy_of_readme(tmp_path):
    readme = tmp_path / "README.md"
    shutil.copy(os.path.join(ROOT, "README.md"), readme)
    return readme, readme.read_text(encoding="utf-8")


def bump(number):
    """`number` with its first digit changed (9 → 8, else + 1)."""
    index = re.search(r"\d", number).start()
    digit = number[index]
    return number[:index] + ("8" if digit == "9" else str(int(digit) + 1)) + number[index + 1:]


def assert_edit_fails_and_write_restores(readme, text, old, new):
    assert old != new and text.count(old) == 1, old
    readme.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert checker.main(["--readme", str(readme)]) == 1
    assert checker.main(["--readme", str(readme), "--write"]) == 0
    assert checker.main(["--readme", str(readme)]) == 0
    assert readme.read_text(encoding="utf-8") == text


def test_readme_and_guides_match_the_data():
    assert checker.main([]) == 0


def block_row(text, name, index):
    """Row `index` (0 = the header) of the first table of block `name`."""
    block = text[text.index(f"<!-- numbers: {name} -->"):]
    table = [line for line in block.splitlines() if line.startswith("|")]
    return table[index]


@pytest.mark.parametrize("name", ["main-job", "coded-inference", "blackbox-attack",
                                  "polar-decode", "lt-latency"])
def test_an_edited_table_number_fails(tmp_path, name):
    readme, text = copy_of_readme(tmp_path)
    row = block_row(text, name, 2)  # the first data row
    cells = row.split(" | ")
    cell = next(c for c in cells[1:] if re.search(r"\d", c))
    edited = row.replace(cell, bump(cell), 1)
    assert_edit_fails_and_write_restores(readme, text, row, edited)


def test_an_edited_speed_figure_fails(tmp_path):
    readme, text = copy_of_readme(tmp_path)
    row = next(line for line in text[text.index("<!-- numbers: speed -->"):].splitlines()
               if line.startswith("| BACC, 1 thread"))
    figure = re.search(r"\d+\.\d+ ms", row).group()
    assert_edit_fails_and_write_restores(readme, text, row, row.replace(figure, bump(figure), 1))


def test_an_edited_machine_label_fails(tmp_path):
    readme, text = copy_of_readme(tmp_path)
    assert "CPU `AMD EPYC`" in text
    assert_edit_fails_and_write_restores(readme, text, "CPU `AMD EPYC`", "CPU `Intel Xeon`")


@pytest.mark.parametrize("fragment", ["GCV chose λ = ", "slope in N: ", "beats uncoded (",
                                      "Polar decodes ", "A round costs "])
def test_an_edited_prose_number_fails(tmp_path, fragment):
    readme, text = copy_of_readme(tmp_path)
    start = text.index(fragment) + len(fragment)
    number = re.match(r"[−-]?[\d.]+", text[start:]).group()
    old = text[start - len(fragment):start + len(number)]
    assert_edit_fails_and_write_restores(readme, text, old, fragment + bump(number))


def test_a_reworded_claim_is_an_error(tmp_path):
    readme, text = copy_of_readme(tmp_path)
    readme.write_text(text.replace("GCV chose λ", "GCV picked λ", 1), encoding="utf-8")
    assert checker.main(["--readme", str(readme)]) == 1


def test_refreshed_speed_csvs_refresh_the_readme(tmp_path, monkeypatch):
    """New rows in the speed CSVs (another machine) change the table and its machine label;
    --write brings the README to them."""
    readme, text = copy_of_readme(tmp_path)
    coding = [dict(r) for r in checker.rows("coding-speed.csv")]
    for r in coding:
        r["cpu_model"] = "Test CPU 9000"
        if r["tool"] == "coded" and r["scheme"] == "bacc" and r["threads"] == "1":
            r["seconds_median"] = "0.0123"
    monkeypatch.setitem(checker._CACHE, "coding-speed.csv", coding)
    assert checker.main(["--readme", str(readme)]) == 1
    assert checker.main(["--readme", str(readme), "--write"]) == 0
    fresh = readme.read_text(encoding="utf-8")
    assert "`Test CPU 9000`" in fresh and "| BACC, 1 thread | 12.3 ms" in fresh


def test_a_hole_before_punctuation_takes_the_whole_number():
    pattern = checker.claim_pattern("stalls at ≈ {v}.")
    assert pattern.search("it stalls at ≈ 0.06. Then").group("v") == "0.06"
    assert checker.claim_pattern("from {a} (i.i.d.)").search("from 1 127 (i.i.d.)").group(
        "a") == "1 127"


def test_every_claim_computes_and_is_found_once():
    for path, claims in doc_claims.CLAIMS.items():
        with open(os.path.join(ROOT, path), encoding="utf-8") as handle:
            text = handle.read()
        for claim in claims:
            assert len(checker.claim_pattern(claim.template).findall(text)) == 1, claim.template
            for compute in claim.values.values():
                assert re.search(r"\d|[a-z]|[✓✗]", compute())


def test_an_unknown_block_is_an_error(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("<!-- numbers: no-such-block -->\nx\n<!-- /numbers -->\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="no-such-block"):
        checker.main(["--readme", str(readme)])


def test_uncovered_lists_free_numbers_but_not_claimed_ones(tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text("GCV chose λ = 3.3e-6 and optimal 3.8e-6, both at MSE 2.7e-5, the same as "
                      "the best grid λ, 3.2e-6).\nIt took 42 s.\n", encoding="utf-8")
    assert checker.main(["--readme", str(readme), "--uncovered"]) == 0
    listed = capsys.readouterr().out
    assert ": 42" in listed and "3.3e-6" not in listed


def copy_of_guide(tmp_path, name):
    guide = tmp_path / name
    shutil.copy(os.path.join(ROOT, "Guides", name), guide)
    return guide, guide.read_text(encoding="utf-8")


def test_an_exemption_without_a_reason_fails(tmp_path, monkeypatch):
    import doc_exempt

    guide, _ = copy_of_guide(tmp_path, "LeTCC.md")
    entries = doc_exempt.EXEMPT["Guides/LeTCC.md"]
    assert checker.main(["--readme", str(guide)]) == 0
    bare = doc_exempt.Exempt(entries[0].kind, "", fragment=entries[0].fragment)
    monkeypatch.setitem(doc_exempt.EXEMPT, "Guides/LeTCC.md", [bare] + entries[1:])
    assert checker.main(["--readme", str(guide)]) == 1


def test_a_history_exemption_must_say_when(tmp_path, monkeypatch):
    import doc_exempt

    guide, text = copy_of_guide(tmp_path, "LearnedCodes.md")
    assert checker.main(["--readme", str(guide)]) == 0
    guide.write_text(text.replace("after merging main at\nf7ea516", "after merging main"),
                     encoding="utf-8")
    assert text != guide.read_text(encoding="utf-8")
    assert checker.main(["--readme", str(guide)]) == 1


def test_a_missing_exempted_paragraph_fails(tmp_path):
    guide, text = copy_of_guide(tmp_path, "LeTCC.md")
    old = "In the benchmark process the allocating `encode(_:)` pays page faults"
    assert text.count(old) == 1
    guide.write_text(text.replace(old, "The allocating `encode(_:)` pays page faults"),
                     encoding="utf-8")
    assert checker.main(["--readme", str(guide)]) == 1


def test_uncovered_leaves_out_exempt_numbers_and_exempt_lists_them(tmp_path, capsys):
    guide, _ = copy_of_guide(tmp_path, "WorkerPools.md")
    checker.main(["--readme", str(guide), "--uncovered"])
    free = capsys.readouterr().out
    checker.main(["--readme", str(guide), "--uncovered", "--exempt"])
    exempt = capsys.readouterr().out
    assert ": 187 [history]" in exempt.replace("µs", "")
    assert ": 187" not in free


@pytest.mark.parametrize("guide_name,old", [
    ("LTCodes.md", "| 10⁴ | 152 150 |"),  # the generated lt-speed table
    ("LTCodes.md", "| | 10⁵ | 7.1e16 |"),  # the generated lt-accuracy table
    ("PolarCodes.md", "which\nmeets the issue's ≥ 10× target"),  # a generated verdict
    ("BLAS.md", "all 137 642 values"),  # the generated loader table (blas-check.csv)
    ("SmoothingSpline.md", "GCV picks λ = 0.062"),  # spline-gcv.csv
    ("Distributed.md", "took 2.6–5.3 ms with no death"),  # mpi/detection.csv
    ("LTCodes.md", "| 256 (default) | 1118.72 |"),  # lt-span-limit.csv
    ("LeTCC.md", "from 1.3·10⁻⁴ to 30"),  # encoder-gcv-lambda.csv
])
def test_an_edited_newly_covered_number_fails(tmp_path, guide_name, old):
    guide, text = copy_of_guide(tmp_path, guide_name)
    new = old.replace("meets", "misses") if "meets" in old else bump(old)
    assert_edit_fails_and_write_restores(guide, text, old, new)


@pytest.mark.parametrize("old,new", [("which beats BACC", "which trails BACC"),
                                     ("so it is slower than MDS", "so it is faster than MDS")])
def test_an_edited_verdict_word_fails(tmp_path, old, new):
    readme, text = copy_of_readme(tmp_path)
    assert_edit_fails_and_write_restores(readme, text, old, new)


def test_a_verdict_the_data_contradict_asks_for_a_rewrite():
    assert doc_claims.holds(lambda: True, "beats")() == "beats"
    assert doc_claims.holds(lambda: False, "beats")() == "REVISE"
