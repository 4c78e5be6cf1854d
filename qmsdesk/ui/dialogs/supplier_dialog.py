"""Editor for one supplier: details and approval status, certificates, history, reviews."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qmsdesk.services.numbers import NOTHING
from qmsdesk.services.suppliers import rules
from qmsdesk.services.suppliers.plausibility import supplier_warnings
from qmsdesk.services.suppliers.records import CertificateRecord, SupplierRecord
from qmsdesk.ui.child_table import (
    ChildColumn,
    ChildDelegate,
    ChildListModel,
    commit_open_editor,
)
from qmsdesk.ui.dialogs.record_dialog import RecordDialog, error_style
from qmsdesk.ui.formatting import format_date
from qmsdesk.ui.widgets import DateEdit, choice_box, labelled, select_value

CERTIFICATE_COLUMNS = (
    ChildColumn("standard", "Standard", width=140),
    ChildColumn("number", "Certificate no.", width=140),
    ChildColumn("issuer", "Issued by", width=170),
    ChildColumn("valid_until", "Valid until", "date", width=110),
)
HISTORY_HEADERS = ("Date", "From", "To", "Reason", "By", "Review")


class SupplierDialog(RecordDialog):
    def __init__(self, record: SupplierRecord, save: Callable[[SupplierRecord, bool], object],
                 today: date, parties: Sequence[tuple[int, str]],
                 reviews: QWidget | None = None, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Supplier"), lambda rec: save(rec, self._create_party()),
                         parent)
        self._record = record
        self._today = today
        self.resize(880, 660)
        self._build_details(parties)
        self._build_certificates()
        self._build_history(record)
        if reviews is not None:
            self.reviews = reviews
            reviews.setParent(self)
            self.tabs.addTab(reviews, self.tr("&Reviews"))
        self._load(record)
        self.start_tracking()
        self.name.setFocus()

    def _build_details(self, parties: Sequence[tuple[int, str]]) -> None:
        form = self.new_form_tab(self.tr("&Details"))
        self.name = self.add_field(form, self.tr("&Name *"), QLineEdit(), "name")
        self.scope = self.add_field(form, self.tr("What they supply"), QPlainTextEdit(), "scope")
        self.scope.setFixedHeight(50)
        self.scope.setTabChangesFocus(True)
        self.category = self.add_field(form, self.tr("Category"), QLineEdit(), "category")
        self.category.setPlaceholderText(self.tr("e.g. Heat treatment, Bar stock, Logistics"))
        self.criticality = self.add_field(form, self.tr("&Criticality"), choice_box(
            labelled(rules.CRITICALITIES)), "criticality")
        self.contact_person = self.add_field(form, self.tr("Contact person"), QLineEdit(),
                                             "contact_person")
        self.email = self.add_field(form, self.tr("&Email"), QLineEdit(), "email")
        self.phone = self.add_field(form, self.tr("Phone"), QLineEdit(), "phone")
        party_row = QWidget()
        row = QHBoxLayout(party_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.party = choice_box([(None, self.tr("Not linked")), *parties])
        self.new_party = QCheckBox(self.tr("Create it as an interested party"))
        self.new_party.setToolTip(self.tr("A supplier is an interested party (ISO 9001 4.2); "
                                          "this adds it to that register, category supplier"))
        self.new_party.toggled.connect(lambda on: self.party.setEnabled(not on))
        row.addWidget(self.party, 1)
        row.addWidget(self.new_party)
        self.add_field(form, self.tr("Interested party"), party_row, "party_id")
        # "Archived" is offered only while the supplier is archived (archiving is the page's
        # Archive, Ctrl+Del): saved unchanged it stays so; another status restores it.
        self.status = self.add_field(form, self.tr("Approval &status"), choice_box(labelled(
            (*rules.STATUSES, rules.ARCHIVED) if self._record.status == rules.ARCHIVED
            else rules.STATUSES)), "status")
        self.status_reason = self.add_field(form, self.tr("Reason for a status change"),
                                            QLineEdit(), "status_reason")
        self.status_reason.setPlaceholderText(self.tr("Required when the status changes"))
        self.interval = QSpinBox()
        self.interval.setRange(0, rules.MAX_INTERVAL_MONTHS)
        self.interval.setSpecialValueText(self.tr("By criticality"))
        self.interval.setSuffix(self.tr(" months"))
        self.add_field(form, self.tr("Review interval"), self.interval, "review_interval_months")
        self.next_review = self.add_field(form, self.tr("Next review"), DateEdit(
            optional=True, empty_text=self.tr("Set on save")), "next_review")
        self.notes = self.add_field(form, self.tr("Notes"), QPlainTextEdit(), "notes")
        self.notes.setFixedHeight(46)
        self.notes.setTabChangesFocus(True)

    def _build_certificates(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.certificates = ChildListModel(CERTIFICATE_COLUMNS, self._record.certificates,
                                           CertificateRecord, self)
        self.certificate_view = QTableView()
        self.certificate_view.setModel(self.certificates)
        self.certificate_view.setItemDelegate(ChildDelegate(CERTIFICATE_COLUMNS,
                                                            self.certificate_view))
        self.certificate_view.setSelectionBehavior(
            QAbstractItemView.SelectionBehavior.SelectRows)
        self.certificate_view.verticalHeader().hide()
        for i, column in enumerate(CERTIFICATE_COLUMNS):
            self.certificate_view.setColumnWidth(i, column.width)
        self.certificate_view.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.certificate_view, 1)
        self.certificate_warnings = QLabel()
        self.certificate_warnings.setStyleSheet(error_style())
        self.certificate_warnings.setWordWrap(True)
        layout.addWidget(self.certificate_warnings)
        self._error_labels["certificates"] = self.certificate_warnings
        buttons = QHBoxLayout()
        add, remove = QPushButton(self.tr("Add certificate")), QPushButton(self.tr("Remove"))
        add.clicked.connect(self._add_certificate)
        remove.clicked.connect(self._remove_certificate)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.tabs.addTab(page, self.tr("&Certificates"))
        self.watch_tab("certificates", self.tabs.count() - 1)
        self.certificates.dataChanged.connect(self._show_certificate_warnings)

    def _add_certificate(self) -> None:
        row = self.certificates.add()
        self.certificate_view.edit(self.certificates.index(row, 0))

    def _remove_certificate(self) -> None:
        rows = {i.row() for i in self.certificate_view.selectionModel().selectedRows()}
        for row in sorted(rows, reverse=True):
            self.certificates.remove(row)

    def _show_certificate_warnings(self) -> None:
        warnings = [w for c in self.certificates.items()
                    if (w := rules.certificate_warning(c, self._today))]
        self.certificate_warnings.setText("\n".join(f"⚠ {w}" for w in warnings))

    def _build_history(self, record: SupplierRecord) -> None:
        from PySide6.QtGui import QStandardItem, QStandardItemModel

        model = QStandardItemModel(0, len(HISTORY_HEADERS), self)
        model.setHorizontalHeaderLabels([self.tr(h) for h in HISTORY_HEADERS])
        for change in reversed(record.history):
            model.appendRow([QStandardItem(text) for text in (
                format_date(change.changed_on), change.from_status or NOTHING, change.to_status,
                change.reason, change.changed_by, change.review_ref)])
        view = QTableView()
        view.setModel(model)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.verticalHeader().hide()
        view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.history_view = view
        self.tabs.addTab(view, self.tr("Status &history (%s)") % len(record.history))

    def _load(self, record: SupplierRecord) -> None:
        self.heading.setText(f"{record.ref} — {record.name}" if record.ref
                             else self.tr("New supplier"))
        self.name.setText(record.name)
        self.scope.setPlainText(record.scope)
        self.category.setText(record.category)
        select_value(self.criticality, record.criticality)
        self.contact_person.setText(record.contact_person)
        self.email.setText(record.email)
        self.phone.setText(record.phone)
        select_value(self.party, record.party_id)
        self.new_party.setVisible(record.id is None and record.party_id is None)
        select_value(self.status, record.status)
        self.interval.setValue(record.review_interval_months or 0)
        self.next_review.set_value(record.next_review)
        self.notes.setPlainText(record.notes)
        self._show_certificate_warnings()

    def _create_party(self) -> bool:
        return not self.new_party.isHidden() and self.new_party.isChecked()

    def value(self) -> SupplierRecord:
        commit_open_editor(self.certificate_view)
        party = self.party.currentData() if isinstance(self.party, QComboBox) else None
        return dataclasses.replace(
            self._record, name=self.name.text(), scope=self.scope.toPlainText(),
            category=self.category.text(), criticality=self.criticality.currentData(),
            contact_person=self.contact_person.text(), email=self.email.text(),
            phone=self.phone.text(), party_id=None if self._create_party() else party,
            status=self.status.currentData(), status_reason=self.status_reason.text(),
            review_interval_months=self.interval.value() or None,
            next_review=self.next_review.value(), notes=self.notes.toPlainText(),
            certificates=self.certificates.items())

    def plausibility(self, record: SupplierRecord) -> dict[str, str]:
        return supplier_warnings(record, self.stored(), self._today)

    def show_child_errors(self, errors: dict[str, str]) -> None:
        rows, rest = self.row_errors(errors, "certificates")
        self.certificates.set_errors(rows)
        if rows:
            self.certificate_warnings.setText("\n".join(rows.values()))
        super().show_child_errors(rest)
