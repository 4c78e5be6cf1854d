"""Editor for one interested party, its needs and expectations and its engagement log."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QFormLayout,
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

from qmsdesk.services.parties import rules
from qmsdesk.services.parties.plausibility import party_warnings
from qmsdesk.services.parties.records import EngagementRecord, PartyRecord, RequirementRecord
from qmsdesk.ui import colours
from qmsdesk.ui.child_table import (
    ChildColumn,
    ChildDelegate,
    ChildListModel,
    commit_open_editor,
)
from qmsdesk.ui.dialogs.record_dialog import RecordDialog, error_style
from qmsdesk.ui.formatting import to_qdate
from qmsdesk.ui.widgets import DateEdit, choice_box, labelled, select_value
from qmsdesk.ui.write_access import writes

REQUIREMENT_COLUMNS = (
    ChildColumn("description", "Need or expectation", width=250),
    ChildColumn("kind", "Type", "choice", tuple(labelled(rules.REQUIREMENT_KINDS)), 95),
    ChildColumn("obligation", "Compliance obligation", "choice",
                tuple(labelled(rules.OBLIGATIONS, "None")), 140),
    ChildColumn("source", "Source", width=130),
    ChildColumn("addressed_by", "Addressed by", width=130),
)
ENGAGEMENT_COLUMNS = (
    ChildColumn("on_date", "Date", "date", width=95),
    ChildColumn("kind", "Kind", "choice", tuple(labelled(rules.ENGAGEMENT_KINDS)), 95),
    ChildColumn("summary", "Summary", width=260),
    ChildColumn("satisfaction", "Satisfaction", "rating", width=85),
    ChildColumn("follow_up", "Follow-up", width=200),
)


class PartyDialog(RecordDialog):
    def __init__(self, record: PartyRecord, save: Callable[[PartyRecord], PartyRecord],
                 today: date, owners: Sequence[str] = (), parent: QWidget | None = None,
                 actions: QWidget | None = None) -> None:
        super().__init__(self.tr("Interested party"), save, parent)
        self._record = record
        self._today = today
        self.resize(860, 640)
        self._build_details(owners)
        self.requirements, self.requirement_view = self._child_tab(
            self.tr("Needs && ex&pectations"), "requirements", REQUIREMENT_COLUMNS,
            record.requirements, RequirementRecord, self.tr("Add need or expectation"))
        self.engagements, self.engagement_view = self._child_tab(
            self.tr("Engagement &log"), "engagements", ENGAGEMENT_COLUMNS, record.engagements,
            lambda: EngagementRecord(on_date=self._today), self.tr("Log engagement"))
        if actions is not None:  # the actions raised from this party (page-supplied)
            self.add_actions_tab(actions, self.tr("&Actions"))
        self._load(record)
        self.start_tracking()
        self.name.setFocus()

    # --- building -----------------------------------------------------------------------
    def _build_details(self, owners: Sequence[str]) -> None:
        form = self.new_form_tab(self.tr("&Details"))
        self.name = self.add_field(form, self.tr("&Name *"), QLineEdit(), "name")
        self.category = self.add_field(form, self.tr("&Category"),
                                       choice_box(labelled(rules.CATEGORIES)), "category")
        self.scope = self.add_field(form, self.tr("Internal / external"), QComboBox(), "internal")
        self.scope.addItems([self.tr("External"), self.tr("Internal")])
        self.description = self.add_field(form, self.tr("Description"), QPlainTextEdit(),
                                          "description")
        self.description.setFixedHeight(56)
        self.description.setTabChangesFocus(True)
        self.contact_person = self.add_field(form, self.tr("Contact person"), QLineEdit(),
                                             "contact_person")
        self.email = self.add_field(form, self.tr("&Email"), QLineEdit(), "email")
        self.phone = self.add_field(form, self.tr("Phone"), QLineEdit(), "phone")
        priority = QWidget()
        row = QHBoxLayout(priority)
        row.setContentsMargins(0, 0, 0, 0)
        self.influence, self.interest = QSpinBox(), QSpinBox()
        for spin in (self.influence, self.interest):
            spin.setRange(0, 5)  # 0: not rated yet, as a new party starts (the user rates)
            spin.setSpecialValueText(self.tr("Not rated"))
            spin.valueChanged.connect(self._update_quadrant)
        self.quadrant = QLabel()
        row.addWidget(QLabel(self.tr("Influence (1–5)")))
        row.addWidget(self.influence)
        row.addSpacing(12)
        row.addWidget(QLabel(self.tr("Interest (1–5)")))
        row.addWidget(self.interest)
        row.addSpacing(12)
        row.addWidget(self.quadrant)
        row.addStretch(1)
        self.add_field(form, self.tr("Influence / interest"), priority, "influence")
        self._error_labels["interest"] = self._error_labels["influence"]
        self.owner = self.add_field(form, self.tr("Relationship &owner"), QLineEdit(), "owner")
        completer = QCompleter(sorted(set(owners)), self)
        self.owner.setCompleter(completer)
        self.monitoring_method = self.add_field(form, self.tr("How needs are monitored"),
                                                QLineEdit(), "monitoring_method")
        self.monitoring_method.setPlaceholderText(self.tr("e.g. quarterly business review"))
        self.monitoring_frequency = self.add_field(form, self.tr("Monitoring frequency"),
                                                   QComboBox(), "monitoring_frequency")
        choice_box(labelled(rules.FREQUENCIES), self.monitoring_frequency)
        self._build_review_fields(form)
        self.focus_box = self.add_field(form, self.tr("Focus"), choice_box(labelled(rules.FOCUS)),
                                        "focus")
        self.notes = self.add_field(form, self.tr("Notes"), QPlainTextEdit(), "notes")
        self.notes.setFixedHeight(48)
        self.notes.setTabChangesFocus(True)

    def _build_review_fields(self, form: QFormLayout) -> None:
        self.interval = QSpinBox()
        self.interval.setRange(1, rules.MAX_INTERVAL_MONTHS)
        self.interval.setSuffix(self.tr(" months"))
        self.add_field(form, self.tr("Review interval"), self.interval,
                       "review_interval_months")
        self.last_review = DateEdit(optional=True, empty_text=self.tr("Never reviewed"))
        review_row = QWidget()
        row = QHBoxLayout(review_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.last_review, 1)
        self.mark_reviewed = QPushButton(self.tr("&Reviewed today"))
        writes(self.mark_reviewed)  # records a review, once saved
        self.mark_reviewed.setToolTip(self.tr(
            "Record today's review; the next review moves one interval on"))
        self.mark_reviewed.clicked.connect(
            lambda: self.last_review.setDate(to_qdate(self._today)))
        row.addWidget(self.mark_reviewed)
        self.add_field(form, self.tr("Last review"), review_row,
                       "last_review")
        self.next_review = DateEdit()
        self.add_field(form, self.tr("Next review"), self.next_review,
                       "next_review")
        self.interval.valueChanged.connect(self._suggest_next_review)
        self.last_review.dateChanged.connect(self._suggest_next_review)

    def _child_tab(self, title: str, key: str, columns: Sequence[ChildColumn], items: list,
                   factory: Callable[[], object], add_label: str
                   ) -> tuple[ChildListModel, QTableView]:
        page = QWidget()
        layout = QVBoxLayout(page)
        model = ChildListModel(columns, items, factory, self)
        view = QTableView()
        view.setObjectName(key)
        view.setModel(model)
        view.setItemDelegate(ChildDelegate(columns, view))
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setWordWrap(True)
        view.verticalHeader().hide()
        header = view.horizontalHeader()
        for i, column in enumerate(columns):
            view.setColumnWidth(i, column.width)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Child lists are short: let long summaries wrap instead of eliding them.
        view.resizeRowsToContents()
        for signal in (model.dataChanged, model.rowsInserted, model.rowsRemoved):
            signal.connect(lambda *_: view.resizeRowsToContents())
        layout.addWidget(view, 1)
        error = QLabel()
        error.setObjectName(f"error_{key}")
        error.setStyleSheet(error_style())
        error.setWordWrap(True)
        error.hide()
        layout.addWidget(error)
        self._error_labels[key] = error

        def refresh_error() -> None:  # a row edited since Save loses its message
            rows = model.errors()
            error.setText("\n".join(rows.values()))
            error.setVisible(bool(rows))

        model.dataChanged.connect(lambda *_: refresh_error())
        buttons = QHBoxLayout()
        add = QPushButton(add_label)
        remove = QPushButton(self.tr("Remove selected"))
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        def add_row() -> None:
            row = model.add()
            view.setCurrentIndex(model.index(row, 0))
            view.edit(model.index(row, 0))

        def remove_row() -> None:
            rows = sorted({i.row() for i in view.selectionModel().selectedRows()}, reverse=True)
            for row in rows:
                model.remove(row)

        add.clicked.connect(add_row)
        remove.clicked.connect(remove_row)
        self.tabs.addTab(page, title)
        self.watch_tab(key, self.tabs.count() - 1)
        return model, view

    # --- loading and reading back ----------------------------------------------------------
    def _load(self, record: PartyRecord) -> None:
        title = f"{record.ref} — {record.name}" if record.ref else self.tr("New interested party")
        self.heading.setText(title + ("  (archived)" if record.status == "archived" else ""))
        self.name.setText(record.name)
        select_value(self.category, record.category)
        self.scope.setCurrentIndex(1 if record.internal else 0)
        self.description.setPlainText(record.description)
        self.contact_person.setText(record.contact_person)
        self.email.setText(record.email)
        self.phone.setText(record.phone)
        self.influence.setValue(record.influence or 0)
        self.interest.setValue(record.interest or 0)
        self.owner.setText(record.owner)
        self.monitoring_method.setText(record.monitoring_method)
        select_value(self.monitoring_frequency, record.monitoring_frequency)
        self.interval.blockSignals(True)
        self.last_review.blockSignals(True)
        self.interval.setValue(record.review_interval_months)
        self.last_review.set_value(record.last_review)
        self.interval.blockSignals(False)
        self.last_review.blockSignals(False)
        self.next_review.set_value(record.next_review, self._today)
        select_value(self.focus_box, record.focus)
        self.notes.setPlainText(record.notes)
        self._update_quadrant()

    def _suggest_next_review(self) -> None:
        suggested = rules.suggested_next_review(self.last_review.value(), self.interval.value(),
                                                self._today)
        self.next_review.setDate(to_qdate(suggested))

    def _update_quadrant(self) -> None:
        influence, interest = self.influence.value(), self.interest.value()
        name = rules.quadrant(influence, interest) if influence and interest else ""
        self.quadrant.setText(f" {name or self.tr('Rate both to place it on the grid')} ")
        tone = colours.QUADRANT_TONES.get(name, colours.NEUTRAL)
        self.quadrant.setStyleSheet(colours.cell_style(tone) + " border-radius: 3px;"
                                    "padding: 2px 6px; font-weight: 600;")

    def value(self) -> PartyRecord:
        commit_open_editor(self.requirement_view)
        commit_open_editor(self.engagement_view)
        return dataclasses.replace(
            self._record,
            name=self.name.text(),
            category=self.category.currentData(),
            internal=self.scope.currentIndex() == 1,
            description=self.description.toPlainText(),
            contact_person=self.contact_person.text(),
            email=self.email.text(),
            phone=self.phone.text(),
            influence=self.influence.value() or None,
            interest=self.interest.value() or None,
            owner=self.owner.text(),
            monitoring_method=self.monitoring_method.text(),
            monitoring_frequency=self.monitoring_frequency.currentData() or "",
            review_interval_months=self.interval.value(),
            last_review=self.last_review.value(),
            next_review=self.next_review.value(),
            focus=self.focus_box.currentData(),
            notes=self.notes.toPlainText(),
            requirements=self.requirements.items(),
            engagements=self.engagements.items(),
        )

    def plausibility(self, record: PartyRecord) -> dict[str, str]:
        return party_warnings(record, self.stored(), self._today)

    def show_child_errors(self, errors: dict[str, str]) -> None:
        for key, model in (("requirements", self.requirements),
                           ("engagements", self.engagements)):
            rows, errors = self.row_errors(errors, key)
            model.set_errors(rows)
            label = self._error_labels.get(key)
            if label is not None:
                label.setText("\n".join(rows.values()))
                label.setVisible(bool(rows))
        super().show_child_errors(errors)
