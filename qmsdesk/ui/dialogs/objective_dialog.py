"""Editor for one quality objective: its fields, measurements with a live trend chart, actions."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qmsdesk.services.labels import label
from qmsdesk.services.objectives import rules
from qmsdesk.services.objectives.plausibility import objective_warnings
from qmsdesk.services.objectives.records import MeasurementRecord, ObjectiveRecord
from qmsdesk.ui.chart_view import ChartView
from qmsdesk.ui.child_table import (
    ChildColumn,
    ChildDelegate,
    ChildListModel,
    commit_open_editor,
    parse_number,
)
from qmsdesk.ui.dialogs.record_dialog import RecordDialog
from qmsdesk.ui.linked_actions import LinkedActions
from qmsdesk.ui.widgets import DateEdit, choice_box, select_value

DIRECTION_LABELS = {"increase": "Increase to the target (higher is better)",
                    "decrease": "Decrease to the target (lower is better)",
                    "band": "Stay within a band (target … maximum)"}
MEASUREMENT_COLUMNS = (
    ChildColumn("on_date", "Date", "date", width=100),
    ChildColumn("value", "Value", "number", width=90),
    ChildColumn("comment", "Comment", width=260),
    ChildColumn("period", "Period", "readonly", width=80),
    ChildColumn("recorded_by", "Recorded by", "readonly", width=120),
)


def _number_text(value: object) -> str:
    return "" if value is None else (f"{value:.6g}" if isinstance(value, float | int)
                                     else str(value))


@dataclasses.dataclass
class ObjectiveContext:
    """What the editor offers to choose from, and the page's action callbacks."""

    commitments: Sequence[str] = ()
    segments: Sequence[tuple[int, str]] = ()  # (party id, "IP-0001 — name")
    owners: Sequence[str] = ()
    actions: LinkedActions | None = None
    risks: Sequence[tuple[int, str]] = ()  # (risk id, "RO-0001 — title") it may cite


