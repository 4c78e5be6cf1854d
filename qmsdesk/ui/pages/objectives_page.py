"""Quality policy and objectives (ISO 9001 5.2, 6.2): the policy, the objectives, the editor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
)

from qmsdesk.services import signoff
from qmsdesk.services.archiving import is_archived
from qmsdesk.services.labels import label, plural
from qmsdesk.services.numbers import NOTHING
from qmsdesk.services.objectives import archive as archive_service
from qmsdesk.services.objectives import policy as policy_service
from qmsdesk.services.objectives import rules, service
from qmsdesk.services.objectives.rules import format_number
from qmsdesk.services.parties.service import list_parties
from qmsdesk.services.risks.choices import risk_choices
from qmsdesk.ui import colours
from qmsdesk.ui.archive_actions import ArchiveActions
from qmsdesk.ui.dialogs.approval_dialog import signed_save
from qmsdesk.ui.dialogs.objective_dialog import ObjectiveContext, ObjectiveDialog
from qmsdesk.ui.dialogs.policy_dialog import PolicyDialog, PolicyDraft
from qmsdesk.ui.exchange_actions import ExchangeActions
from qmsdesk.ui.formatting import format_date
from qmsdesk.ui.linked_actions import actions_of
from qmsdesk.ui.pages.base_page import ALL, OWNER, RegisterPage, archived_count
from qmsdesk.ui.register_table import RegisterTable
from qmsdesk.ui.table_model import Column, attribute_is
from qmsdesk.ui.write_access import writes

if TYPE_CHECKING:
    from qmsdesk.services.objectives.records import ObjectiveRecord, ObjectiveRow
    from qmsdesk.ui.main_window import MainWindow

POLICY_LINES = 6  # the policy's lines shown before it scrolls

OBJECTIVE_COLUMNS: list[Column[ObjectiveRow]] = [
    Column("Ref", lambda r: r.ref),
    Column("Title", lambda r: (r.title if not r.segment or r.segment in r.title
                               else f"{r.title} · {r.segment}")
           + (" (archived)" if is_archived(r) else ""),
           tooltip=lambda r: f"{r.title}\nKPI: {r.kpi_name}" + (
               f"\nArchived {format_date(r.archived_on)}: {r.archive_reason}"
               if is_archived(r) else ""),
           foreground=lambda r: colours.text(colours.MUTED) if is_archived(r) else None),
    Column("Owner", lambda r: r.owner),
    Column("Target", lambda r: r.target_text, searchable=False),
    Column("Latest", lambda r: format_number(r.latest_value, r.unit) or NOTHING, searchable=False,
           sort_key=lambda r: r.latest_value if r.latest_value is not None else float("-inf"),
           tooltip=lambda r: f"Measured {format_date(r.latest_date)}" if r.latest_date else
           "No measurement yet"),
    Column("Health", lambda r: label(r.health), sort_key=lambda r: rules.HEALTHS.index(r.health),
           tone=lambda r: colours.HEALTH_TONES.get(r.health)),
    Column("Due", lambda r: format_date(r.due_date), searchable=False,
           sort_key=lambda r: r.due_date.toordinal()),
    Column("Open actions", lambda r: str(r.open_actions), sort_key=lambda r: r.open_actions,
           searchable=False, align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
]


def attention_count(rows: list[ObjectiveRow]) -> str:
    needing = sum(1 for r in rows if r.health in (rules.OFF_TRACK, rules.AT_RISK,
                                                  rules.MEASUREMENT_OVERDUE))
    return f"{plural(needing, 'objective')} need attention" if needing else ""


def _count_note(rows: list[ObjectiveRow]) -> str:
    """The count line's notes: objectives needing attention, archived ones kept out."""
    return " · ".join(note for note in (attention_count(rows),
                                        archived_count(rows, is_archived)) if note)


