"""Editor for one risk or opportunity (ISO 9001 6.1): rating from the organisation's matrix,
treatment, sources, the effectiveness evaluation (6.1.2 b), review dates and actions."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtWidgets import (
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from qmsdesk.services.labels import label
from qmsdesk.services.numbers import NOTHING
from qmsdesk.services.risks import rules
from qmsdesk.services.risks.choices import SourceChoices
from qmsdesk.services.risks.records import RiskRecord
from qmsdesk.ui import colours
from qmsdesk.ui.dialogs.context_dialog import end_form, text_box
from qmsdesk.ui.dialogs.record_dialog import RecordDialog
from qmsdesk.ui.dialogs.review_fields import ReviewFields
from qmsdesk.ui.pick_list import PickList
from qmsdesk.ui.widgets import DateEdit, choice_box, labelled, select_value

LIKELIHOOD_WORDS = ("rare", "unlikely", "possible", "likely", "almost certain")
IMPACT_WORDS = ("minor", "moderate", "significant", "major", "severe")
NOT_RATED = 0  # a residual spin box's NOTHING: not rated after treatment yet


def rating_text(likelihood: int | None, impact: int | None, matrix: rules.Matrix) -> str:
    """"High · 16 (4 × 4)", or "" when either value is off the scale."""
    if not rules.on_scale(likelihood) or not rules.on_scale(impact):
        return ""
    assert likelihood is not None and impact is not None
    level = rules.rating(likelihood, impact, matrix)
    return f"{label(level)} · {rules.score(likelihood, impact)} ({likelihood} × {impact})"


def rating_style(level: str) -> str:
    tone = colours.RISK_TONES.get(level, colours.NEUTRAL)
    return (colours.cell_style(tone) + " border: 1px solid palette(mid); border-radius: 3px; "
            "padding: 2px 8px; font-weight: 600;")


@dataclasses.dataclass
class RiskContext:
    """What the editor offers and shows: the matrix, the sources to choose from, owners,
    and the page-supplied list of the record's actions."""

    matrix: rules.Matrix = rules.DEFAULT_MATRIX
    sources: SourceChoices = dataclasses.field(default_factory=SourceChoices)
    owners: Sequence[str] = ()
    actions: QWidget | None = None


def _scale_box(words: Sequence[str], optional: bool = False) -> QSpinBox:
    box = QSpinBox()
    box.setRange(NOT_RATED if optional else 1, 5)
    if optional:
        box.setSpecialValueText(NOTHING)
    box.setToolTip("\n".join(f"{n} = {word}" for n, word in enumerate(words, 1)))
    return box


