"""Plausibility warnings in the editors, as a person meets them: Save shows the warning by its
field (no popup) and "Save anyway"; the second Save keeps the value; editing the field takes
the warning away; a new party starts unrated."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from qmsdesk.services.actions import service as actions
from qmsdesk.services.objectives import service as objectives
from qmsdesk.services.parties import rules as party_rules
from qmsdesk.services.parties import service as parties
from qmsdesk.services.suppliers import rules as supplier_rules
from qmsdesk.services.suppliers.records import CertificateRecord, CriterionScore, ReviewRecord
from qmsdesk.ui import colours
from qmsdesk.ui.dialogs.action_dialog import ActionDialog
from qmsdesk.ui.dialogs.objective_dialog import ObjectiveContext, ObjectiveDialog
from qmsdesk.ui.dialogs.party_dialog import PartyDialog
from qmsdesk.ui.dialogs.review_dialog import ReviewDialog
from qmsdesk.ui.dialogs.supplier_dialog import SupplierDialog
from qmsdesk.ui.formatting import to_qdate
from tests.factories import make_party, make_supplier

DAY = timedelta(days=1)


class Recorder:
    """The page's save: keeps what it was given."""

    def __init__(self) -> None:
        self.saved: list[Any] = []

    def __call__(self, record: Any, *_: object) -> Any:
        self.saved.append(record)
        return record


def _save_button(dialog: Any) -> Any:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Save)


def _click_save(qtbot: Any, dialog: Any) -> None:
    qtbot.mouseClick(_save_button(dialog), Qt.MouseButton.LeftButton)


_OPEN: list[Any] = []


@pytest.fixture(autouse=True)
def _close_editors() -> Iterator[None]:
    """An editor left open with edits would ask "Discard your changes?" when closed."""
    yield
    while _OPEN:
        dialog = _OPEN.pop()
        dialog._initial = None
        dialog.done(0)
        dialog.deleteLater()


def _open(qtbot: Any, dialog: Any) -> Any:
    _OPEN.append(dialog)
    dialog.show()
    return dialog


def test_a_party_reviewed_next_in_the_past_warns_once_then_saves(qtbot, today: date) -> None:
    save = Recorder()
    dialog = _open(qtbot, PartyDialog(make_party(today), save, today))
    dialog.next_review.setDate(to_qdate(today - 2513 * DAY))
    _click_save(qtbot, dialog)
    assert save.saved == [] and dialog.isVisible()  # shown, not saved
    warning = dialog.findChild(type(dialog.heading), "warning_next_review")
    assert warning.isVisible() and "2513 days ago" in warning.text()
    assert "would show as overdue at once" in dialog.warning_text("next_review")
    assert colours.text(colours.WARNING).name() in warning.styleSheet()
    assert dialog.general_warning.isVisible() and "Save anyway" in dialog.general_warning.text()
    assert _save_button(dialog).text() == "Save anyway"
    _click_save(qtbot, dialog)  # Save anyway: the person has seen it
    assert [r.next_review for r in save.saved] == [today - 2513 * DAY]
    assert not dialog.isVisible()


def test_correcting_the_warned_field_clears_it_and_saves_at_once(qtbot, today: date) -> None:
    save = Recorder()
    dialog = _open(qtbot, PartyDialog(make_party(today), save, today))
    dialog.next_review.setDate(to_qdate(today - 5 * DAY))
    _click_save(qtbot, dialog)
    assert dialog.warning_text("next_review")
    dialog.next_review.setFocus()
    qtbot.keyClick(dialog.next_review, Qt.Key.Key_Up)  # edited: the message goes
    assert dialog.warning_text("next_review") == ""
    dialog.next_review.setDate(to_qdate(today + 30 * DAY))
    _click_save(qtbot, dialog)
    assert len(save.saved) == 1 and save.saved[0].next_review == today + 30 * DAY


def test_a_new_party_starts_unrated_and_the_user_places_it(qtbot, today: date) -> None:
    save = Recorder()
    dialog = _open(qtbot, PartyDialog(parties.new_party(today), save, today))
    assert dialog.influence.text() == "Not rated" and dialog.interest.text() == "Not rated"
    assert party_rules.MANAGE_CLOSELY not in dialog.quadrant.text()
    assert dialog.value().influence is None
    dialog.influence.setFocus()
    qtbot.keyClick(dialog.influence, Qt.Key.Key_Up)
    qtbot.keyClick(dialog.influence, Qt.Key.Key_Up)
    dialog.interest.setFocus()
    qtbot.keyClick(dialog.interest, Qt.Key.Key_Up)
    assert (dialog.value().influence, dialog.value().interest) == (2, 1)
    assert party_rules.MONITOR in dialog.quadrant.text()


def test_an_action_nobody_owns_or_dates_warns_by_the_owner(qtbot, today: date) -> None:
    save = Recorder()
    dialog = _open(qtbot, ActionDialog(actions.new_action(today), save, today, {}))
    qtbot.keyClicks(dialog.title, "Fix the leaking coolant line")
    _click_save(qtbot, dialog)
    assert save.saved == []
    assert "Nobody owns this action" in dialog.warning_text("owner")
    qtbot.keyClicks(dialog.owner, "Tomas Herrera")  # owned now: no warning, saved at once
    assert dialog.warning_text("owner") == ""
    _click_save(qtbot, dialog)
    assert [r.owner for r in save.saved] == ["Tomas Herrera"]


def test_an_objective_due_in_the_past_warns_by_the_due_date(qtbot, today: date) -> None:
    save = Recorder()
    record = objectives.new_objective(today)
    record.start_date, record.due_date = today - 400 * DAY, today - 40 * DAY
    dialog = _open(qtbot, ObjectiveDialog(record, save, today, ObjectiveContext()))
    _click_save(qtbot, dialog)
    assert save.saved == [] and "40 days ago" in dialog.warning_text("due_date")
    assert dialog.tabs.currentIndex() == dialog._field_tabs["due_date"]
    _click_save(qtbot, dialog)
    assert len(save.saved) == 1


def test_an_approved_supplier_with_an_expired_certificate_warns_by_its_status(
        qtbot, today: date) -> None:
    save = Recorder()
    record = make_supplier(today, status="approved", id=4, ref="SUP-0004", certificates=[
        CertificateRecord("ISO 9001", "Q-1", "TÜV", today - 3 * DAY)])
    dialog = _open(qtbot, SupplierDialog(record, save, today, []))
    _click_save(qtbot, dialog)
    assert save.saved == []
    assert "ISO 9001 expired on" in dialog.warning_text("status")
    assert "yet the supplier is approved" in dialog.warning_text("status")
    _click_save(qtbot, dialog)
    assert len(save.saved) == 1


def test_a_review_deciding_approved_despite_an_expired_certificate_warns(qtbot,
                                                                        today: date) -> None:
    save = Recorder()
    record = ReviewRecord(supplier_id=1, review_date=today, reviewer="Anna", decision="approved",
                          scores=[CriterionScore(c.name, c.weight, 80.0)
                                  for c in supplier_rules.DEFAULT_CRITERIA])
    dialog = _open(qtbot, ReviewDialog(
        record, save, today, "SUP-0001 — Acme", supplier_rules.DEFAULT_BANDS,
        certificates=[CertificateRecord("ISO 9001", valid_until=today - DAY)]))
    _click_save(qtbot, dialog)
    assert save.saved == []
    assert "approved with an expired certificate" in dialog.warning_text("decision")
    assert dialog.tabs.currentIndex() == dialog._field_tabs["decision"]
    _click_save(qtbot, dialog)
    assert len(save.saved) == 1
