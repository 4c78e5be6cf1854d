"""The approved supplier list (ISO 9001 8.4): suppliers, their reviews, the editors, report."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QToolButton

from qmsdesk.services import signoff
from qmsdesk.services.labels import label, plural
from qmsdesk.services.numbers import NOTHING
from qmsdesk.services.parties.service import list_parties
from qmsdesk.services.suppliers import archive as archive_service
from qmsdesk.services.suppliers import reviews as review_service
from qmsdesk.services.suppliers import rules, service
from qmsdesk.ui import colours
from qmsdesk.ui.archive_actions import ArchiveActions
from qmsdesk.ui.dialogs.review_dialog import ReviewDialog
from qmsdesk.ui.dialogs.supplier_dialog import SupplierDialog
from qmsdesk.ui.exchange_actions import ExchangeActions
from qmsdesk.ui.formatting import format_date
from qmsdesk.ui.linked_actions import LinkedActions, actions_of
from qmsdesk.ui.pages.base_page import ALL, RegisterPage
from qmsdesk.ui.register_table import RegisterTable
from qmsdesk.ui.supplier_outreach import SupplierOutreach
from qmsdesk.ui.table_model import Column, attribute_is
from qmsdesk.ui.write_access import writes

if TYPE_CHECKING:
    from qmsdesk.services.suppliers.records import ReviewRow, SupplierRow
    from qmsdesk.ui.main_window import MainWindow



def _score(row: SupplierRow) -> str:
    if row.latest_total is None:
        return NOTHING if not row.latest_band else rules.NO_DATA
    return f"{rules.format_total(row.latest_total)} {row.latest_band} {row.trend}".strip()


def _certificates(row: SupplierRow) -> str:
    if not row.certificate_warnings:
        return ""
    expired = sum(1 for w in row.certificate_warnings if "expired" in w)
    expiring = len(row.certificate_warnings) - expired
    parts = [f"{expired} expired"] if expired else []
    parts += [f"{expiring} expiring"] if expiring else []
    approved = f" while {row.status}" if row.approved_expired else ""
    return "⚠ " + ", ".join(parts) + approved


def _archived(row: SupplierRow) -> bool:
    return row.status == rules.ARCHIVED


SUPPLIER_COLUMNS: list[Column[SupplierRow]] = [
    Column("Ref", lambda r: r.ref),
    Column("Name", lambda r: r.name + (" (archived)" if r.status == rules.ARCHIVED else ""),
           tooltip=lambda r: f"{r.name}\n{r.category}",
           foreground=lambda r: colours.text(colours.MUTED) if r.status == rules.ARCHIVED
           else None),
    Column("Criticality", lambda r: label(r.criticality),
           sort_key=lambda r: rules.CRITICALITIES.index(r.criticality)),
    Column("Status", lambda r: label(r.status),
           tone=lambda r: colours.SUPPLIER_TONES.get(r.status)),
    Column("Score / band", _score, searchable=False,
           sort_key=lambda r: r.latest_total if r.latest_total is not None else -1.0,
           tooltip=lambda r: "Latest review; arrow against the previous one"),
    Column("Next review", lambda r: format_date(r.next_review) + (" · Overdue" if r.overdue
                                                                 else ""),
           searchable=False, sort_key=lambda r: r.next_review.toordinal() if r.next_review
           else 0, foreground=lambda r: colours.text(colours.BAD) if r.overdue else None),
    Column("Certificates", _certificates, searchable=False,
           foreground=lambda r: colours.text(colours.BAD) if r.certificate_warnings else None,
           tooltip=lambda r: "\n".join(r.certificate_warnings) or "All certificates valid"),
]
REVIEW_COLUMNS: list[Column[ReviewRow]] = [
    Column("Ref", lambda r: r.ref),
    Column("Date", lambda r: format_date(r.review_date),
           sort_key=lambda r: r.review_date.toordinal()),
    Column("Type", lambda r: label(r.kind)),
    Column("Total", lambda r: rules.format_total(r.total), searchable=False),
    Column("Band", lambda r: r.band or rules.NO_DATA),
    Column("Decision", lambda r: label(r.decision) or NOTHING),
    Column("Approved", lambda r: format_date(r.approved_on) or "Draft"),
]


class SuppliersPage(RegisterPage):
    evidence_entity = "supplier"

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, self.tr("Suppliers"), self.tr(
            "ISO 9001 clause 8.4 — the approved supplier list, certificates and periodic "
            "evaluations on weighted criteria and measured KPIs"))
        self.table = RegisterTable(SUPPLIER_COLUMNS, (80, 260, 90, 110, 110, 160, 130), 1,
                                   self.tr("No suppliers yet.\n\nClick New supplier (Ctrl+N) "
                                           "to start the approved supplier list."),
                                   ("supplier", "suppliers"), self,
                                   state_key="suppliers")
        self.table.extra_count = self._attention
        self.new_action, self.open_action, self.find_action = self.standard_actions(
            self.tr("&New supplier"), self.new, self.open_selected)
        self.review_action = QAction(self.tr("New re&view…"), self)
        self.review_action.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.review_action.triggered.connect(self.new_review_for_selected)
        self.outreach = SupplierOutreach(self, self.table)
        self.archiving = ArchiveActions(
            self, self.table, self.tr("supplier"), _archived,
            lambda i: service.get_supplier(self.db, i),
            lambda i, version, archive, reason: archive_service.set_supplier_status(
                self.db, i, version, rules.ARCHIVED if archive else "active", self.today,
                reason), self._filters_changed)
        self.archive_action, self.restore_action = self.archiving.actions()
        self.show_archived = self.archiving.show_archived
        writes(self.review_action, self.archive_action, self.restore_action)
        self.table.row_actions = [self.review_action, *self.outreach.actions(),
                                  self.archive_action, self.restore_action]
        self.report_action = QAction(self.tr("Approved &supplier list (PDF)…"), self)
        self.report_action.setShortcut(QKeySequence("Ctrl+P"))
        self.report_action.triggered.connect(self.run_report)
        for action in (self.review_action, self.report_action):
            self.addAction(action)
        self.exchange = ExchangeActions(self, "suppliers", self.table)
        bar = self.toolbar((self.new_action, self.open_action, self.review_action,
                            self.outreach.pack_action),
                           self.tr("Search name, ref… (Ctrl+F)"), self.table.set_search_text)
        self.status = QComboBox()
        self.status.addItem(self.tr("All statuses"), ALL)
        for status in rules.STATUSES:
            self.status.addItem(label(status), status)
        self.criticality = QComboBox()
        self.criticality.addItem(self.tr("Any criticality"), ALL)
        for value in rules.CRITICALITIES:
            self.criticality.addItem(label(value), value)
        for combo in (self.status, self.criticality):
            combo.currentIndexChanged.connect(self._filters_changed)
            bar.addWidget(combo)
        bar.addWidget(self.show_archived)
        report = QToolButton()
        report.setDefaultAction(self.report_action)
        report.setText(self.tr("Report PDF…"))
        bar.addWidget(report)
        self.exchange.add_button(bar)
        self.layout_.addWidget(self.table, 1)
        self.table.open_requested.connect(self.open_selected)
        self.table.current_changed.connect(self._update_actions)
        # filled by activated() when the page is first shown: opening a database loads
        # only the page in view, not every register

    @staticmethod
    def _attention(rows: list[SupplierRow]) -> str:
        overdue = sum(1 for r in rows if r.overdue)
        certs = sum(1 for r in rows if r.certificate_warnings)
        parts = [f"{plural(overdue, 'review')} overdue"] if overdue else []
        parts += [f"{plural(certs, 'supplier')} with certificate warnings"] if certs else []
        return " · ".join(parts)

    def register_actions(self) -> list[QAction]:
        return [self.new_action, self.open_action, self.review_action, self.archive_action,
                self.restore_action, self.find_action, *self.outreach.actions(),
                *self.exchange.actions()]

    def report_actions(self) -> list[QAction]:
        return [self.report_action]

    def refresh(self, select_id: int | None = None) -> None:
        self.stale = False
        db, today = self.db, self.today
        self.table.load(lambda: service.list_suppliers(db, today), select_id,
                        lambda _rows: self._filters_changed(),
                        lambda n: service.list_suppliers(db, today, limit=n))

    def activated(self) -> None:
        self.refresh()

    def _filters_changed(self) -> None:
        for name, combo in (("status", self.status), ("criticality", self.criticality)):
            wanted = combo.currentData()
            self.table.set_predicate(name, None if wanted == ALL else attribute_is(name, wanted))
        self.table.set_predicate("archived", self.archiving.predicate())
        self._update_actions()

    def _update_actions(self) -> None:
        selected = self.table.selected_row() is not None
        self.open_action.setEnabled(selected)
        self.review_action.setEnabled(selected)
        self.outreach.update(selected)
        self.archiving.update()

    def archive_selected(self) -> None:
        self.archiving.change(archive=True)

    def restore_selected(self) -> None:
        self.archiving.change(archive=False)

    # --- suppliers ---------------------------------------------------------------------------
    def _reviews_panel(self, supplier_id: int | None, label_text: str) -> LinkedActions | None:
        if supplier_id is None:
            return None
        db = self.db
        return LinkedActions(
            REVIEW_COLUMNS, (90, 100, 100, 70, 60, 110, 100),
            lambda: review_service.list_reviews(db, supplier_id),
            lambda: self.edit_review(review_service.new_review(db, supplier_id, self.today),
                                     label_text),
            lambda review_id: self.edit_review(review_service.get_review(db, review_id),
                                               label_text),
            noun=("review", "reviews"), empty_text=self.tr(
                "No reviews yet. New review… evaluates the supplier on the weighted criteria "
                "and the period's delivery and quality KPIs."),
            new_label=self.tr("New review…"), open_label=self.tr("Open review…"))

    def _edit(self, record: service.SupplierRecord) -> None:
        db, today = self.db, self.today
        parties = [(p.id, f"{p.ref} — {p.name}") for p in list_parties(db, today)]
        self.edit_record(record, lambda rec: SupplierDialog(
            rec, lambda changed, create: service.save_supplier(db, changed, today, create),
            today, parties, self._reviews_panel(rec.id, f"{rec.ref} {rec.name}"), self),
            lambda supplier_id: service.get_supplier(db, supplier_id))

    def new(self) -> None:
        self._edit(service.new_supplier(self.today))

    def open_selected(self) -> None:
        db = self.db
        self.open_record_by_id(self.table.selected_id(), lambda i: service.get_supplier(db, i),
                               self._edit)

    # --- reviews -----------------------------------------------------------------------------
    def edit_review(self, record: Any, supplier_label: str) -> bool:
        from qmsdesk.ui.evidence_panel import add_evidence_tab

        db, today = self.db, self.today
        actions = actions_of(self, db, today, "supplier_review_id", record.id)
        certificates = service.get_supplier(db, record.supplier_id).certificates
        dialog = ReviewDialog(record, lambda rec: self._save_review(record, rec,
                                                                    supplier_label),
                              today, supplier_label, review_service.load_bands(db), actions,
                              self, certificates)
        me = db.identity()
        dialog.set_approver(signoff.role_refusal(db), db.user if me.on_server else "")
        add_evidence_tab(dialog, db, "supplier review", record.id)
        saved = bool(dialog.exec()) and dialog.saved is not None
        if dialog.reload_requested and record.id is not None:
            return self.edit_review(review_service.get_review(db, record.id), supplier_label)
        return saved

    def _save_review(self, before: Any, record: Any, supplier_label: str) -> Any:
        """Save a review; approving it is signed first (the shared sign dialog)."""
        from qmsdesk.ui.dialogs.approval_dialog import signed_save

        db, today = self.db, self.today
        approving = record.approved_on is not None and before.approved_on is None
        what = self.tr("Approve <b>%1</b> of %2: the decision becomes the supplier's "
                       "status and the review is locked.") \
            .replace("%1", escape(before.ref or self.tr("the new review"))) \
            .replace("%2", escape(supplier_label))
        return signed_save(self, db, self.tr("Approve supplier review"), what, approving,
                           "approved_on", lambda meaning: review_service.save_review(
                               db, record, today, meaning))

    def new_review_for_selected(self) -> None:
        row = self.table.selected_row()
        if row is None:
            return
        record = review_service.new_review(self.db, row.id, self.today)
        if self.edit_review(record, f"{row.ref} {row.name}"):
            self.refresh(select_id=row.id)

    def select_record(self, record_id: int) -> bool:
        return self.select_supplier(record_id)

    def select_supplier(self, supplier_id: int) -> bool:
        # an archived supplier opened from elsewhere ticks "Show archived"
        return self.archiving.reveal(lambda: self.table.select_id(supplier_id,
                                                                  self._clear_filters))

    def _clear_filters(self) -> None:
        self.search.clear()
        self.status.setCurrentIndex(0)
        self.criticality.setCurrentIndex(0)

    def run_report(self) -> None:
        self.write_report("suppliers")
