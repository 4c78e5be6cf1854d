"""The supplier register and the review editor, driven as a person would."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from qmsdesk.services.parties.service import list_parties
from qmsdesk.services.suppliers import reviews as review_service
from qmsdesk.services.suppliers import service
from qmsdesk.ui.child_table import open_editor
from qmsdesk.ui.dialogs.review_dialog import ReviewDialog
from qmsdesk.ui.dialogs.supplier_dialog import SupplierDialog
from tests.ui.conftest import drive_dialog
from tests.ui.signing import sign_next


def _save(dialog, qtbot) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)


def _supplier(window, name="Tyne Heat Treatment Ltd", **values):
    record = service.new_supplier(window.today)
    record.name = name
    for key, value in values.items():
        setattr(record, key, value)
    return service.save_supplier(window.db, record, window.today)


def test_new_supplier_with_certificate_and_its_interested_party(window, qtbot):
    page = window.show_page("suppliers")
    assert "No suppliers yet" in page.table.empty.text()

    def fill(dialog: SupplierDialog) -> None:
        qtbot.keyClicks(dialog.name, "Wear Valley Anodising Ltd")
        dialog.criticality.setCurrentIndex(dialog.criticality.findData("critical"))
        qtbot.keyClicks(dialog.email, "quality@wva.example")
        dialog.new_party.setChecked(True)
        dialog.tabs.setCurrentIndex(1)
        dialog.certificates.add()
        editor_index = dialog.certificates.index(0, 0)
        dialog.certificate_view.edit(editor_index)
        qtbot.keyClicks(open_editor(dialog.certificate_view), "ISO 9001")
        dialog.certificates.setData(dialog.certificates.index(0, 3), date(2026, 12, 1))
        assert "expires in 10 days" in dialog.certificate_warnings.text()
        _save(dialog, qtbot)

    drive_dialog(page.new_action.trigger, fill)
    row = page.table.selected_row()
    assert (row.ref, row.name, row.criticality, row.status) == (
        "SUP-0001", "Wear Valley Anodising Ltd", "critical", "pending")
    assert row.next_review == date(2027, 5, 21)  # critical: every six months
    assert row.certificate_warnings == ("ISO 9001 expires in 10 days (2026-12-01)",)
    party = next(p for p in list_parties(window.db, window.today)
                 if p.name == "Wear Valley Anodising Ltd")
    assert (party.category, service.get_supplier(window.db, row.id).party_id) == (
        "supplier", party.id)


def test_status_change_needs_a_reason_and_is_kept_in_history(window, qtbot):
    saved = _supplier(window)
    page = window.show_page("suppliers")
    page.refresh(select_id=saved.id)
    seen: list[str] = []

    def edit(dialog: SupplierDialog) -> None:
        dialog.status.setCurrentIndex(dialog.status.findData("approved"))
        _save(dialog, qtbot)
        seen.append(dialog.error_text("status_reason"))
        qtbot.keyClicks(dialog.status_reason, "Process audit passed")
        _save(dialog, qtbot)

    drive_dialog(page.open_selected, edit)
    assert "reason" in seen[0]
    record = service.get_supplier(window.db, saved.id)
    assert [(h.from_status, h.to_status, h.reason) for h in record.history] == [
        ("", "pending", "New supplier"), ("pending", "approved", "Process audit passed")]


def test_review_editor_scores_live_and_sign_off_locks(window, qtbot):
    saved = _supplier(window, criticality="critical")
    page = window.show_page("suppliers")
    page.refresh(select_id=saved.id)
    summaries: list[str] = []

    def review(dialog: ReviewDialog) -> None:
        dialog.tabs.setCurrentIndex(1)
        for row, score in enumerate((90, 80, None, 70, 100)):
            if score is not None:
                dialog.scores.setData(dialog.scores.index(row, 2), float(score))
        dialog.kpi["deliveries_total"].set_count(40)
        dialog.kpi["deliveries_on_time"].set_count(37)
        dialog.update_summary()
        summaries.append(dialog.summary.text())
        dialog.tabs.setCurrentIndex(2)
        dialog.decision.setCurrentIndex(dialog.decision.findData("preferred"))
        qtbot.keyClicks(dialog.approved_by, "Helen Whitfield")
        dialog.approved_on.set_value(date(2026, 11, 21))
        sign_next("Approved as purchasing lead")
        _save(dialog, qtbot)

    drive_dialog(page.review_action.trigger, review)
    assert "Total 85.3" in summaries[0] and "band <b>A</b>" in summaries[0]  # 85.29…
    assert "92.5 %" in summaries[0] and "re-normalised" in summaries[0]
    rows = review_service.list_reviews(window.db, saved.id)
    assert [(r.ref, r.band, r.decision) for r in rows] == [("REV-0001", "A", "preferred")]
    supplier = service.get_supplier(window.db, saved.id)
    assert supplier.status == "preferred"
    assert supplier.history[-1].review_ref == "REV-0001"
    assert page.table.selected_row().latest_band == "A"

    locked: list[bool] = []

    def reopen(dialog: ReviewDialog) -> None:
        locked.append(not dialog.locked_label.isHidden())
        locked.append(dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isHidden())

    record = review_service.get_review(window.db, rows[0].id)
    drive_dialog(lambda: page.edit_review(record, "SUP-0001"), reopen)
    assert locked == [True, True]


def test_its_party_is_not_made_twice_the_editor_says_which_to_link(window, qtbot):
    page = window.show_page("suppliers")
    seen: dict[str, object] = {}

    def fill(dialog: SupplierDialog) -> None:
        qtbot.keyClicks(dialog.name, "CITY COUNCIL")  # an active party of the sample
        dialog.new_party.setChecked(True)
        _save(dialog, qtbot)
        seen["party"], seen["open"] = dialog.error_text("party_id"), dialog.isVisible()

    drive_dialog(page.new_action.trigger, fill)
    assert seen == {"party": "An active party with this name already exists (IP-0004).",
                    "open": True}
    assert service.list_suppliers(window.db, window.today) == []
    assert len(list_parties(window.db, window.today)) == 4
