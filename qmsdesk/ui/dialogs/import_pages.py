"""The pages of the import dialog: columns to map, problems found, ready to import."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qmsdesk.services.labels import plural
from qmsdesk.ui import colours
from qmsdesk.ui.dialogs.record_dialog import error_style, warning_style
from qmsdesk.ui.formatting import format_date
from qmsdesk.ui.table_model import Column, RecordFilterProxy, RecordTableModel

if TYPE_CHECKING:
    from qmsdesk.services.exchange.adapters import Problem



def muted_style() -> str:
    """Secondary text, readable in a light and a dark palette (asked when a label is made)."""
    return colours.text_style(colours.MUTED)
SAMPLE_CHARS = 40
REFS_SHOWN = 12


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sample_text(value: object) -> str:
    """A raw cell as a person reads it: dates in their format, the first line of text."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_date(value.date()) if value.time() == time() else \
            f"{format_date(value.date())} {value:%H:%M}"
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    text = lines[0] + (" …" if len(lines) > 1 else "") if lines else ""
    return text if len(text) <= SAMPLE_CHARS else text[:SAMPLE_CHARS - 1].rstrip() + "…"


def text_label(text: str = "", style: str = "", wrap: bool = True) -> QLabel:
    widget = QLabel(text)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if style:
        widget.setStyleSheet(style)
    return widget