class ObjectivesPage(RegisterPage):
    evidence_entity = "objective"

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, self.tr("Quality objectives"), self.tr(
            "ISO 9001 clauses 5.2 and 6.2 — the quality policy and the measurable objectives "
            "set against it, with their measurements and actions"))
        self._build_policy()
        self.table = RegisterTable(OBJECTIVE_COLUMNS, (98, 300, 120, 100, 90, 160, 95, 95), 1,
                                   self.tr("No objectives yet.\n\nClick New objective (Ctrl+N) "
                                           "to set the first one against the policy."),
                                   ("objective", "objectives"), self,
                                   state_key="objectives")
        self.table.extra_count = _count_note
        self._build_actions()
        self._build_filters()
        self.layout_.addWidget(self.table, 1)
        self.table.open_requested.connect(self.open_selected)
        self.table.current_changed.connect(self._update_actions)
        # filled by activated() when the page is first shown: opening a database loads
        # only the page in view, not every register

    # --- building -----------------------------------------------------------------------------
    def _build_policy(self) -> None:
        self.policy_box = QGroupBox(self.tr("Quality policy"))
        layout = QVBoxLayout(self.policy_box)
        self.policy_text = QLabel()
        self.policy_text.setWordWrap(True)
        self.policy_text.setTextFormat(Qt.TextFormat.RichText)
        self.policy_text.setAlignment(Qt.AlignmentFlag.AlignTop)
        # A long policy scrolls within a few lines: on a 700-pixel screen (or at 150 %)
        # the objectives below keep most of the page.
        scroller = QScrollArea()
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QScrollArea.Shape.NoFrame)
        scroller.setWidget(self.policy_text)
        scroller.setMaximumHeight(self.fontMetrics().lineSpacing() * POLICY_LINES)
        layout.addWidget(scroller)
        row = QHBoxLayout()
        self.revise_button = QPushButton(self.tr("New &revision…"))
        writes(self.revise_button)
        self.revise_button.setToolTip(self.tr("Issue a new revision; earlier revisions are "
                                              "kept unchanged and stay readable"))
        self.revise_button.clicked.connect(self.revise_policy)
        row.addStretch(1)
        row.addWidget(self.revise_button)
        layout.addLayout(row)
        self.layout_.addWidget(self.policy_box)

    def _build_actions(self) -> None:
        self.new_action, self.open_action, self.find_action = self.standard_actions(
            self.tr("&New objective"), self.new, self.open_selected)
        self.report_action = QAction(self.tr("Policy and &objectives (PDF)…"), self)
        self.report_action.setShortcut(QKeySequence("Ctrl+P"))
        self.report_action.triggered.connect(self.run_report)
        self.addAction(self.report_action)
        self.exchange = ExchangeActions(self, "objectives", self.table)
        self.archiving = ArchiveActions(
            self, self.table, self.tr("objective"), is_archived,
            lambda i: service.get_objective(self.db, i),
            lambda i, version, archive, reason: archive_service.set_objective_archived(
                self.db, i, version, archive, self.today, reason), self._filters_changed)
        self.table.row_actions = self.archiving.actions()

    def register_actions(self) -> list[QAction]:
        return [self.new_action, self.open_action, *self.archiving.actions(), self.find_action,
                *self.exchange.actions()]

    def report_actions(self) -> list[QAction]:
        return [self.report_action]

    def _build_filters(self) -> None:
        bar = self.toolbar((self.new_action, self.open_action),
                           self.tr("Search title, owner, ref… (Ctrl+F)"),
                           self.table.set_search_text)
        self.health = QComboBox()
        self.health.addItem(self.tr("Any health"), ALL)
        for word in rules.HEALTHS:
            self.health.addItem(label(word), word)
        self.owner = QComboBox()
        self.status = QComboBox()
        self.status.addItem(self.tr("All statuses"), ALL)
        for status in rules.STATUSES:
            self.status.addItem(label(status), status)
        for combo in (self.health, self.owner, self.status):
            combo.currentIndexChanged.connect(self._filters_changed)
            bar.addWidget(combo)
        bar.addWidget(self.archiving.show_archived)
        report = QToolButton()
        report.setDefaultAction(self.report_action)
        report.setText(self.tr("Report PDF…"))
        bar.addWidget(report)
        self.exchange.add_button(bar)

    # --- data --------------------------------------------------------------------------------
    def refresh(self, select_id: int | None = None) -> None:
        self.stale = False
        self._show_policy(policy_service.current_policy(self.db))  # one row: read here
        db, today = self.db, self.today
        # Archived ones too: "Show archived" filters them here, at once.
        self.table.load(lambda: service.list_objectives(db, today, include_archived=True),
                        select_id, self._arrived,
                        lambda n: service.list_objectives(db, today, limit=n,
                                                          include_archived=True))

    def _arrived(self, rows: list[ObjectiveRow]) -> None:
        self.refill(self.owner, self.tr("All owners"), map(OWNER, rows))  # in C
        self._filters_changed()

    def activated(self) -> None:
        self.refresh()

    def _show_policy(self, current: policy_service.PolicyRevision | None) -> None:
        refusal = signoff.role_refusal(self.db)  # issuing a revision is an approval
        self.revise_button.setEnabled(not refusal and not self.db.readonly)
        self.revise_button.setToolTip(refusal or self.tr(
            "Issue a new revision; earlier revisions are kept unchanged and stay readable"))
        if current is None:
            self.policy_box.setTitle(self.tr("Quality policy"))
            self.policy_text.setText(self.tr(
                "No quality policy recorded yet. Click <b>New revision…</b> to record the "
                "policy top management approved; objectives are set against its commitments."))
            return
        self.policy_box.setTitle(self.tr("Quality policy — revision %1, approved by %2 on %3")
                                 .replace("%1", str(current.revision))
                                 .replace("%2", current.approved_by)
                                 .replace("%3", format_date(current.approved_on)))
        statement = current.statement.replace("&", "&amp;").replace("<", "&lt;")
        commitments = " · ".join(c.replace("&", "&amp;").replace("<", "&lt;")
                                 for c in current.commitments)
        muted = colours.text(colours.MUTED).name()  # readable on a dark window too
        self.policy_text.setText(f"{statement}<br><span style='color:{muted}'>Commitments: "
                                 f"{commitments}</span>")

    def _filters_changed(self) -> None:
        values = {"health": self.health.currentData(), "owner": self.owner.currentData(),
                  "status": self.status.currentData()}
        for name, wanted in values.items():
            self.table.set_predicate(name, None if wanted in (ALL, None) else
                                     attribute_is(name, wanted))
        self.table.set_predicate("archived", self.archiving.predicate())
        self._update_actions()

    def _update_actions(self) -> None:
        self.open_action.setEnabled(self.table.selected_row() is not None)
        self.archiving.update()

    # --- editing -----------------------------------------------------------------------------
    def _context(self, record: ObjectiveRecord) -> ObjectiveContext:
        db, today = self.db, self.today
        current = policy_service.current_policy(db)
        segments = [(p.id, f"{p.ref} — {p.name}") for p in list_parties(db, today)]
        actions = actions_of(self, db, today, "objective_id", record.id)
        owners = [r.owner for r in self.table.rows() if r.owner]
        risks = risk_choices(db, record.risk_ids)  # archived ones only if already cited
        return ObjectiveContext(current.commitments if current else (), segments, owners,
                                actions, risks)

    def _edit(self, record: ObjectiveRecord) -> None:
        db, today = self.db, self.today
        self.edit_record(record, lambda rec: ObjectiveDialog(
            rec, lambda changed: service.save_objective(db, changed, today), today,
            self._context(rec), self), lambda objective_id: service.get_objective(
                db, objective_id))

    def new(self) -> None:
        self._edit(service.new_objective(self.today))

    def open_selected(self) -> None:
        db = self.db
        self.open_record_by_id(self.table.selected_id(), lambda i: service.get_objective(db, i),
                               self._edit)

    def select_record(self, record_id: int) -> bool:
        return self.select_objective(record_id)

    def select_objective(self, objective_id: int) -> bool:
        return self.archiving.reveal(lambda: self.table.select_id(objective_id,
                                                                  self._clear_filters))

    def _clear_filters(self) -> None:
        self.search.clear()
        for combo in (self.health, self.owner, self.status):
            combo.setCurrentIndex(0)

    def revise_policy(self) -> None:
        db, today = self.db, self.today
        if refusal := signoff.role_refusal(db):  # the button is disabled and says so too
            QMessageBox.information(self, self.tr("Quality policy"), refusal)
            return
        current = policy_service.current_policy(db)
        dialog = PolicyDialog(current, policy_service.policy_history(db),
                              lambda draft: self._issue_policy(draft, current), today, self)
        if db.identity().on_server:
            dialog.sign_as(db.user)
        if dialog.exec():
            self.refresh()

    def _issue_policy(self, draft: PolicyDraft,
                      current: policy_service.PolicyRevision | None
                      ) -> policy_service.PolicyRevision:
        """Issue the revision the dialog holds, signed (the shared sign dialog) once the
        text passes the policy's rules."""
        db, today = self.db, self.today
        number = (current.revision if current else 0) + 1
        what = self.tr("Issue revision <b>%s</b> of the quality policy: it is kept as "
                       "approved and never changed.") % number
        return signed_save(
            self, db, self.tr("Issue policy revision"), what, True, "approved_by",
            lambda meaning: policy_service.revise_policy(
                db, draft.statement, draft.commitments, draft.approved_by, draft.approved_on,
                today, meaning),
            lambda: policy_service.validate_policy(
                draft.statement, draft.commitments, draft.approved_by or db.user,
                draft.approved_on, today, current))

    def run_report(self) -> None:
        self.write_report("objectives")
