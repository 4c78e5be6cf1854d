"""The risks page (ISO 9001 6.1) driven as a person would: the editor and its live rating,
filters, archive, actions raised from a risk, the heat map, the dashboard's key figure."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from qmsdesk.services.actions import service as action_service
from qmsdesk.services.context import service as context_service
from qmsdesk.services.risks import matrix, service
from qmsdesk.ui.dialogs.action_dialog import ActionDialog
from qmsdesk.ui.dialogs.risk_dialog import RiskDialog
from tests.ui.conftest import drive_dialog


def _save(dialog, qtbot) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)


def _risk(window, title: str, likelihood: int, impact: int, kind: str = "risk",
          **fields: object) -> int:
    record = service.new_risk(window.today, kind)
    record.title, record.likelihood, record.impact = title, likelihood, impact
    for name, value in fields.items():
        setattr(record, name, value)
    return service.save_risk(window.db, record, window.today).id or 0


def _issue(window) -> int:
    record = context_service.new_issue(window.today)
    record.title, record.swot, record.pestle = "Skilled machinists are scarce", "threat", "social"
    return context_service.save_issue(window.db, record, window.today).id or 0


def _type_number(qtbot, box, value: int) -> None:
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, str(value))


def _titles(page) -> list[str]:
    return [row.title for row in page.visible_rows()]


def _treatments(dialog: RiskDialog) -> list[str]:
    return [dialog.treatment.itemData(i) for i in range(dialog.treatment.count())]


def test_new_risk_with_live_rating_treatment_and_a_source(window, qtbot):
    issue = _issue(window)
    page = window.show_page("risks")
    seen: dict[str, object] = {}

    def fill(dialog: RiskDialog) -> None:
        qtbot.keyClicks(dialog.title, "Loss of the only five-axis programmer")
        dialog.tabs.setCurrentIndex(1)
        _type_number(qtbot, dialog.likelihood, 4)
        _type_number(qtbot, dialog.impact, 5)
        seen["rating"] = dialog.rating.text()
        seen["risk treatments"] = _treatments(dialog)
        dialog.kind.setCurrentIndex(dialog.kind.findData("opportunity"))
        seen["opportunity treatments"] = _treatments(dialog)
        dialog.kind.setCurrentIndex(dialog.kind.findData("risk"))
        dialog.treatment.setCurrentIndex(dialog.treatment.findData("accept"))
        _save(dialog, qtbot)  # accepted without saying why
        seen["rationale"] = dialog.error_text("treatment_rationale")
        seen["tab"] = dialog.tabs.currentIndex()
        dialog.treatment.setCurrentIndex(dialog.treatment.findData("reduce"))
        dialog.tabs.setCurrentIndex(2)
        dialog.issues.filter.setFocus()
        qtbot.keyClick(dialog.issues.filter, Qt.Key.Key_Down)
        qtbot.keyClick(dialog.issues.view, Qt.Key.Key_Space)
        _save(dialog, qtbot)

    drive_dialog(page.new_action.trigger, fill)
    assert seen == {
        "rating": "High · 20 (4 × 5)",
        "risk treatments": ["", "avoid", "reduce", "share", "accept"],
        "opportunity treatments": ["", "pursue", "enhance", "share", "decline"],
        "rationale": "Say why the risk is to accept.", "tab": 1}
    row = page.table.selected_row()
    assert (row.ref, row.kind, row.score, row.rating, row.treatment, row.sources) == (
        "RO-0001", "risk", 20, "high", "reduce", "CTX-0001")
    assert service.get_risk(window.db, row.id).context_issue_ids == [issue]
    assert "1 high risk without an open action" in page.table.count_label.text()


def test_a_residual_rating_above_the_inherent_one_is_refused(window, qtbot):
    risk = _risk(window, "Late steel deliveries", 2, 2)
    page = window.show_page("risks")
    page.table.select_id(risk)
    seen: dict[str, str] = {}

    def fill(dialog: RiskDialog) -> None:
        dialog.residual_likelihood.setValue(3)
        _save(dialog, qtbot)  # only one of the pair
        seen["one"] = dialog.error_text("residual_impact")
        dialog.residual_impact.setValue(3)
        seen["shown"] = dialog.residual_rating.text()
        _save(dialog, qtbot)
        seen["higher"] = dialog.error_text("residual_likelihood")

    drive_dialog(page.open_selected, fill)
    assert seen == {"one": "Rate both likelihood and impact after treatment, or neither.",
                    "shown": "Medium · 9 (3 × 3)",
                    "higher": "After treatment a risk cannot score higher than before "
                              "(9 > 4)."}
    assert service.get_risk(window.db, risk).residual_likelihood is None


def test_the_rating_follows_the_organisation_s_matrix(window, qtbot):
    _risk(window, "Key customer insources machining", 2, 2)
    page = window.show_page("risks")
    assert page.table.selected_row().rating == "low"
    strict = tuple(tuple("low" if likelihood == 1 or impact == 1 else "high"
                         for impact in range(1, 6)) for likelihood in range(1, 6))

    def change(dialog) -> None:
        dialog.organisation.setText("Northwind Precision Ltd")
        panel = dialog.risk_matrix
        panel.cells[(1, 1)].setCurrentIndex(panel.cells[(1, 1)].findData("high"))
        _save(dialog, qtbot)  # (1, 2) would now rate lower than (1, 1)
        change.seen = (panel.errors.text(), dialog.tabs.currentWidget() is panel)
        panel.set_matrix(strict)
        _save(dialog, qtbot)

    change.seen = ()
    drive_dialog(window.edit_settings, change)
    message, shown = change.seen
    assert "cannot rate lower than a cell with a smaller likelihood or impact" in message
    assert shown
    assert matrix.load_matrix(window.db) == strict
    qtbot.waitUntil(lambda: page.table.selected_row().rating == "high", timeout=3000)

    def look(dialog: RiskDialog) -> None:
        look.seen = dialog.rating.text()
        _type_number(qtbot, dialog.impact, 1)
        look.seen += " / " + dialog.rating.text()

    look.seen = ""
    drive_dialog(page.open_selected, look)
    assert look.seen == "High · 4 (2 × 2) / Low · 2 (2 × 1)"


def test_filters_and_archive_with_a_search_active(window, qtbot, monkeypatch):
    _risk(window, "Loss of the only five-axis programmer", 4, 5)
    _risk(window, "Scrap from worn tooling", 3, 2, treatment="reduce")
    _risk(window, "Aerospace customers want AS9100 suppliers", 3, 4, kind="opportunity",
          treatment="pursue")
    page = window.show_page("risks")
    assert page.table.count_label.text() == (
        "3 risks and opportunities · 1 high risk without an open action")
    page.kind.setCurrentIndex(page.kind.findData("opportunity"))
    assert _titles(page) == ["Aerospace customers want AS9100 suppliers"]
    page.kind.setCurrentIndex(0)
    page.rating.setCurrentIndex(page.rating.findData("high"))
    assert sorted(_titles(page)) == ["Aerospace customers want AS9100 suppliers",
                                     "Loss of the only five-axis programmer"]
    page.needs_action.setChecked(True)  # an opportunity never "needs action"
    assert _titles(page) == ["Loss of the only five-axis programmer"]
    page.needs_action.setChecked(False)
    page.rating.setCurrentIndex(0)
    page.treatment.setCurrentIndex(page.treatment.findData("undecided"))
    assert _titles(page) == ["Loss of the only five-axis programmer"]
    page.treatment.setCurrentIndex(0)
    qtbot.keyClicks(page.search, "tooling")
    assert _titles(page) == ["Scrap from worn tooling"]
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getText",
                        lambda *_a, **_k: ("No longer relevant", True))
    page.archive_action.trigger()
    assert _titles(page) == [] and page.search.text() == "tooling"
    assert [r.title for r in service.list_risks(window.db, window.today)] == [
        "Loss of the only five-axis programmer", "Aerospace customers want AS9100 suppliers"]
    page.show_archived.setChecked(True)
    assert page.table.selected_row().title == "Scrap from worn tooling"
    assert page.restore_action.isEnabled() and not page.archive_action.isEnabled()


def test_an_action_raised_from_the_risk_is_listed_in_its_editor(window, qtbot):
    risk = _risk(window, "Loss of the only five-axis programmer", 4, 5)
    page = window.show_page("risks")
    assert page.table.selected_row().open_actions == 0

    def add_action(action: ActionDialog) -> None:
        add_action.source = action.source.currentData()
        qtbot.keyClicks(action.title, "Cross-train a second programmer")
        qtbot.keyClicks(action.owner, "Tomas Herrera")  # else: "nobody owns it" first
        _save(action, qtbot)

    def edit(dialog: RiskDialog) -> None:
        dialog.tabs.setCurrentWidget(dialog.actions)
        drive_dialog(lambda: qtbot.mouseClick(dialog.actions.new_button,
                                              Qt.MouseButton.LeftButton), add_action)
        edit.rows = [(r.ref, r.title, r.source_ref) for r in dialog.actions.table.rows()]
        dialog.done(0)

    add_action.source, edit.rows = "", []
    drive_dialog(page.open_selected, edit)
    assert add_action.source == "risk or opportunity"
    assert edit.rows == [("ACT-0001", "Cross-train a second programmer", "RO-0001")]
    assert [a.risk_id for a in [action_service.get_action(window.db, 1)]] == [risk]
    assert page.table.selected_row().open_actions == 1
    assert "without an open action" not in page.table.count_label.text()
    assert QApplication.activeModalWidget() is None


def test_raise_action_from_the_page_and_the_dashboard_figure(window, qtbot):
    _risk(window, "Loss of the only five-axis programmer", 4, 5)
    _risk(window, "Fire in the heat-treatment shop", 2, 4)  # medium: not counted
    dashboard = window.show_page("dashboard")  # on screen: re-read after the changes
    figure = dashboard.figure_labels["risks"]
    qtbot.waitUntil(lambda: ">1</span>" in figure.text(), timeout=10000)
    assert "high risk without an open action" in figure.text()
    page = window.show_page("risks")
    page.table.select_id(1)

    def add_action(action: ActionDialog) -> None:
        qtbot.keyClicks(action.title, "Document the programs")
        qtbot.keyClicks(action.owner, "Tomas Herrera")  # else: "nobody owns it" first
        _save(action, qtbot)

    drive_dialog(page.raise_action.trigger, add_action)
    assert page.table.selected_row().open_actions == 1
    window.show_page("dashboard")
    qtbot.waitUntil(lambda: ">0</span>" in figure.text(), timeout=10000)


def _chart_ready(page) -> bool:
    return page.chart.canvas is not None and not page.chart.building


def _counts(page) -> dict[tuple[int, int], int]:
    texts = [int(t.get_text() or 0) for t in page.chart.figure.qms_counts]  # "" is none
    return {(likelihood, impact): texts[(likelihood - 1) * 5 + impact - 1]
            for likelihood in range(1, 6) for impact in range(1, 6)
            if texts[(likelihood - 1) * 5 + impact - 1]}


def test_heat_map_counts_before_and_after_treatment_and_follows_filters(window, qtbot):
    _risk(window, "A", 4, 5, treatment="reduce", residual_likelihood=2, residual_impact=3)
    _risk(window, "B", 4, 5)
    _risk(window, "C", 1, 2, kind="opportunity")
    page = window.page("risks")  # built, not shown: it never draws
    page.refresh()
    qtbot.wait(350)
    assert page.chart.canvas is None and not page.chart.building
    window.show_page("risks")
    qtbot.waitUntil(lambda: _chart_ready(page), timeout=10000)
    assert _counts(page) == {(4, 5): 2, (1, 2): 1}
    page.residual_button.click()
    qtbot.waitUntil(lambda: _chart_ready(page) and _counts(page) == {(2, 3): 1},
                    timeout=10000)
    page.inherent_button.click()
    page.kind.setCurrentIndex(page.kind.findData("opportunity"))
    qtbot.waitUntil(lambda: _chart_ready(page) and _counts(page) == {(1, 2): 1},
                    timeout=10000)


def test_the_traceability_matrix_opens_from_the_page_and_filters_by_gap(window, qtbot):
    from qmsdesk.services.parties import service as parties
    from qmsdesk.services.parties.records import RequirementRecord
    from tests.factories import make_party

    today = window.today
    party = make_party(today, "Meridian Medical", influence=5, interest=5)
    party.requirements = [RequirementRecord("Lot traceability for 15 years",
                                            obligation="legal"),
                          RequirementRecord("Written approval of any change")]
    party = parties.save_party(window.db, party, today)
    _risk(window, "Lot records lost in a server failure", 4, 5,
          requirement_ids=[party.requirements[0].id])
    page = window.show_page("risks")
    page.trace_action.trigger()
    qtbot.waitUntil(lambda: getattr(page, "trace_dialog", None) is not None, timeout=10000)
    dialog = page.trace_dialog
    assert "2 requirements traced" in dialog.summary.text()
    assert dialog.tree.topLevelItemCount() == 2
    first = dialog.tree.topLevelItem(0)
    assert first.text(0).startswith(f"{party.ref} Meridian Medical — Lot traceability")
    assert "Legal obligation" in first.text(1) and "No action" in first.text(2)
    assert first.child(0).text(0).startswith("RO-0001 — Lot records lost")
    dialog.filter.setCurrentIndex(dialog.filter.findData("no risk assessed"))
    assert dialog.tree.topLevelItemCount() == 1
    assert "Written approval" in dialog.tree.topLevelItem(0).text(0)
    dialog.filter.setCurrentIndex(dialog.filter.findData("complete"))
    assert dialog.tree.topLevelItemCount() == 0
    dialog.close()
