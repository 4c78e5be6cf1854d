"""Editor for one supplier review: the scorecard computed live, KPIs, decision and sign-off."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qmsdesk.services.labels import label
from qmsdesk.services.numbers import NOTHING, format_count, format_number
from qmsdesk.services.suppliers import rules
from qmsdesk.services.suppliers.plausibility import review_warnings
from qmsdesk.services.suppliers.records import CertificateRecord, CriterionScore, ReviewRecord
from qmsdesk.services.suppliers.reviews import summarise
from qmsdesk.ui import colours
from qmsdesk.ui.chart_view import ChartView
from qmsdesk.ui.child_table import ChildColumn, ChildDelegate, ChildListModel, commit_open_editor
from qmsdesk.ui.dialogs.record_dialog import RecordDialog, error_style
from qmsdesk.ui.linked_actions import LinkedActions
from qmsdesk.ui.widgets import CountBox, DateEdit, choice_box, labelled, select_value

SCORE_COLUMNS = (
    ChildColumn("criterion", "Criterion", "readonly", width=230),
    ChildColumn("weight", "Weight %", "readonly", width=80),
    ChildColumn("score", "Score 0–100 (empty: not scored)", "number", width=200),
)
KPI_FIELDS = (("deliveries_total", "Deliveries"), ("deliveries_on_time", "… on time"),
              ("lots_received", "Lots received"), ("lots_rejected", "… rejected"),
              ("units_received", "Units received"), ("units_rejected", "… rejected"))


def _percent(value: float | None) -> str:
    return rules.NO_DATA if value is None else format_number(value, "%", decimals=1)


def _ppm(value: float | None) -> str:
    return rules.NO_DATA if value is None else format_count(value, "ppm")


class ReviewDialog(RecordDialog):
    def __init__(self, record: ReviewRecord, save: Callable[[ReviewRecord], object],
                 today: date, supplier_label: str, bands: Sequence[rules.Band],
                 actions: LinkedActions | None = None, parent: QWidget | None = None,
                 certificates: Sequence[CertificateRecord] = ()) -> None:
        super().__init__(self.tr("Supplier review"), save, parent)
        self._record = record
        self._certificates = tuple(certificates)  # the supplier's, for the warnings
        self._today = today
        self._bands = list(bands)
        self.resize(900, 720)
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.update_summary)
        title = record.ref or self.tr("New review")
        self.heading.setText(f"{title} — {supplier_label}")
        self._build_review()
        self._build_scorecard()
        self._build_decision()
        if actions is not None:
            self.add_actions_tab(actions, self.tr("Corrective &actions"))
        self._load(record)
        if record.locked:
            self._lock()
        self.start_tracking()
        self.update_summary()

    # --- building -----------------------------------------------------------------------------
    def _build_review(self) -> None:
        form = self.new_form_tab(self.tr("&Review"))
        self.period_from = self.add_field(form, self.tr("Period from"), DateEdit(optional=True),
                                          "period_from")
        self.period_to = self.add_field(form, self.tr("Period to"), DateEdit(optional=True),
                                        "period_to")
        self.review_date = self.add_field(form, self.tr("Review &date *"), DateEdit(),
                                          "review_date")
        self.reviewer = self.add_field(form, self.tr("Re&viewer *"), QLineEdit(), "reviewer")
        self.kind = self.add_field(form, self.tr("T&ype"),
                                   choice_box(labelled(rules.REVIEW_KINDS)), "kind")

    def _build_scorecard(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.scores = ChildListModel(SCORE_COLUMNS, self._record.scores,
                                     lambda: CriterionScore("", 0.0), self)
        self.score_view = QTableView()
        self.score_view.setModel(self.scores)
        self.score_view.setItemDelegate(ChildDelegate(SCORE_COLUMNS, self.score_view))
        self.score_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.score_view.verticalHeader().hide()
        for i, column in enumerate(SCORE_COLUMNS):
            self.score_view.setColumnWidth(i, column.width)
        self.score_view.horizontalHeader().setStretchLastSection(True)
        self.score_view.setMaximumHeight(190)
        layout.addWidget(self.score_view)
        self.score_error = QLabel()
        self.score_error.setStyleSheet(error_style())
        self.score_error.setWordWrap(True)
        self.score_error.hide()
        layout.addWidget(self.score_error)
        self._error_labels["scores"] = self.score_error
        self.scores.dataChanged.connect(lambda *_: self._refresh_score_error())
        kpis = QGridLayout()
        self.kpi: dict[str, CountBox] = {}
        for i, (key, text) in enumerate(KPI_FIELDS):
            box = CountBox()
            box.valueChanged.connect(self._timer.start)
            self.kpi[key] = box
            kpis.addWidget(QLabel(self.tr(text)), i // 2, (i % 2) * 2)
            kpis.addWidget(box, i // 2, (i % 2) * 2 + 1)
        layout.addLayout(kpis)
        self.kpi_error = QLabel()
        self.kpi_error.setStyleSheet(error_style())
        self.kpi_error.setWordWrap(True)
        self.kpi_error.hide()
        layout.addWidget(self.kpi_error)
        for key, _text in KPI_FIELDS:
            self._error_labels[key] = self.kpi_error
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-size: 13px; padding: 4px;")
        layout.addWidget(self.summary)
        self.chart = ChartView(self.tr("Score the criteria to see the scorecard."))
        self.chart.setMinimumHeight(200)
        layout.addWidget(self.chart, 1)
        self.tabs.addTab(page, self.tr("&Scorecard && KPIs"))
        self.watch_tab("scores", self.tabs.count() - 1)
        for key, _text in KPI_FIELDS:
            self.watch_tab(key, self.tabs.count() - 1)
        for signal in (self.scores.dataChanged, self.scores.rowsInserted):
            signal.connect(self._timer.start)

    def _build_decision(self) -> None:
        form = self.new_form_tab(self.tr("Decision && si&gn-off"))
        self.recommendation = QLabel()
        form.addRow(self.tr("Recommended"), self.recommendation)
        self.decision = self.add_field(form, self.tr("Final &decision"), choice_box(
            [("", self.tr("— not decided —")), *labelled(rules.STATUSES)]), "decision")

        def notes(text: str, key: str) -> QPlainTextEdit:
            edit = QPlainTextEdit()
            edit.setFixedHeight(60)
            edit.setTabChangesFocus(True)
            return self.add_field(form, text, edit, key)

        self.strengths = notes(self.tr("Strengths"), "strengths")
        self.weaknesses = notes(self.tr("Weaknesses"), "weaknesses")
        self.comments = notes(self.tr("Comments"), "comments")
        self.approved_by = self.add_field(form, self.tr("Approved by"), QLineEdit(),
                                          "approved_by")
        self.approved_on = self.add_field(form, self.tr("Approved on"), DateEdit(optional=True),
                                          "approved_on")
        note = QLabel(self.tr("Approving locks the review and sets the supplier's status to "
                              "the final decision; a correction is a new review."))
        note.setWordWrap(True)
        note.setStyleSheet(colours.text_style(colours.MUTED))
        form.addRow("", note)
        self.locked_label = QLabel()
        self.locked_label.setStyleSheet("font-weight: 600; " + colours.text_style(colours.ACCENT))
        self.locked_label.hide()
        self.main_layout.insertWidget(1, self.locked_label)
        if isinstance(form, QFormLayout):
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)

    # --- loading and reading back -------------------------------------------------------------
    def _load(self, record: ReviewRecord) -> None:
        self.period_from.set_value(record.period_from)
        self.period_to.set_value(record.period_to)
        self.review_date.set_value(record.review_date, self._today)
        self.reviewer.setText(record.reviewer)
        select_value(self.kind, record.kind)
        for key, box in self.kpi.items():
            box.set_count(getattr(record, key))
        select_value(self.decision, record.decision)
        for key in ("strengths", "weaknesses", "comments"):
            getattr(self, key).setPlainText(getattr(record, key))
        self.approved_by.setText(record.approved_by)
        self.approved_on.set_value(record.approved_on)

    def _lock(self) -> None:
        self.locked_label.setText(self.tr(
            "Approved by %1 on %2 — this review is locked. Record a correction as a new "
            "review.").replace("%1", self._record.approved_by).replace(
            "%2", str(self._record.approved_on)))
        self.locked_label.show()
        for tab in range(3):
            page = self.tabs.widget(tab)
            if page is not None:
                page.setEnabled(False)
        self.score_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.buttons.button(self.buttons.StandardButton.Save).hide()
        self.buttons.button(self.buttons.StandardButton.Cancel).setText(self.tr("Close"))

    def set_approver(self, refusal: str, signer: str = "") -> None:
        """Approving needs the approver role: without it the approval fields are disabled
        and say why (``refusal``); on a team's server the approver is ``signer``, the staff
        name of the server login, not typed."""
        if self._record.locked:
            return
        if refusal:
            for widget in (self.approved_by, self.approved_on):
                widget.setEnabled(False)
                widget.setToolTip(refusal)
        elif signer:  # filled in when the review is approved (a draft names no approver)
            self.approved_by.clear()
            self.approved_by.setPlaceholderText(signer)
            self.approved_by.setReadOnly(True)
            self.approved_by.setToolTip(self.tr(
                "On a team's server the approver is the person signed in; the approval "
                "records their login, the time and a hash of the review."))

    def value(self) -> ReviewRecord:
        commit_open_editor(self.score_view)
        # Any: mypy cannot match keys known only at run time to the record's fields.
        counts: dict[str, Any] = {key: box.count() for key, box in self.kpi.items()}
        return dataclasses.replace(
            self._record, period_from=self.period_from.value(), period_to=self.period_to.value(),
            review_date=self.review_date.value(), reviewer=self.reviewer.text(),
            kind=self.kind.currentData(), scores=self.scores.items(),
            **counts,
            decision=self.decision.currentData() or "",
            strengths=self.strengths.toPlainText(), weaknesses=self.weaknesses.toPlainText(),
            comments=self.comments.toPlainText(), approved_by=self.approved_by.text(),
            approved_on=self.approved_on.value())

    def plausibility(self, record: ReviewRecord) -> dict[str, str]:
        return {} if record.locked else review_warnings(record, self._certificates,
                                                         self._bands, self._today)

    def show_child_errors(self, errors: dict[str, str]) -> None:
        rows, rest = self.row_errors(errors, "scores")
        self.scores.set_errors(rows)
        if rows:
            self.score_error.setText("\n".join(rows.values()))
            self.score_error.show()
        super().show_child_errors(rest)

    def _refresh_score_error(self) -> None:
        """A score edited since Save: its row's message goes, the others stay."""
        rows = self.scores.errors()
        if self.score_error.isHidden() or self.score_error.text() == "\n".join(rows.values()):
            return
        self.score_error.setText("\n".join(rows.values()))
        self.score_error.setVisible(bool(rows))

    # --- the live scorecard ---------------------------------------------------------------------
    def input_problems(self) -> list[str]:
        """What the rules refuse in the scores and counts typed so far (the same messages
        Save shows): while there is any, the scorecard has no result to show."""
        record = self.value()
        found = rules.validate_review(record, self._today, False)
        return [message for key, message in found.items()
                if key.startswith("scores[") or key in self.kpi]

    def update_summary(self) -> None:
        record = self.value()
        problems = self.input_problems()
        if problems:  # a total from clamped or skipped values would be a wrong result
            text = self.tr("No result until these are corrected:")
            self.summary.setText(f"<b>⚠ {escape(text)}</b><br>"
                                 + "<br>".join(escape(p) for p in problems))
            self.recommendation.setText(self.tr("— (correct the scores and counts first)"))
            self.chart.show_message(self.tr("Correct the scores and counts to see the "
                                            "scorecard."))
            return
        valid = [s for s in record.scores
                 if s.score is None or isinstance(s.score, int | float)]
        try:
            summary = summarise(dataclasses.replace(record, scores=valid), self._bands)
        except ValueError:  # a score outside 0-100 or a count that cannot be: Save says which
            self.summary.setText(self.tr("Check the highlighted values."))
            return
        score = summary.score
        total = rules.format_total(score.total)
        band = summary.band or rules.NO_DATA
        recommended = label(summary.recommended or "") or NOTHING
        text = (f"<b>Total {total}</b> · band <b>{band}</b> · recommended: "
                f"<b>{recommended}</b><br>On-time delivery {_percent(summary.on_time_pct)} · "
                f"lot acceptance {_percent(summary.lot_acceptance_pct)} · defects "
                f"{_ppm(summary.defect_ppm)}")
        if score.note:
            text += f"<br><i>{score.note}</i>"
        self.summary.setText(text)
        self.recommendation.setText(f"{recommended} (band {band}, total {total})")
        self._draw(record, score.total, summary.band, score.note)

    def _draw(self, record: ReviewRecord, total: float | None, band: str | None,
              note: str) -> None:
        from qmsdesk.reports.charts_suppliers import scorecard

        rows = [(f"{s.criterion}", float(s.weight),
                 float(s.score) if isinstance(s.score, int | float) else None)
                for s in record.scores]
        self.chart.set_figure(scorecard(rows, total, band, note))
