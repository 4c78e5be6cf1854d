"""The context and risk editors by keyboard, and objectives citing the risks they address."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel

from qmsdesk.services.context import service as context_service
from qmsdesk.services.objectives import service as objective_service
from qmsdesk.services.risks import service as risk_service
from qmsdesk.ui.dialogs.context_dialog import ContextDialog
from qmsdesk.ui.dialogs.objective_dialog import ObjectiveDialog
from qmsdesk.ui.dialogs.record_dialog import RecordDialog
from qmsdesk.ui.dialogs.risk_dialog import RiskContext, RiskDialog
from tests.ui.conftest import drive_dialog
from tests.ui.test_objectives_page import COMMITMENT, _with_policy


def _never(_record: object) -> object:
    raise AssertionError("nothing is saved here")


def _mnemonic(text: str) -> str | None:
    plain = text.replace("&&", "")
    position = plain.find("&")
    return plain[position + 1].lower() if position >= 0 else None


def _press(qtbot, widget, keys: str) -> None:
    sequence = QKeySequence(keys)[0]
    qtbot.keyClick(widget, sequence.key(), sequence.keyboardModifiers())


def _every_letter_reaches_its_field(qtbot, dialog: RecordDialog) -> int:
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
    tabs = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    tab_letters = {_mnemonic(text) for text in tabs}
    assert None not in tab_letters and len(tab_letters) == len(tabs)
    captions = [c for c in dialog.findChildren(QLabel)
                if c.buddy() is not None and _mnemonic(c.text())]
    for caption in captions:
        index = next(i for i in range(dialog.tabs.count())
                     if dialog.tabs.widget(i).isAncestorOf(caption))
        dialog.tabs.setCurrentIndex(index)
        dialog.tabs.currentWidget().setFocus()
        letter = _mnemonic(caption.text())
        siblings = [c for c in captions if _mnemonic(c.text()) == letter
                    and c.isVisibleTo(dialog.tabs.currentWidget())]
        assert len(siblings) == 1, f"Alt+{letter} twice on {tabs[index]!r}"
        assert letter not in tab_letters, f"Alt+{letter} is also a tab's"
        _press(qtbot, QApplication.focusWidget() or dialog, f"Alt+{letter}")
        assert caption.buddy().hasFocus(), f"Alt+{letter} ({caption.text()!r})"
    dialog.hide()
    return len(captions)


def test_every_underlined_letter_of_the_new_editors_reaches_its_field(qtbot, today):
    context = ContextDialog(context_service.new_issue(today), _never, today,
                            [(1, "IP-0001 — Customer")])
    risk = RiskDialog(risk_service.new_risk(today), _never, today, RiskContext())
    for dialog in (context, risk):
        qtbot.addWidget(dialog)
    assert _every_letter_reaches_its_field(qtbot, context) == 11
    assert _every_letter_reaches_its_field(qtbot, risk) == 23
    for dialog in (context, risk):
        dialog.done(0)


def test_an_objective_cites_the_risks_it_addresses(window, qtbot):
    _with_policy(window)
    risk = risk_service.new_risk(window.today)
    risk.title, risk.likelihood, risk.impact = "Late deliveries lose the key customer", 4, 4
    risk_id = risk_service.save_risk(window.db, risk, window.today).id
    record = objective_service.new_objective(window.today)
    for key, value in dict(title="OTIF 95 %", kpi_name="OTIF", unit="%", baseline=88.0,
                           target=95.0, start_date=date(2026, 1, 1),
                           due_date=date(2026, 12, 31), owner="Sofia Ricci",
                           policy_commitment=COMMITMENT, status="active").items():
        setattr(record, key, value)
    saved = objective_service.save_objective(window.db, record, window.today)
    page = window.show_page("objectives")
    page.refresh(select_id=saved.id)
    seen: dict[str, object] = {}

    def cite(dialog: ObjectiveDialog) -> None:
        dialog.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
        _press(qtbot, dialog.title, "Alt+R")  # the tab of its own
        seen["tab"] = dialog.tabs.tabText(dialog.tabs.currentIndex())
        seen["offered"] = [dialog.risks.model.item(i).text()
                           for i in range(dialog.risks.model.rowCount())]
        dialog.risks.filter.setFocus()
        qtbot.keyClicks(dialog.risks.filter, "late")
        qtbot.keyClick(dialog.risks.filter, Qt.Key.Key_Down)
        qtbot.keyClick(dialog.risks.view, Qt.Key.Key_Space)
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                         Qt.MouseButton.LeftButton)

    drive_dialog(page.open_selected, cite)
    assert seen == {"tab": "&Risks addressed",
                    "offered": ["RO-0001 — Late deliveries lose the key customer"]}
    assert objective_service.get_objective(window.db, saved.id or 0).risk_ids == [risk_id]
