"""The README's marked tables equal what scripts/check_readme_numbers.py regenerates from
notebooks-data/, and the checker fails when a number in them is edited."""
import os
import shutil

import check_readme_numbers as checker

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_readme_numbers_match_the_data():
    assert checker.main([]) == 0


def test_an_edited_number_fails(tmp_path):
    readme = tmp_path / "README.md"
    shutil.copy(os.path.join(ROOT, "README.md"), readme)
    text = readme.read_text(encoding="utf-8")
    block = text[text.index("<!-- numbers: main-job -->"):]
    row = block.splitlines()[3]  # "| 20 | 4.9e-1 | …" — the first data row
    cells = row.split(" | ")
    edited = row.replace(cells[1], cells[1].replace(cells[1][0], "9" if cells[1][0] != "9" else "8", 1), 1)
    assert edited != row
    readme.write_text(text.replace(row, edited, 1), encoding="utf-8")
    assert checker.main(["--readme", str(readme)]) == 1
    # --write restores it.
    assert checker.main(["--readme", str(readme), "--write"]) == 0
    assert checker.main(["--readme", str(readme)]) == 0
    assert readme.read_text(encoding="utf-8") == text


def test_an_unknown_block_is_an_error(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("<!-- numbers: no-such-block -->\nx\n<!-- /numbers -->\n", encoding="utf-8")
    try:
        checker.main(["--readme", str(readme)])
    except SystemExit as exit:
        assert "no-such-block" in str(exit.code)
    else:
        raise AssertionError("an unknown block must fail")
