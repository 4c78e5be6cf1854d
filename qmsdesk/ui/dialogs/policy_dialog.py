"""Issuing a new revision of the quality policy; earlier revisions are shown, never edited."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QTextBrowser, QVBoxLayout, QWidget

from qmsdesk.services.objectives.policy import PolicyRevision
from qmsdesk.ui.dialogs.record_dialog import RecordDialog
from qmsdesk.ui.formatting import format_date
from qmsdesk.ui.widgets import DateEdit


@dataclass
class PolicyDraft:
    statement: str = ""
    commitments: list[str] = field(default_factory=list)
    approved_by: str = ""
    approved_on: date | None = None


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def history_html(revisions: Sequence[PolicyRevision]) -> str:
    parts = []
    for rev in revisions:
        items = "".join(f"<li>{_escape(c)}</li>" for c in rev.commitments)
        parts.append(
            f"<h3>Revision {rev.revision}</h3><p><i>Approved by {_escape(rev.approved_by)} on "
            f"{format_date(rev.approved_on)}"
            + (f" — signed: {_escape(rev.signature)}" if rev.signature else "") + "</i></p>"
            f"<p>{_escape(rev.statement).replace(chr(10), '<br>')}</p><ul>{items}</ul>")
    return "<hr>".join(parts) or "<p>No earlier revisions.</p>"


class PolicyDialog(RecordDialog):
    def __init__(self, current: PolicyRevision | None, history: Sequence[PolicyRevision],
                 save: Callable[[PolicyDraft], PolicyRevision], today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Quality policy"), save, parent)
        self.resize(760, 620)
        number = (current.revision + 1) if current else 1
        self.heading.setText(self.tr("New revision %s of the quality policy") % number)
        form = self.new_form_tab(self.tr("&New revision"))
        self.statement = self.add_field(form, self.tr("Policy &statement *"), QPlainTextEdit(),
                                        "statement")
        self.statement.setMinimumHeight(140)
        self.commitments = self.add_field(form, self.tr("&Commitments *\n(one per line)"),
                                          QPlainTextEdit(), "commitments")
        self.commitments.setMinimumHeight(110)
        self.approved_by = self.add_field(form, self.tr("&Approved by *"), QLineEdit(),
                                          "approved_by")
        self.approved_on = self.add_field(form, self.tr("Approved &on *"), DateEdit(),
                                          "approved_on")
        if current is not None:
            self.statement.setPlainText(current.statement)
            self.commitments.setPlainText("\n".join(current.commitments))
            self.approved_by.setText(current.approved_by)
        self.approved_on.set_value(today)
        page = QWidget()
        layout = QVBoxLayout(page)
        browser = QTextBrowser()
        browser.setHtml(history_html(history))
        layout.addWidget(browser)
        self.tabs.addTab(page, self.tr("&Earlier revisions (%s)") % len(history))
        self.start_tracking()

    def sign_as(self, name: str) -> None:
        """On a team's server the approver is the person signed in (their staff name)."""
        self.approved_by.setText(name)
        self.approved_by.setReadOnly(True)
        self.approved_by.setToolTip(self.tr(
            "On a team's server the approver is the person signed in; the revision records "
            "their login, the time and a hash of its text."))

    def value(self) -> PolicyDraft:
        return PolicyDraft(self.statement.toPlainText(),
                           [line for line in self.commitments.toPlainText().splitlines()
                            if line.strip()],
                           self.approved_by.text(), self.approved_on.value())
