"""Settings › Team: the staff table (login, name, role, active), kept by an administrator.

Like every other tab of Settings, the team's changes wait for Settings' Save: a member added
or changed is checked at once (the member dialog's Save) and listed as "Saved with
Settings"; Settings' Save stores them all in one transaction through services.staff (which
on a team's server also gives each login its group role, or says what to run); Cancel
discards them. Who is not an administrator sees the team and why they cannot change it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qmsdesk.errors import UserFacingError
from qmsdesk.services import staff
from qmsdesk.ui.dialogs.record_dialog import RecordDialog, error_style
from qmsdesk.ui.table_model import Column, RecordTableModel

if TYPE_CHECKING:
    from qmsdesk.services.workspace import Database

COLUMNS: list[Column[staff.StaffRecord]] = [
    Column("Name", lambda m: m.display_name),
    Column("Login", lambda m: m.login),
    Column("Role", lambda m: m.role.capitalize()),
    Column("Active", lambda m: "Yes" if m.active else "No (left the team)"),
]
PENDING = "Saved with Settings"


class MemberDialog(RecordDialog):
    """One member of the team: login (fixed once saved), name, role, active."""

    def __init__(self, member: staff.StaffRecord, save: staff.SaveMember,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Team member"), save, parent)
        self._member = member
        self.heading.setText(self.tr("New team member") if member.id is None
                             else member.display_name)
        form = self.new_form_tab(self.tr("&Member"))
        self.login = self.add_field(form, self.tr("&Login *"), QLineEdit(member.login),
                                    "login")
        self.login.setReadOnly(member.id is not None)
        self.login.setToolTip(self.tr(
            "Their login on the team's server (or their computer login on a laptop); it "
            "cannot change once saved."))
        self.display_name = self.add_field(form, self.tr("&Name *"),
                                           QLineEdit(member.display_name), "display_name")
        self.display_name.setToolTip(self.tr("The name the audit trail and reports print."))
        self.role = self.add_field(form, self.tr("&Role"), QComboBox(), "role")
        for key, label in staff.ROLE_LABELS.items():
            self.role.addItem(self.tr(label), key)
        self.role.setCurrentIndex(max(0, self.role.findData(member.role)))
        self.active = self.add_field(form, self.tr("&Active"),
                                     QCheckBox(self.tr("On the team (may sign in)")), "active")
        self.active.setChecked(member.active)
        self.start_tracking()

    def value(self) -> staff.StaffRecord:
        return replace(self._member, login=self.login.text(),
                       display_name=self.display_name.text(),
                       role=str(self.role.currentData()), active=self.active.isChecked())


class TeamPanel(QWidget):
    """The team as a list, with Add and Edit for an administrator."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        layout = QVBoxLayout(self)
        me = db.identity()
        where = (self.tr("the team's server, login %s") % me.login if me.on_server
                 else self.tr("this computer, login %s") % me.login)
        self.who = QLabel(self.tr("You are %1 (%2), %3.").replace("%1", me.name)
                          .replace("%2", where).replace("%3", me.role))
        self.who.setWordWrap(True)
        layout.addWidget(self.who)
        self._saved: list[staff.StaffRecord] = []
        self._pending: list[staff.StaffRecord] = []  # checked, saved when Settings is saved
        self._editing: staff.StaffRecord | None = None
        self.model = RecordTableModel([*COLUMNS, Column("Change", self._change_of)], self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.verticalHeader().hide()
        self.view.doubleClicked.connect(lambda _index: self.edit_selected())
        layout.addWidget(self.view, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("&Add member…"))
        self.edit_button = QPushButton(self.tr("&Edit member…"))
        self.add_button.clicked.connect(self.add_member)
        self.edit_button.clicked.connect(self.edit_selected)
        row.addWidget(self.add_button)
        row.addWidget(self.edit_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.outcome)
        self.refusal = staff.refusal(me)
        for button in (self.add_button, self.edit_button):
            button.setEnabled(not self.refusal)
            button.setToolTip(self.refusal)
        if self.refusal:
            self.outcome.setText(self.refusal)
        self.reload()

    def reload(self) -> None:
        try:
            self._saved = staff.list_staff(self.db)
        except UserFacingError as exc:
            self._say(str(exc), error=True)
            return
        self._show_rows()

    def _change_of(self, member: staff.StaffRecord) -> str:
        return self.tr(PENDING) if any(member is p for p in self._pending) else ""

    def _show_rows(self) -> None:
        """The saved team with the waiting changes in place (new members last)."""
        changed = {p.id: p for p in self._pending if p.id is not None}
        rows = [changed.get(m.id, m) if m.id is not None else m for m in self._saved]
        self.model.set_rows(rows + [p for p in self._pending if p.id is None])
        self.view.resizeColumnsToContents()
        if not self.model.rowCount() and not self.refusal:
            self.outcome.setText(self.tr(
                "No one listed yet — Add member… for each person, with their login and role."))

    def _say(self, text: str, error: bool = False) -> None:
        self.outcome.setStyleSheet(error_style() if error else "")
        self.outcome.setText(text)

    def _save(self, member: staff.StaffRecord) -> staff.StaffRecord:
        """The member dialog's Save: check the member now, save it with Settings' Save."""
        before = self._editing
        waiting = [p for p in self._pending if p is not before and
                   (p.id is None or p.id != member.id)]
        checked = staff.check_member(self.db, member, waiting)
        self._pending = [*waiting, checked]
        self._show_rows()
        self._say(self.tr("%s will be saved when you save Settings; Cancel discards the team's "
                          "changes.") % checked.display_name)
        return checked

    def has_changes(self) -> bool:
        return bool(self._pending)

    def apply(self) -> list[str]:
        """Save the waiting changes in one transaction (Settings' Save); what was done on the
        server, one sentence per member. Raises the service's errors, nothing saved."""
        saved = staff.save_team(self.db, self._pending)
        self._pending = []
        self.reload()
        return [member.message for member in saved]

    def add_member(self) -> None:
        self._open(staff.StaffRecord("", ""))

    def edit_selected(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        if rows and not self.refusal:
            self._open(self.model.rows()[rows[0].row()])

    def _open(self, member: staff.StaffRecord) -> None:
        self._editing = member
        self.dialog = MemberDialog(member, self._save, self)
        self.dialog.exec()
        self._editing = None