class ElidedLabel(QLabel):
    """One line of text that ends in "…" where the column ends, instead of widening it."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)

    def paintEvent(self, _event: Any) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight,
                                             self.contentsRect().width())
        painter.drawText(self.contentsRect(), int(self.alignment()), text)


# --- page 1: columns ----------------------------------------------------------------------------
class SheetMapping(QWidget):
    """One table found in the file: per file column, where it goes, with sample values."""

    changed = Signal()

    def __init__(self, preview: Any, required: Sequence[str], chosen: Mapping[str, str],
                 file_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = preview
        self.required = tuple(required)
        self.combos: dict[str, QComboBox] = {}
        layout = QVBoxLayout(self)
        rows = preview.rows
        # file_name: "Sheet 'X' of file.xlsx", or the CSV file the table was read from
        where = file_name
        layout.addWidget(text_label(self.tr("%1: %2 → %3").replace("%1", where).replace(
            "%2", plural(rows, "data row")).replace("%3", preview.sheet.table.title)))
        headers = [h for h in preview.headers if h]
        unknown = [h for h in headers if h not in preview.mapping]
        self.unknown_label = text_label(style=warning_style())
        if unknown:
            self.unknown_label.setText(self.tr(
                "%s not recognised: choose where they go or leave them out.")
                % plural(len(unknown), "column"))
        self.unknown_label.setVisible(bool(unknown))
        layout.addWidget(self.unknown_label)
        self.problem_label = text_label(style=error_style())
        self.problem_label.hide()
        layout.addWidget(self.problem_label)
        self.missing_label = text_label(style=warning_style())
        self.missing_label.hide()
        layout.addWidget(self.missing_label)
        layout.addWidget(self._grid(headers, chosen), 1)
        self._update()

    def _grid(self, headers: Sequence[str], chosen: Mapping[str, str]) -> QScrollArea:
        body = QWidget()
        grid = QGridLayout(body)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(6)
        for column, text in enumerate((self.tr("Column in your file"), self.tr("Imports into"),
                                       self.tr("Sample values"))):
            heading = text_label(text, "font-weight: 600;", wrap=False)
            grid.addWidget(heading, 0, column)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        grid.addWidget(line, 1, 0, 1, 3)
        positions = {h: i for i, h in enumerate(self.preview.headers)}
        for row, header in enumerate(headers, start=2):
            name = QLabel()
            name.setTextFormat(Qt.TextFormat.RichText)
            known = header in self.preview.mapping
            name.setText(_escape(header) if known else
                         f"<i>{_escape(header)}</i> <span style='{muted_style()}'>"
                         f"{self.tr('— not recognised')}</span>")
            name.setToolTip(self.tr("Header in the file: %s") % header)
            grid.addWidget(name, row, 0)
            combo = QComboBox()
            combo.setObjectName(f"target_{header}")
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.addItem(self.tr("— not imported —"), "")
            for target in self.preview.choices:
                text = target + (self.tr(" (required)") if target in self.required else "")
                combo.addItem(text, target)
            combo.setCurrentIndex(max(0, combo.findData(chosen.get(header, ""))))
            combo.currentIndexChanged.connect(self._update)
            self.combos[header] = combo
            grid.addWidget(combo, row, 1)
            values = self._samples(positions[header])
            sample = ElidedLabel(" · ".join(values))
            sample.setStyleSheet(muted_style())
            sample.setToolTip("\n".join(values))
            grid.addWidget(sample, row, 2)
        grid.setColumnStretch(2, 1)
        grid.setRowStretch(len(headers) + 2, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        return scroll

    def _samples(self, index: int, wanted: int = 2) -> list[str]:
        values: list[str] = []
        for cells in self.preview.sample:
            text = sample_text(cells[index]) if index < len(cells) else ""
            if text and text not in values:
                values.append(text)
            if len(values) == wanted:
                break
        return values

    def mapping(self) -> dict[str, str]:
        """File header -> register header, for the columns to import."""
        return {h: c.currentData() for h, c in self.combos.items() if c.currentData()}

    def problem(self) -> str:
        """Why this table cannot be checked as mapped, or ""."""
        by_target: dict[str, list[str]] = {}
        for header, target in self.mapping().items():
            by_target.setdefault(target, []).append(header)
        doubles = {t: hs for t, hs in by_target.items() if len(hs) > 1}
        if doubles:
            target, headers = next(iter(doubles.items()))
            return self.tr("%1 columns go into %2 (%3): choose one.").replace(
                "%1", str(len(headers))).replace("%2", target).replace(
                "%3", ", ".join(f"'{h}'" for h in headers))
        if not by_target:
            return self.tr("No column is imported from this table: choose at least one.")
        return ""

    def _update(self) -> None:
        problem = self.problem()
        self.problem_label.setText(problem)
        self.problem_label.setVisible(bool(problem))
        targets = set(self.mapping().values())
        missing = [t for t in self.required if t not in targets]
        self.missing_label.setText(self.tr(
            "No column goes into %s: records the file adds need it.") % ", ".join(missing))
        self.missing_label.setVisible(bool(missing) and not problem)
        self.changed.emit()


class ColumnsPage(QWidget):
    """Page 1: a tab per table found in the file, and what the file holds besides."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.intro = text_label()
        layout.addWidget(self.intro)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        layout.addWidget(self.tabs, 1)
        self.notes = text_label(style=muted_style())
        layout.addWidget(self.notes)
        self.sheets: dict[str, SheetMapping] = {}

    def show_previews(self, previews: Sequence[Any], ignored_sheets: Sequence[str],
                      missing_tables: Sequence[str], chosen: Mapping[str, Mapping[str, str]],
                      required: Mapping[str, Sequence[str]], where: Mapping[str, str],
                      remembered: Sequence[str]) -> None:
        self.tabs.clear()
        self.sheets.clear()
        for preview in previews:
            name = preview.sheet.name
            sheet = SheetMapping(preview, required.get(name, ()), chosen.get(name, {}),
                                 where[name])
            sheet.changed.connect(self.changed)
            self.sheets[name] = sheet
            self.tabs.addTab(sheet, f"{preview.sheet.table.title} ({preview.rows})")
        self.intro.setText(self.tr(
            "Choose where each column of the file goes. Columns left as “— not imported —” "
            "are skipped. Nothing is written until you press Import.") + (
            " " + self.tr("The columns you chose last time for this layout are selected.")
            if remembered else ""))
        notes = []
        if ignored_sheets:
            notes.append(self.tr("Sheets not used: %s.") % ", ".join(
                f"'{s}'" for s in ignored_sheets))
        if missing_tables:
            notes.append(self.tr("Tables not in this file: %s.") % ", ".join(
                missing_tables))
        self.notes.setText(" ".join(notes))
        self.notes.setVisible(bool(notes))
        self.changed.emit()

    def mapping(self) -> dict[str, dict[str, str]]:
        return {name: sheet.mapping() for name, sheet in self.sheets.items()}

    def problem(self) -> str:
        for sheet in self.sheets.values():
            problem = sheet.problem()
            if problem:
                return f"{sheet.preview.sheet.table.title}: {problem}"
        return ""


