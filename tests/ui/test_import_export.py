"""Spreadsheet export, templates and import from the register pages, driven as a person would."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from qmsdesk.services.exchange.adapters import ADAPTERS
from qmsdesk.services.exchange.registers import REGISTERS
from qmsdesk.services.parties import service as party_service
from qmsdesk.services.progress import Progress, run_task
from tests.ui.conftest import SAMPLE, drive_dialog


def _click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def _menu_action(window, text: str):
    """The Register menu's entry, as the menu bar offers it for the page in view."""
    found = [a for a in window.register_menu.actions() if a.text().replace("&", "") == text]
    assert found, [a.text() for a in window.register_menu.actions()]
    return found[0]


def _write(path: Path, rows: list[list[object]], title: str = "Stakeholders") -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def files(monkeypatch, tmp_path: Path):
    """Answer the file dialogs: ``files.open`` is the file to import; every save dialog
    gets ``files.save`` (its arguments are kept in ``files.asked``)."""

    class Files:
        open: Path | None = None
        save: Path | None = None
        asked: list[tuple] = []
        errors: list[str] = []

    def ask_save(*args, **_kwargs):
        Files.asked.append(args)
        return (str(Files.save) if Files.save else ""), ""

    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName", ask_save)
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getOpenFileName",
                        lambda *_a, **_k: (str(Files.open), ""))
    for module in ("qmsdesk.ui.exchange_actions", "qmsdesk.ui.dialogs.import_dialog"):
        monkeypatch.setattr(f"{module}.show_error",
                            lambda _parent, _title, text, *_: Files.errors.append(text))
    return Files


def _import(window, qtbot, interact) -> None:
    drive_dialog(_menu_action(window, "Import from spreadsheet…").trigger, interact)


def _wait_for(qtbot, dialog, page) -> None:
    qtbot.waitUntil(lambda: dialog.stack.currentWidget() is page and dialog._task is None,
                    timeout=20000)


def _choose(combo, target: str) -> None:
    index = combo.findData(target)
    assert index > 0, f"{target} is not offered"
    combo.setCurrentIndex(index)


# --- export and template ----------------------------------------------------------------------
def test_export_parties_to_a_workbook_from_the_register_menu(window, qtbot, files, tmp_path,
                                                            today):
    window.show_page("parties")
    files.save = tmp_path / "exported.xlsx"
    _menu_action(window, "Export to spreadsheet…").trigger()
    qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage(), timeout=20000)
    (_parent, _caption, default, filters, *_rest) = files.asked[0]
    assert Path(default).name == f"parties-{today.isoformat()}.xlsx"
    assert filters.split(";;") == ["Excel workbook (*.xlsx)", "CSV files in a zip (*.zip)",
                                   "CSV (*.csv)"]
    workbook = openpyxl.load_workbook(files.save)
    assert workbook.sheetnames == ["parties", "requirements", "engagements"]
    rows = list(workbook["parties"].iter_rows(values_only=True))
    assert rows[0][:2] == ("Reference", "Name")
    assert sorted(r[1] for r in rows[1:]) == sorted(name for name, *_ in SAMPLE)
    assert str(files.save) in window.statusBar().currentMessage()
    assert files.errors == []


def test_an_export_that_fails_says_why(window, qtbot, files, tmp_path):
    window.show_page("parties")
    files.save = tmp_path / "no such folder" / "p.xlsx"
    _menu_action(window, "Export to spreadsheet…").trigger()
    qtbot.waitUntil(lambda: bool(files.errors), timeout=20000)
    assert "does not exist" in files.errors[0]
    assert "Exported" not in window.statusBar().currentMessage()


def test_a_template_has_the_headers_and_no_rows(window, qtbot, files, tmp_path):
    window.show_page("parties")
    files.save = tmp_path / "template"  # typed without a suffix: the chosen filter's
    _menu_action(window, "Import template…").trigger()
    qtbot.waitUntil(lambda: "template written" in window.statusBar().currentMessage(),
                    timeout=20000)
    workbook = openpyxl.load_workbook(tmp_path / "template.xlsx")
    rows = list(workbook["parties"].iter_rows(values_only=True))
    assert rows == [tuple(REGISTERS["parties"].main.headers)]


def test_each_register_page_offers_what_the_services_can_do(window):
    for key in ("parties", "objectives", "actions", "suppliers"):
        page = window.show_page(key)
        texts = [a.text().replace("&", "") for a in window.register_menu.actions()]
        assert ("Export to spreadsheet…" in texts) == (key in REGISTERS)
        assert ("Import from spreadsheet…" in texts) == (key in ADAPTERS)
        assert ("Import template…" in texts) == (key in ADAPTERS)
        assert page.exchange.button is not None and page.exchange.button.isVisible()


