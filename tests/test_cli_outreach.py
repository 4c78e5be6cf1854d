"""The supplier and customer loop on the command line: supplier-pack, supplier-answers,
survey and survey-import, and their one-line refusals."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.cli_here import run
from tests.test_cli import assert_one_line_error


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> list[str]:
    """The database options for a private copy of the demo."""
    copy = tmp_path / "demo.db"
    shutil.copyfile(demo_file, copy)
    return ["--db", str(copy)]


def test_supplier_pack_and_answers_round_trip(demo, tmp_path):
    folder = tmp_path / "pack"
    result = run("supplier-pack", "SUP-0001", "--out", str(folder), *demo, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "(questionnaire round 1)" in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("mailto:")
    workbook_path = next(folder.glob("SUP-0001-questionnaire-*.xlsx"))
    assert next(folder.glob("SUP-0001-scorecard-*.pdf")).stat().st_size > 10_000

    workbook = load_workbook(workbook_path)
    sheet = workbook["Questionnaire"]
    sheet["B8"] = "+44 114 000 0000"  # the phone row
    rows = {sheet.cell(r, 1).value: r for r in range(1, 60)}
    sheet.cell(rows[1], 3, "Partly")
    sheet.cell(rows[1], 4, "Recertification audit in March")
    returned = tmp_path / "returned.xlsx"
    workbook.save(returned)

    preview = run("supplier-answers", str(returned), *demo, data_dir=tmp_path)
    assert preview.returncode == 0, preview.stderr
    assert "phone: " in preview.stdout and "-> +44 114 000 0000" in preview.stdout
    assert "1. Partly (Recertification audit in March)" in preview.stdout
    assert "Nothing written yet" in preview.stdout
    wrong = run("supplier-answers", str(returned), "--accept", "fax", *demo, data_dir=tmp_path)
    assert_one_line_error(wrong, "--accept fax: no such change", "phone")
    done = run("supplier-answers", str(returned), "--accept", "all", *demo, data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Round 1 of SUP-0001 recorded (1 of" in done.stdout and "Phone" in done.stdout
    again = run("supplier-answers", str(returned), "--accept", "all", *demo, data_dir=tmp_path)
    assert_one_line_error(again, "Round 1 of SUP-0001 was imported on", "already")


def test_supplier_commands_refuse_in_one_line(demo, tmp_path):
    assert_one_line_error(run("supplier-pack", "SUP-0999", *demo, data_dir=tmp_path),
                          "SUP-0999 is not in the supplier register")
    assert_one_line_error(run("supplier-pack", "SUP-0001", "--out", "/no/such/folder/x",
                              *demo, data_dir=tmp_path), "does not exist")
    assert_one_line_error(run("supplier-answers", str(tmp_path / "none.xlsx"), *demo,
                              data_dir=tmp_path), "does not exist")
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook")
    assert_one_line_error(run("supplier-answers", str(text), *demo, data_dir=tmp_path),
                          "notes.xlsx", "not an Excel workbook")


def test_survey_and_its_import(demo, tmp_path):
    out = tmp_path / "survey.xlsx"
    result = run("survey", "--category", "customer", "--out", str(out), *demo,
                 data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Survey written:" in result.stdout
    workbook = load_workbook(out)
    sheet = workbook["Survey"]
    ref = sheet.cell(6, 1).value
    sheet.cell(6, 3, 4)
    sheet.cell(6, 4, 5)
    sheet.cell(6, 10, date(2026, 11, 20))
    workbook.save(out)
    imported = run("survey-import", str(out), *demo, data_dir=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("Imported 1 survey answers from survey.xlsx")
    assert f"  {ref} " in imported.stdout and ": 5/5" in imported.stdout  # 4.5 rounds up
    assert_one_line_error(run("survey-import", str(out), *demo, data_dir=tmp_path),
                          "already", "nothing was imported")


def test_survey_commands_refuse_in_one_line(demo, tmp_path):
    assert_one_line_error(run("survey", "--party", "IP-0999", "--out",
                              str(tmp_path / "s.xlsx"), *demo, data_dir=tmp_path),
                          "IP-0999 is not an active interested party")
    assert_one_line_error(run("survey", "--category", "customer", "--out",
                              str(tmp_path / "s.csv"), *demo, data_dir=tmp_path),
                          "name it FILE.xlsx")
    empty = tmp_path / "s.xlsx"
    assert run("survey", "--party", "IP-0001", "--out", str(empty), *demo,
               data_dir=tmp_path).returncode == 0
    assert_one_line_error(run("survey-import", str(empty), *demo, data_dir=tmp_path),
                          "holds no answers yet")
    usage = run("survey", "--out", str(empty), *demo, data_dir=tmp_path)
    assert usage.returncode == 2 and "one of the arguments --party --category is required" \
        in usage.stderr