class RiskDialog(RecordDialog):
    def __init__(self, record: RiskRecord, save: Callable[[RiskRecord], RiskRecord],
                 today: date, context: RiskContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Risk or opportunity"), save, parent)
        self._record = record
        self._today = today
        self._matrix = context.matrix
        self.resize(900, 700)
        self._build_details(context.owners)
        self._build_rating()
        self._build_sources(context.sources, record)
        self._build_evaluation()
        if context.actions is not None:  # the actions raised from it (page-supplied)
            self.add_actions_tab(context.actions, self.tr("&Actions"))
        self._load(record)
        self.start_tracking()
        self.title.setFocus()

    # --- building -----------------------------------------------------------------------
    def _build_details(self, owners: Sequence[str]) -> None:
        form = self.new_form_tab(self.tr("&Details"))
        self.kind = self.add_field(form, self.tr("&Kind"), choice_box(labelled(rules.KINDS)),
                                   "kind")
        self.title = self.add_field(form, self.tr("&Title *"), QLineEdit(), "title")
        self.description = self.add_field(form, self.tr("Descr&iption"), text_box(),
                                          "description")
        self.processes = self.add_field(form, self.tr("&Processes"), text_box(2), "processes")
        self.processes.setPlaceholderText(self.tr("The processes it concerns, one a line"))
        self.cause = self.add_field(form, self.tr("&Cause"), text_box(2), "cause")
        self.consequence = self.add_field(form, self.tr("Co&nsequence"), text_box(2),
                                          "consequence")
        self.owner = self.add_field(form, self.tr("&Owner"), QLineEdit(), "owner")
        if owners:
            self.owner.setCompleter(QCompleter(sorted(set(owners)), self))
        end_form(form)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())

    def _scale_field(self, form: QFormLayout, caption: str, words: Sequence[str],
                     key: str) -> QSpinBox:
        row_widget = QWidget()
        row = QHBoxLayout(row_widget)
        row.setContentsMargins(0, 0, 0, 0)
        box = _scale_box(words)
        hint = QLabel()
        row.addWidget(box)
        row.addWidget(hint, 1)
        box.valueChanged.connect(lambda value: hint.setText(words[value - 1]))
        self.add_field(form, caption, row_widget, key)
        return box

    def _build_rating(self) -> None:
        form = self.new_form_tab(self.tr("&Rating && treatment"))
        self.likelihood = self._scale_field(form, self.tr("&Likelihood (1–5)"),
                                            LIKELIHOOD_WORDS, "likelihood")
        self.impact = self._scale_field(form, self.tr("&Impact (1–5)"), IMPACT_WORDS, "impact")
        self.rating = QLabel()
        self.rating.setObjectName("rating")
        rating_row = QHBoxLayout()
        rating_row.addWidget(self.rating)
        rating_row.addStretch(1)
        form.addRow(self.tr("Score and rating"), rating_row)
        self.treatment = self.add_field(form, self.tr("Treat&ment"), choice_box([]),
                                        "treatment")
        self.rationale = self.add_field(form, self.tr("Ratio&nale"), text_box(),
                                        "treatment_rationale")
        self.rationale.setPlaceholderText(self.tr(
            "Why this treatment; required when a risk is accepted or an opportunity declined"))
        residual = QWidget()
        row = QHBoxLayout(residual)
        row.setContentsMargins(0, 0, 0, 0)
        self.residual_likelihood = _scale_box(LIKELIHOOD_WORDS, optional=True)
        self.residual_impact = _scale_box(IMPACT_WORDS, optional=True)
        self.residual_rating = QLabel()
        self.residual_rating.setObjectName("residual_rating")
        for caption, box in ((self.tr("Likelihood"), self.residual_likelihood),
                             (self.tr("Impact"), self.residual_impact)):
            row.addWidget(QLabel(caption))
            row.addWidget(box)
            row.addSpacing(8)
        row.addWidget(self.residual_rating)
        row.addStretch(1)
        self.add_field(form, self.tr("A&fter treatment"), residual, "residual_likelihood")
        self._error_labels["residual_impact"] = self._error_labels["residual_likelihood"]
        note = QLabel(self.tr("Leave both at — until the treatment is in place and the "
                              "risk or opportunity has been rated again."))
        note.setWordWrap(True)
        note.setStyleSheet(colours.text_style(colours.MUTED))
        form.addRow("", note)
        end_form(form)
        for box in (self.likelihood, self.impact, self.residual_likelihood,
                    self.residual_impact):
            box.valueChanged.connect(lambda _v: self._show_rating())

    def _build_sources(self, sources: SourceChoices, record: RiskRecord) -> None:
        form = self.new_form_tab(self.tr("So&urces"))
        intro = QLabel(self.tr("Where it comes from (6.1.1): the context issues and the "
                               "interested parties' requirements that raise it, and the "
                               "suppliers it concerns."))
        intro.setWordWrap(True)
        form.addRow(intro)
        self.issues = self.add_field(form, self.tr("Context &issues"), PickList(
            (self.tr("issue"), self.tr("issues")),
            self.tr("No context issues yet: record them on the Context page.")),
            "context_issue_ids")
        self.requirements = self.add_field(form, self.tr("Re&quirements"), PickList(
            (self.tr("requirement"), self.tr("requirements")),
            self.tr("No needs or expectations recorded for any interested party yet.")),
            "requirement_ids")
        self.suppliers = self.add_field(form, self.tr("Su&ppliers"), PickList(
            (self.tr("supplier"), self.tr("suppliers")),
            self.tr("No suppliers yet.")), "supplier_ids")
        for picker, choices, chosen, key in (
                (self.issues, sources.issues, record.context_issue_ids, "context_issue_ids"),
                (self.requirements, sources.requirements, record.requirement_ids,
                 "requirement_ids"),
                (self.suppliers, sources.suppliers, record.supplier_ids, "supplier_ids")):
            picker.set_choices(choices, chosen)
            picker.changed.connect(lambda key=key: self.clear_error(key))
        end_form(form)

    def _build_evaluation(self) -> None:
        form = self.new_form_tab(self.tr("Revie&w && evaluation"))
        heading = QLabel(self.tr("<b>Effectiveness of the treatment</b> (6.1.2 b)"))
        form.addRow(heading)
        self.evaluation_due = self.add_field(
            form, self.tr("Evaluation &planned"),
            DateEdit(optional=True, empty_text=self.tr("Not planned")), "evaluation_due")
        self.evaluated_on = self.add_field(
            form, self.tr("&Evaluated on"),
            DateEdit(optional=True, empty_text=self.tr("Not evaluated yet")), "evaluated_on")
        self.evaluated_by = self.add_field(form, self.tr("Evaluated &by"), QLineEdit(),
                                           "evaluated_by")
        self.effectiveness = self.add_field(form, self.tr("Effe&ctiveness"), choice_box(
            labelled(rules.EFFECTIVENESS, self.tr("Not evaluated yet"))), "effectiveness")
        self.evaluation_notes = self.add_field(form, self.tr("Evaluation &notes"),
                                               text_box(), "evaluation_notes")
        form.addRow(QLabel(self.tr("<b>Review</b>")))
        self.review = ReviewFields(self, form, self._today, rules.suggested_next_review,
                                   rules.MAX_INTERVAL_MONTHS)
        end_form(form)

    # --- behaviour ----------------------------------------------------------------------
    def _kind_changed(self, treatment: str | None = None) -> None:
        """Treatments follow the kind: avoid/reduce/share/accept a risk, pursue/enhance/
        share/decline an opportunity."""
        kind = self.kind.currentData()
        keep = treatment if treatment is not None else self.treatment.currentData()
        self.treatment.clear()
        self.treatment.addItem(self.tr("Not decided yet"), "")
        for value in rules.TREATMENTS.get(kind, ()):
            self.treatment.addItem(label(value), value)
        select_value(self.treatment, keep)
        self._show_rating()

    def _show_rating(self) -> None:
        for target, likelihood, impact in (
                (self.rating, self.likelihood.value(), self.impact.value()),
                (self.residual_rating, self.residual_likelihood.value(),
                 self.residual_impact.value())):
            text = rating_text(likelihood, impact, self._matrix)
            if not text:
                target.setText(self.tr("Not rated") if target is self.residual_rating else "")
                target.setStyleSheet(colours.text_style(colours.MUTED))
                continue
            target.setText(text)
            target.setStyleSheet(rating_style(rules.rating(likelihood, impact, self._matrix)))

    # --- loading and reading back ---------------------------------------------------------
    def _load(self, record: RiskRecord) -> None:
        what = self.tr("New opportunity") if record.kind == "opportunity" \
            else self.tr("New risk")
        title = f"{record.ref} — {record.title}" if record.ref else what
        self.heading.setText(title + ("  (archived)" if record.status == "archived" else ""))
        self.kind.blockSignals(True)
        select_value(self.kind, record.kind)
        self.kind.blockSignals(False)
        self.title.setText(record.title)
        self.description.setPlainText(record.description)
        self.processes.setPlainText(record.processes)
        self.cause.setPlainText(record.cause)
        self.consequence.setPlainText(record.consequence)
        self.owner.setText(record.owner)
        self.likelihood.setValue(record.likelihood)
        self.impact.setValue(record.impact)
        self.residual_likelihood.setValue(record.residual_likelihood or NOT_RATED)
        self.residual_impact.setValue(record.residual_impact or NOT_RATED)
        self._kind_changed(record.treatment)
        self.rationale.setPlainText(record.treatment_rationale)
        self.evaluation_due.set_value(record.evaluation_due)
        self.evaluated_on.set_value(record.evaluated_on)
        self.evaluated_by.setText(record.evaluated_by)
        select_value(self.effectiveness, record.effectiveness)
        self.evaluation_notes.setPlainText(record.evaluation_notes)
        self.review.load(record.review_interval_months, record.last_review,
                         record.next_review)
        for box in (self.likelihood, self.impact):  # the hint beside it
            box.valueChanged.emit(box.value())

    def value(self) -> RiskRecord:
        def residual(box: QSpinBox) -> int | None:
            return None if box.value() == NOT_RATED else box.value()

        return dataclasses.replace(
            self._record, kind=self.kind.currentData(), title=self.title.text(),
            description=self.description.toPlainText(),
            processes=self.processes.toPlainText(), cause=self.cause.toPlainText(),
            consequence=self.consequence.toPlainText(), owner=self.owner.text(),
            likelihood=self.likelihood.value(), impact=self.impact.value(),
            treatment=self.treatment.currentData() or "",
            treatment_rationale=self.rationale.toPlainText(),
            residual_likelihood=residual(self.residual_likelihood),
            residual_impact=residual(self.residual_impact),
            context_issue_ids=self.issues.ids(), requirement_ids=self.requirements.ids(),
            supplier_ids=self.suppliers.ids(),
            evaluation_due=self.evaluation_due.value(), evaluated_on=self.evaluated_on.value(),
            evaluated_by=self.evaluated_by.text(),
            effectiveness=self.effectiveness.currentData() or "",
            evaluation_notes=self.evaluation_notes.toPlainText(),
            **self.review.values())  # type: ignore[arg-type]