# --- import -------------------------------------------------------------------------------
def test_renamed_headers_are_mapped_checked_and_imported(window, qtbot, files, tmp_path):
    page = window.show_page("parties")
    files.open = _write(tmp_path / "stakeholders.xlsx", [
        ["Stakeholder", "Power", "Interest", "Needs & expectations", "Remarks"],
        ["Harland Automotive", 5, 4, "On-time delivery\nPPAP on changes", "Key account"],
        ["Works council", 2, 5, "Safe workplace", ""],
    ])
    seen = {}

    def interact(dialog) -> None:
        _wait_for(qtbot, dialog, dialog.columns_page)
        sheet = dialog.columns_page.sheets["parties"]
        assert {h: c.currentData() for h, c in sheet.combos.items()} == {
            "Stakeholder": "Name", "Power": "Influence", "Interest": "Interest",
            "Needs & expectations": "Need or expectation", "Remarks": ""}
        assert sheet.unknown_label.text().startswith("1 column not recognised")
        assert sheet.combos["Stakeholder"].currentText() == "Name (required)"
        _choose(sheet.combos["Remarks"], "Notes")  # by hand
        _click(qtbot, dialog.check_button)
        _wait_for(qtbot, dialog, dialog.ready_page)
        seen["ready"] = dialog.ready_page.summary.text()
        assert party_service.list_parties(window.db, window.today)  # nothing written yet
        assert len(page.model.rows()) == len(SAMPLE)
        _click(qtbot, dialog.import_button)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20000)

    _import(window, qtbot, interact)
    assert "Will create 2 records" in seen["ready"]
    names = {r.name: r for r in page.model.rows()}
    assert {"Harland Automotive", "Works council"} <= set(names)
    harland = party_service.get_party(window.db, names["Harland Automotive"].id)
    assert (harland.influence, harland.interest, harland.notes) == (5, 4, "Key account")
    assert [r.description for r in harland.requirements] == ["On-time delivery",
                                                             "PPAP on changes"]
    assert "Imported: 2 created" in window.statusBar().currentMessage()


def test_importing_the_register_s_own_export_finds_nothing_to_do(window, qtbot, files,
                                                                tmp_path):
    window.show_page("parties")
    files.save = files.open = tmp_path / "parties.zip"
    _menu_action(window, "Export to spreadsheet…").trigger()
    qtbot.waitUntil(files.open.exists, timeout=20000)
    seen = {}

    def interact(dialog) -> None:
        _wait_for(qtbot, dialog, dialog.columns_page)
        seen["tabs"] = [dialog.columns_page.tabs.tabText(i)
                        for i in range(dialog.columns_page.tabs.count())]
        _click(qtbot, dialog.check_button)
        _wait_for(qtbot, dialog, dialog.ready_page)
        seen["heading"] = dialog.ready_page.heading.text()
        seen["import"] = dialog.import_button.isEnabled()
        seen["close"] = dialog.cancel_button.text()

    _import(window, qtbot, interact)
    assert seen["tabs"] == ["Interested parties (4)", "Party requirements (0)",
                            "Party engagement log (0)"]
    assert seen["heading"].startswith("Nothing to import")
    assert (seen["import"], seen["close"]) == (False, "Close")