# --- page 2: problems ---------------------------------------------------------------------------
PROBLEM_COLUMNS: list[Column[Problem]] = [
    Column("Sheet", lambda p: p.sheet),
    Column("Row", lambda p: "" if p.row is None else str(p.row),
           sort_key=lambda p: p.row or 0,
           align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
    Column("Column", lambda p: p.column),
    Column("Message", lambda p: p.message, tooltip=lambda p: p.message),
]


class ProblemsPage(QWidget):
    """Page 2: every problem, where a person finds it; the report to copy or save."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = text_label(style="font-weight: 600;" + error_style())
        layout.addWidget(self.heading)
        layout.addWidget(text_label(self.tr(
            "Nothing was imported. Correct the file (row numbers are as your spreadsheet "
            "shows them) and import again.")))
        self.model = RecordTableModel(PROBLEM_COLUMNS, self)
        self.proxy = RecordFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        # Unsorted at first: the importer's order (by sheet, then row); a click sorts.
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(24)
        header = self.view.horizontalHeader()
        for column, width in enumerate((110, 56, 170)):
            self.view.setColumnWidth(column, width)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.view, 1)
        self.more_label = text_label(style=warning_style())  # when not every problem is listed
        self.more_label.hide()
        layout.addWidget(self.more_label)
        copy_shortcut = QShortcut(QKeySequence.StandardKey.Copy, self.view)
        copy_shortcut.activated.connect(self.copy_selected)
        buttons = QHBoxLayout()
        self.copy_button = QPushButton(self.tr("&Copy report"))
        self.copy_button.setToolTip(self.tr("Put the whole report on the clipboard"))
        self.copy_button.clicked.connect(self.copy_report)
        self.save_button = QPushButton(self.tr("&Save report…"))
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.report = ""

    def show_problems(self, refused: Any) -> None:
        """Each problem names the sheet (or CSV file) as the person sees it."""
        problems = list(refused.problems)
        self.report = refused.report()
        self.heading.setText(str(refused))
        self.model.set_rows(problems)
        more = getattr(refused, "more", 0)
        self.more_label.setText(self.tr(
            "The first %1 are listed, and %2 more are not: correct these, check the file "
            "again, and the next ones are listed.").replace("%1", str(len(problems))).replace(
            "%2", str(more)))
        self.more_label.setVisible(more > 0)
        for column, most in ((0, 200), (2, 220)):
            self.view.resizeColumnToContents(column)
            self.view.setColumnWidth(column, min(max(self.view.columnWidth(column), 70), most))

    def copy_report(self) -> None:
        QApplication.clipboard().setText(self.report)

    def copy_selected(self) -> None:
        """Ctrl+C: the selected rows, tab-separated, as a spreadsheet pastes them."""
        rows = sorted({i.row() for i in self.view.selectionModel().selectedIndexes()})
        lines = []
        for row in rows:
            problem = self.model.row_at(self.proxy.mapToSource(self.proxy.index(row, 0)).row())
            lines.append("\t".join(c.text(problem) for c in PROBLEM_COLUMNS))
        if lines:
            QApplication.clipboard().setText("\n".join(lines))


# --- page 3: ready --------------------------------------------------------------------------------
def _refs(refs: Sequence[str]) -> str:
    shown = ", ".join(refs[:REFS_SHOWN])
    return shown + (f" … (+{len(refs) - REFS_SHOWN})" if len(refs) > REFS_SHOWN else "")


class ReadyPage(QWidget):
    """Page 3: what the import will do, as the check found it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = text_label(style="font-weight: 600;")
        layout.addWidget(self.heading)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.summary)
        layout.addWidget(scroll, 1)

    def show_result(self, result: Any, file_name: str) -> bool:
        """Show the dry run's result; False when there is nothing to import."""
        changes = bool(result.created or result.updated)
        self.heading.setText(
            self.tr("The check found no problems in %s. Nothing has been written yet.")
            % file_name if changes else
            self.tr("Nothing to import: every record in %s is already in the register "
                    "as it is.") % file_name)
        items = []
        if result.created:
            items.append(self.tr("<b>Will create %1:</b> %2").replace(
                "%1", plural(len(result.created), "record")).replace(
                "%2", _escape(_refs(result.created))))
        if result.updated:
            items.append(self.tr("<b>Will update %1:</b> %2").replace(
                "%1", plural(len(result.updated), "record")).replace(
                "%2", _escape(_refs(result.updated))))
        if result.unchanged:
            items.append(self.tr("<b>Unchanged:</b> %s (already in the register as in the "
                                 "file)") % plural(len(result.unchanged), "record"))
        text = "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"
        if result.ignored:
            text += "<p><b>" + self.tr("Not imported:") + "</b></p><ul>" + "".join(
                f"<li>{_escape(what)}</li>" for what in result.ignored) + "</ul>"
        if changes:
            text += "<p>" + self.tr(
                "Import writes everything in one go, or nothing; every change is kept in "
                "the audit trail.") + "</p>"
        self.summary.setText(text)
        return changes