class ObjectiveDialog(RecordDialog):
    def __init__(self, record: ObjectiveRecord, save: Callable[[ObjectiveRecord], object],
                 today: date, context: ObjectiveContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Quality objective"), save, parent)
        self._record = record
        self._today = today
        self.resize(920, 700)
        self._chart_timer = QTimer(self, singleShot=True, interval=250)
        self._chart_timer.timeout.connect(self.rebuild_chart)
        self._build_details(context)
        self._build_measurements()
        self._build_risks(context)
        if context.actions is not None:
            self.add_actions_tab(context.actions, self.tr("&Actions"))
        self._load(record, context)
        self.start_tracking()
        self.title.setFocus()

    def _line(self, form: QFormLayout, text: str, key: str) -> QLineEdit:
        return self.add_field(form, text, QLineEdit(), key)

    def _build_details(self, context: ObjectiveContext) -> None:
        form = self.new_form_tab(self.tr("&Details"))
        self.title = self._line(form, self.tr("&Title *"), "title")
        self.description = self.add_field(form, self.tr("What will be done"), QPlainTextEdit(),
                                          "description")
        self.description.setFixedHeight(54)
        self.description.setTabChangesFocus(True)
        self.process = self._line(form, self.tr("Process / function"), "process")
        self.commitment = self.add_field(form, self.tr("Policy &commitment"), choice_box(
            [("", self.tr("— choose —")), *((c, c) for c in context.commitments)]),
            "policy_commitment")
        self.kpi = self._line(form, self.tr("&KPI *"), "kpi_name")
        self.unit = self._line(form, self.tr("Unit"), "unit")
        self.direction = self.add_field(form, self.tr("Direction"), choice_box(
            list(DIRECTION_LABELS.items())), "direction")
        numbers = QWidget()
        row = QHBoxLayout(numbers)
        row.setContentsMargins(0, 0, 0, 0)
        self.baseline, self.target, self.target_max = QLineEdit(), QLineEdit(), QLineEdit()
        for caption, edit in ((self.tr("Baseline"), self.baseline),
                              (self.tr("Target"), self.target),
                              (self.tr("Maximum (band)"), self.target_max)):
            # A label, never a stop of the Tab key nor drawn as a box in a dark palette.
            caption_label = QLabel(caption)
            caption_label.setBuddy(edit)
            row.addWidget(caption_label)
            row.addWidget(edit)
            edit.textChanged.connect(self._chart_timer.start)
        self.add_field(form, self.tr("Baseline → target *"), numbers, "baseline")
        for key in ("target", "target_max"):
            self._error_labels[key] = self._error_labels["baseline"]
        self.direction.currentIndexChanged.connect(self._direction_changed)
        self.frequency = self.add_field(form, self.tr("Measured"), choice_box(
            [(f, label(f)) for f in rules.FREQUENCIES]), "frequency")
        self.start = self.add_field(form, self.tr("&Start *"), DateEdit(), "start_date")
        self.due = self.add_field(form, self.tr("D&ue *"), DateEdit(), "due_date")
        self.owner = self._line(form, self.tr("Responsible (&owner)"), "owner")
        self.resources = self.add_field(form, self.tr("Resources needed"), QPlainTextEdit(),
                                        "resources")
        self.evaluation = self.add_field(form, self.tr("How results are evaluated"),
                                         QPlainTextEdit(), "evaluation")
        for notes in (self.resources, self.evaluation):
            notes.setFixedHeight(48)
            notes.setTabChangesFocus(True)
        self.segment = self.add_field(form, self.tr("Segment (interested party)"), choice_box(
            [(None, self.tr("Not segmented")), *context.segments]), "segment_party_id")
        self.status = self.add_field(form, self.tr("Status"), choice_box(
            [(s, label(s)) for s in rules.STATUSES]), "status")
        if context.owners:
            from PySide6.QtWidgets import QCompleter

            self.owner.setCompleter(QCompleter(sorted(set(context.owners)), self))
        for date_edit in (self.start, self.due):
            date_edit.dateChanged.connect(self._chart_timer.start)

    def _build_measurements(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        splitter = QSplitter()
        splitter.setOrientation(splitter.orientation().Vertical)
        top = QWidget()
        column = QVBoxLayout(top)
        column.setContentsMargins(0, 0, 0, 0)
        self.measurements = ChildListModel(
            MEASUREMENT_COLUMNS, self._record.measurements,
            lambda: MeasurementRecord(on_date=self._today), self)
        self.measurement_view = QTableView()
        self.measurement_view.setModel(self.measurements)
        self.measurement_view.setItemDelegate(ChildDelegate(MEASUREMENT_COLUMNS,
                                                            self.measurement_view))
        self.measurement_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.measurement_view.verticalHeader().hide()
        for i, col in enumerate(MEASUREMENT_COLUMNS):
            self.measurement_view.setColumnWidth(i, col.width)
        self.measurement_view.horizontalHeader().setStretchLastSection(True)
        column.addWidget(self.measurement_view, 1)
        buttons = QHBoxLayout()
        add, remove = QPushButton(self.tr("Add measurement")), QPushButton(self.tr("Remove"))
        add.clicked.connect(self._add_measurement)
        remove.clicked.connect(self._remove_measurement)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self.chart = ChartView(self.tr("The trend chart appears with the first values."))
        self.chart.setMinimumHeight(220)
        splitter.addWidget(top)
        splitter.addWidget(self.chart)
        layout.addWidget(splitter)
        self.tabs.addTab(page, self.tr("&Measurements && trend"))
        self.watch_tab("measurements", self.tabs.count() - 1)
        for signal in (self.measurements.dataChanged, self.measurements.rowsInserted,
                       self.measurements.rowsRemoved):
            signal.connect(self._chart_timer.start)
        self.measurements.dataChanged.connect(lambda *_: self._show_measurement_errors())

    def _build_risks(self, context: ObjectiveContext) -> None:
        """The risks and opportunities (6.1) the objective addresses: a tab of its own."""
        from qmsdesk.ui.dialogs.context_dialog import end_form
        from qmsdesk.ui.pick_list import PickList

        form = self.new_form_tab(self.tr("&Risks addressed"))
        self.risks = self.add_field(form, self.tr("Risks and &opportunities"), PickList(
            (self.tr("risk or opportunity"), self.tr("risks and opportunities")),
            self.tr("No risks or opportunities yet: record them on the Risks & "
                    "opportunities page."), rows=20), "risk_ids")
        self.risks.set_choices(context.risks, self._record.risk_ids)
        self.risks.changed.connect(lambda: self.clear_error("risk_ids"))
        end_form(form)

    def _add_measurement(self) -> None:
        row = self.measurements.add()
        index = self.measurements.index(row, 1)
        self.measurement_view.setCurrentIndex(index)
        self.measurement_view.edit(index)

    def _remove_measurement(self) -> None:
        rows = {i.row() for i in self.measurement_view.selectionModel().selectedRows()}
        for row in sorted(rows, reverse=True):
            self.measurements.remove(row)

    def _direction_changed(self) -> None:
        self.target_max.setEnabled(self.direction.currentData() == "band")
        self._chart_timer.start()

    # --- load / read back -------------------------------------------------------------------
    def _load(self, record: ObjectiveRecord, context: ObjectiveContext) -> None:
        self.heading.setText(f"{record.ref} — {record.title}" if record.ref
                             else self.tr("New quality objective"))
        self.title.setText(record.title)
        self.description.setPlainText(record.description)
        self.process.setText(record.process)
        if record.policy_commitment and self.commitment.findData(record.policy_commitment) < 0:
            self.commitment.addItem(self.tr("%s (earlier policy revision)")
                                    % record.policy_commitment, record.policy_commitment)
        select_value(self.commitment, record.policy_commitment)
        self.kpi.setText(record.kpi_name)
        self.unit.setText(record.unit)
        select_value(self.direction, record.direction)
        self.baseline.setText(_number_text(record.baseline))
        self.target.setText(_number_text(record.target))
        self.target_max.setText(_number_text(record.target_max))
        self.target_max.setEnabled(record.direction == "band")
        select_value(self.frequency, record.frequency)
        self.start.set_value(record.start_date, self._today)
        self.due.set_value(record.due_date, self._today)
        self.owner.setText(record.owner)
        self.resources.setPlainText(record.resources)
        self.evaluation.setPlainText(record.evaluation)
        select_value(self.segment, record.segment_party_id)
        select_value(self.status, record.status)
        self.rebuild_chart()

    def value(self) -> ObjectiveRecord:
        commit_open_editor(self.measurement_view)
        return dataclasses.replace(
            self._record, title=self.title.text(), description=self.description.toPlainText(),
            process=self.process.text(), policy_commitment=self.commitment.currentData() or "",
            kpi_name=self.kpi.text(), unit=self.unit.text(),
            direction=self.direction.currentData(),
            # Text that is not a number stays as typed, so validation can name it; the
            # record's fields say float only.
            baseline=parse_number(self.baseline.text()),  # type: ignore[arg-type]
            target=parse_number(self.target.text()),  # type: ignore[arg-type]
            target_max=parse_number(self.target_max.text()),  # type: ignore[arg-type]
            frequency=self.frequency.currentData(), start_date=self.start.value(),
            due_date=self.due.value(), owner=self.owner.text(),
            resources=self.resources.toPlainText(), evaluation=self.evaluation.toPlainText(),
            segment_party_id=self.segment.currentData(), status=self.status.currentData(),
            measurements=self.measurements.items(), risk_ids=self.risks.ids())

    def plausibility(self, record: ObjectiveRecord) -> dict[str, str]:
        return objective_warnings(record, self.stored(), self._today)

    def show_child_errors(self, errors: dict[str, str]) -> None:
        rows, rest = self.row_errors(errors, "measurements")
        self._other_errors = rest
        self.measurements.set_errors(rows)
        self._show_measurement_errors()

    def _show_measurement_errors(self) -> None:
        """Every message of every row (not one a save), less those of rows edited since."""
        rows = self.measurements.errors()
        self.general_error.hide()
        super().show_child_errors({**getattr(self, "_other_errors", {}),
                                   **{f"m{k}": v for k, v in sorted(rows.items())}})

    def rebuild_chart(self) -> None:
        from qmsdesk.reports.charts import objective_trend

        record = self.value()
        baseline, target = record.baseline, record.target
        if not isinstance(baseline, float | int) or not isinstance(target, float | int) \
                or record.start_date is None or record.due_date is None \
                or record.due_date <= record.start_date:
            self.chart.show_message(self.tr("Enter baseline, target, start and due dates to "
                                            "see the trend chart."))
            return
        points = sorted((m.on_date, float(m.value)) for m in record.measurements
                        if m.on_date is not None and isinstance(m.value, float | int))
        target_max = record.target_max if isinstance(record.target_max, float | int) else None
        self.chart.set_figure(objective_trend(
            points, float(baseline), float(target), target_max,
            record.direction, record.start_date, record.due_date, record.unit,
            width_in=8.4, height_in=2.6))