def test_a_file_with_bad_rows_shows_where_and_imports_nothing(window, qtbot, files, tmp_path):
    page = window.show_page("parties")
    files.open = _write(tmp_path / "bad.xlsx", [
        ["Stakeholder", "Power", "Interest", "Next review date"],
        ["Harland Automotive", "high", 4, "2027-03-01"],
        ["", 2, 5, "2027-01-15"],
        ["Works council", 2, 5, "soon"],
    ])
    files.save = tmp_path / "problems.txt"
    seen = {}

    def interact(dialog) -> None:
        _wait_for(qtbot, dialog, dialog.columns_page)
        _click(qtbot, dialog.check_button)
        _wait_for(qtbot, dialog, dialog.problems_page)
        problems = dialog.problems_page
        seen["rows"] = {(p.sheet, p.row, p.column) for p in problems.model.rows()}
        seen["text"] = problems.heading.text()
        model = problems.view.model()
        seen["headers"] = [model.headerData(c, Qt.Orientation.Horizontal)
                           for c in range(model.columnCount())]
        assert [p.row for p in problems.model.rows()] == [2, 3, 4]  # as the importer sorts
        header = problems.view.horizontalHeader()
        middle = header.sectionViewportPosition(1) + header.sectionSize(1) // 2
        for _ in range(2):  # ascending, then descending
            qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                             pos=QPoint(middle, header.height() // 2))
        seen["sorted"] = [problems.view.model().index(r, 1).data() for r in range(3)]
        _click(qtbot, problems.copy_button)
        seen["clipboard"] = QApplication.clipboard().text()
        _click(qtbot, problems.save_button)
        assert not dialog.import_button.isVisible()
        _click(qtbot, dialog.cancel_button)  # "Close"

    _import(window, qtbot, interact)
    assert seen["headers"] == ["Sheet", "Row", "Column", "Message"]
    assert seen["sorted"] == ["4", "3", "2"]
    assert {("Stakeholders", 2, "Power"), ("Stakeholders", 3, "Stakeholder"),
            ("Stakeholders", 4, "Next review date")} <= seen["rows"]
    assert seen["text"] == "Nothing was imported: the file has 3 problems."
    assert seen["clipboard"].startswith("Nothing was imported: the file has 3 problems.")
    assert "Stakeholders, row 2, column 'Power'" in seen["clipboard"]
    assert files.save.read_text(encoding="utf-8").strip() == seen["clipboard"]
    assert len(party_service.list_parties(window.db, window.today)) == len(SAMPLE)
    assert len(page.model.rows()) == len(SAMPLE)


def test_a_csv_file_is_named_as_the_file_in_columns_and_problems(window, qtbot, files,
                                                                 tmp_path):
    window.show_page("parties")
    files.open = tmp_path / "stakeholders.csv"
    files.open.write_text("Stakeholder,Power\nHarland,5\nWorks council,lots\n",
                          encoding="utf-8")
    seen = {}

    def interact(dialog) -> None:
        _wait_for(qtbot, dialog, dialog.columns_page)
        seen["tabs"] = dialog.columns_page.tabs.tabText(0)
        _click(qtbot, dialog.check_button)
        _wait_for(qtbot, dialog, dialog.problems_page)
        seen["problems"] = [(p.sheet, p.row, p.column)
                            for p in dialog.problems_page.model.rows()]

    _import(window, qtbot, interact)
    assert seen["tabs"] == "Interested parties (2)"
    assert seen["problems"] == [("stakeholders.csv", 3, "Power")]


def test_the_columns_chosen_are_remembered_for_the_same_headers(window, qtbot, files,
                                                                tmp_path):
    window.show_page("parties")
    headers = ["Who", "Power", "Remarks"]
    files.open = _write(tmp_path / "first.xlsx", [headers, ["Harland", 5, "Key account"]])

    def first(dialog) -> None:
        _wait_for(qtbot, dialog, dialog.columns_page)
        sheet = dialog.columns_page.sheets["parties"]
        assert sheet.mapping() == {"Power": "Influence"}
        _choose(sheet.combos["Who"], "Name")
        _choose(sheet.combos["Remarks"], "Notes")
        sheet.combos["Power"].setCurrentIndex(0)  # "— not imported —" by hand
        _click(qtbot, dialog.check_button)
        _wait_for(qtbot, dialog, dialog.ready_page)
        _click(qtbot, dialog.cancel_button)

    _import(window, qtbot, first)
    files.open = _write(tmp_path / "second.xlsx", [headers, ["Works council", 2, ""]])
    seen = {}

    def second(dialog) -> None:
        _wait_for(qtbot, dialog, dialog.columns_page)
        seen["mapping"] = dialog.columns_page.sheets["parties"].mapping()
        seen["intro"] = dialog.columns_page.intro.text()

    _import(window, qtbot, second)
    assert seen["mapping"] == {"Who": "Name", "Remarks": "Notes"}
    assert "chose last time" in seen["intro"]
    files.open = _write(tmp_path / "other.xlsx", [["Who", "Remarks"], ["Someone", ""]])

    def other_layout(dialog) -> None:
        _wait_for(qtbot, dialog, dialog.columns_page)
        seen["other"] = dialog.columns_page.sheets["parties"].mapping()

    _import(window, qtbot, other_layout)
    assert seen["other"] == {}  # other headers, other layout: nothing carried over


def test_two_columns_into_one_field_are_refused_before_the_check(window, qtbot, files,
                                                                 tmp_path):
    window.show_page("parties")
    files.open = _write(tmp_path / "p.xlsx", [["Name", "Stakeholder"], ["A", "B"]])

    def interact(dialog) -> None:
        _wait_for(qtbot, dialog, dialog.columns_page)
        sheet = dialog.columns_page.sheets["parties"]
        assert dialog.check_button.isEnabled()
        _choose(sheet.combos["Stakeholder"], "Name")
        assert not dialog.check_button.isEnabled()
        assert "2 columns go into Name" in sheet.problem_label.text()

    _import(window, qtbot, interact)


def test_cancel_stops_a_running_check_and_keeps_the_dialog(window, qtbot, files, tmp_path,
                                                           monkeypatch):
    window.show_page("parties")
    files.open = _write(tmp_path / "p.xlsx", [["Name"], ["Harland"]])
    steps: list[int] = []

    def slow_import(*_args, **_kwargs):
        for step in range(200):
            steps.append(step)
            time.sleep(0.02)
            yield Progress(step, 200, "Checking every row")
        raise AssertionError("not cancelled")

    monkeypatch.setattr("qmsdesk.services.exchange.run_import", slow_import)

    def interact(dialog) -> None:
        _wait_for(qtbot, dialog, dialog.columns_page)
        _click(qtbot, dialog.check_button)
        qtbot.waitUntil(lambda: len(steps) > 3, timeout=5000)
        assert dialog.cancel_button.text() == "Cancel" and not dialog.check_button.isEnabled()
        _click(qtbot, dialog.cancel_button)
        qtbot.waitUntil(lambda: dialog._task is None, timeout=5000)
        assert dialog.isVisible() and dialog.stack.currentWidget() is dialog.columns_page
        assert dialog.progress_label.text() == "Cancelled: nothing was imported."
        assert dialog.check_button.isEnabled()

    _import(window, qtbot, interact)
    assert 3 < len(steps) < 200


def test_cancel_after_the_last_step_counts_as_imported(window, qtbot, files, tmp_path,
                                                      monkeypatch):
    """tasks.py honours Cancel between steps, so a Cancel pressed while the records were
    being saved arrives after the import's last step: the import happened, and says so."""
    import threading

    page = window.show_page("parties")
    files.open = _write(tmp_path / "p.xlsx", [["Name"], ["Harland"]])
    saving = threading.Event()
    release = threading.Event()
    real = __import__("qmsdesk.services.exchange", fromlist=["run_import"]).run_import

    def import_then_wait(*args, **kwargs):
        if kwargs.get("dry_run"):
            return (yield from real(*args, **kwargs))
        yield Progress(2, 4, "Saving 1 records")
        saving.set()
        release.wait(5)  # Cancel is pressed while the records are written
        result = run_task(real(*args, **kwargs))
        yield Progress(4, 4, "Done")  # as run_import's last step
        return result

    monkeypatch.setattr("qmsdesk.services.exchange.run_import", import_then_wait)

    def interact(dialog) -> None:
        _wait_for(qtbot, dialog, dialog.columns_page)
        _click(qtbot, dialog.check_button)
        _wait_for(qtbot, dialog, dialog.ready_page)
        _click(qtbot, dialog.import_button)
        qtbot.waitUntil(saving.is_set, timeout=5000)
        _click(qtbot, dialog.cancel_button)
        release.set()
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20000)

    _import(window, qtbot, interact)
    assert "Harland" in {r.name for r in page.model.rows()}
    assert "Cancel came after the import had finished" in window.statusBar().currentMessage()


def test_a_file_that_cannot_be_read_says_why(window, qtbot, files, tmp_path):
    window.show_page("parties")
    files.open = tmp_path / "broken.xlsx"
    files.open.write_bytes(b"%PDF-1.7 not a workbook")
    seen = {}

    def interact(dialog) -> None:
        qtbot.waitUntil(lambda: dialog._task is None, timeout=20000)
        seen["page"] = dialog.stack.currentWidget() is dialog.message_page
        seen["text"] = dialog.message_page.text()
        seen["button"] = dialog.cancel_button.text()

    _import(window, qtbot, interact)
    assert seen["page"] and "broken.xlsx" in seen["text"] and seen["button"] == "Close"


def test_sample_values_read_as_a_person_writes_them(qapp):
    from qmsdesk.ui.dialogs.import_pages import sample_text

    assert sample_text("first line\nsecond") == "first line …"
    assert sample_text(3.0) == "3"
    assert sample_text(None) == ""
    assert "2027" in sample_text(date(2027, 3, 1))
