"""The editor shell all registers share: errors by fields, save, conflicts, unsaved changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qmsdesk.ui import colours, write_access


def error_style() -> str:
    """A message's style: the palette's readable red (light or dark), read when shown."""
    return colours.text_style(colours.BAD)


def warning_style() -> str:
    """A plausibility warning's style: the palette's readable amber, not the error red."""
    return colours.text_style(colours.WARNING)


def message_label(key: str, kind: str, style: str) -> QLabel:
    """The hidden, wrapping line under a field for its ``kind`` of message (error, warning)."""
    label = QLabel()
    label.setObjectName(f"{kind}_{key}")
    label.setStyleSheet(style)
    label.setWordWrap(True)
    label.hide()
    return label

W = TypeVar("W", bound=QWidget)
SAVED_MS = 5000
# Switch tabs from anywhere in the editor, a child table included (a table view takes
# Ctrl+Tab for itself).
TAB_KEYS = (("Ctrl+Tab", 1), ("Ctrl+PgDown", 1), ("Ctrl+Shift+Tab", -1), ("Ctrl+Backtab", -1),
            ("Ctrl+PgUp", -1))


def focus_target(widget: QWidget) -> QWidget:
    """The widget that should take the focus for a field: itself, or for a row of several
    widgets, the first one that takes keyboard focus."""
    if widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
        return widget
    for child in widget.findChildren(QWidget):
        if child.focusPolicy() & Qt.FocusPolicy.TabFocus and child.isEnabledTo(widget):
            return child
    return widget


def on_edit(widget: QWidget, callback: Callable[[], object]) -> None:
    """Call ``callback`` when the person changes ``widget`` (or a widget inside it)."""
    for part in (widget, *widget.findChildren(QWidget)):
        if isinstance(part, QLineEdit):
            part.textEdited.connect(callback)
        elif isinstance(part, QPlainTextEdit):
            part.textChanged.connect(callback)
        elif isinstance(part, QComboBox):
            part.activated.connect(callback)
        elif isinstance(part, QDateTimeEdit):
            part.dateChanged.connect(callback)
        elif isinstance(part, QAbstractSpinBox):
            getattr(part, "valueChanged", part.editingFinished).connect(callback)
        elif isinstance(part, QAbstractButton) and part.isCheckable():
            part.toggled.connect(callback)


class RecordDialog(QDialog):
    """Subclasses build fields with ``add_field`` and implement ``value()``.

    ``save`` is the page's callable: it asks the service to save the dataclass and returns
    the saved record, or raises ValidationError / ConflictError / NotFoundError. The dialog
    itself never touches the database.
    """

    def __init__(self, title: str, save: Callable[[Any], Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._save = save
        self._error_labels: dict[str, QLabel] = {}
        self._warning_labels: dict[str, QLabel] = {}
        self._warned: dict[str, str] = {}  # the warnings shown at the last Save
        self._field_tabs: dict[str, int] = {}
        self._fields: list[QWidget] = []
        self._initial: Any = None
        self.saved: Any = None
        self.reload_requested = False
        layout = self.main_layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.heading)
        self.general_error = QLabel()
        self.general_error.setStyleSheet(error_style())
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        layout.addWidget(self.general_error)
        self.general_warning = message_label("general", "warning", warning_style())
        layout.addWidget(self.general_warning)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        write_access.writes(self.buttons.button(QDialogButtonBox.StandardButton.Save))
        layout.addWidget(self.buttons)
        save_shortcut = QShortcut(QKeySequence("Ctrl+S"), self)
        save_shortcut.activated.connect(self.accept)
        for keys, step in TAB_KEYS:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(lambda step=step: self.step_tab(step))

    def step_tab(self, step: int) -> None:
        """The next (1) or previous (-1) tab, wrapping round, skipping disabled ones."""
        count = self.tabs.count()
        index = self.tabs.currentIndex()
        for _ in range(count):
            index = (index + step) % count
            if self.tabs.isTabEnabled(index):
                self.tabs.setCurrentIndex(index)
                return

    # --- building -----------------------------------------------------------------------
    def new_form_tab(self, title: str) -> QFormLayout:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.tabs.addTab(page, title)
        return form

    def add_field(self, form: QFormLayout, label: str, widget: W, key: str) -> W:
        """A labelled field with its own error line below it."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        error = message_label(key, "error", error_style())
        column.addWidget(error)
        self._warning_labels[key] = message_label(key, "warning", warning_style())
        column.addWidget(self._warning_labels[key])
        # The caption's Alt+letter goes to the field itself: a label made by addRow(text, box)
        # has the box, which takes no focus, as its buddy.
        caption = QLabel(label)
        target = focus_target(widget)
        caption.setBuddy(target)
        box.setFocusProxy(target)
        form.addRow(caption, box)
        self._fields.append(widget)
        self.watch_tab(key, self.tabs.count() - 1)
        self._error_labels[key] = error
        on_edit(widget, lambda: self.clear_error(key))
        return widget

    def clear_error(self, key: str) -> None:
        """The field was edited: its messages no longer describe what it holds."""
        for label in (self._error_labels.get(key), self._warning_labels.get(key)):
            if label is not None and not label.isHidden():
                label.clear()
                label.hide()

    def add_actions_tab(self, panel: QWidget, title: str) -> None:
        """The page-supplied list of the record's actions, as the last tab."""
        panel.setParent(self)
        self.tabs.addTab(panel, title)
        # Tests reach the panel as ``dialog.actions``, which shadows QWidget.actions().
        self.actions = panel  # type: ignore[method-assign,assignment]

    def add_evidence_tab(self, panel: QWidget, title: str) -> None:
        """The page-supplied evidence files of the record; files dropped anywhere on the
        editor go there."""
        panel.setParent(self)
        self.tabs.addTab(panel, title)
        self.evidence_panel: QWidget | None = panel
        self.setAcceptDrops(True)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        panel = getattr(self, "evidence_panel", None)
        if panel is not None:
            panel.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        panel = getattr(self, "evidence_panel", None)
        if panel is not None:
            self.tabs.setCurrentWidget(panel)
            panel.dropEvent(event)

    def watch_tab(self, key_prefix: str, tab: int) -> None:
        self._field_tabs[key_prefix] = tab

    def start_tracking(self) -> None:
        """Remember the loaded value, so Cancel can tell whether anything changed. (Called
        once the editor is built, its fields sized.)"""
        self._initial = self.value()
        self._keep_fields_by_their_labels()

    def _keep_fields_by_their_labels(self) -> None:
        """A text box given a fixed height still says it wants to grow: the form gave its
        row the spare height and the box floated to the row's middle, far from its caption.
        Fixed in height, its row stays as tall as the box and the spare space goes below
        the form."""
        for widget in self._fields:
            if 0 < widget.minimumHeight() == widget.maximumHeight():
                policy = widget.sizePolicy()
                policy.setVerticalPolicy(QSizePolicy.Policy.Fixed)
                widget.setSizePolicy(policy)

    # --- errors -------------------------------------------------------------------------
    def error_text(self, key: str) -> str:
        label = self._error_labels.get(key)
        return label.text() if label is not None and not label.isHidden() else ""

    def clear_errors(self) -> None:
        for label in self._error_labels.values():
            label.clear()
            label.hide()
        self.general_error.hide()
        self.show_child_errors({})

    def show_errors(self, errors: dict[str, str]) -> None:
        self.clear_errors()
        unplaced: dict[str, str] = {}
        first_tab: int | None = None
        for key, message in errors.items():
            label = self._error_labels.get(key)
            if label is not None:
                label.setText(message)
                label.show()
            else:
                unplaced[key] = message
            prefix = key.split("[")[0].split(".")[0]
            tab = self._field_tabs.get(key, self._field_tabs.get(prefix))
            if tab is not None and first_tab is None:
                first_tab = tab
        self.show_child_errors(unplaced)
        if first_tab is not None:
            self.tabs.setCurrentIndex(first_tab)

    @staticmethod
    def row_errors(errors: dict[str, str], key: str) -> tuple[dict[int, str], dict[str, str]]:
        """Split ``key[i].field`` messages off by row number; the rest are returned apart."""
        prefix = key + "["
        rows: dict[int, str] = {}
        for k, v in errors.items():
            if k.startswith(prefix):  # a row may have several: its date and its value
                row = int(k[len(prefix):k.index("]")])
                rows[row] = f"{rows[row]}\n{v}" if row in rows else v
        rest = {k: v for k, v in errors.items() if not k.startswith(prefix)}
        return rows, rest

    def show_child_errors(self, errors: dict[str, str]) -> None:
        """Errors of child rows (``requirements[2].description``); subclasses place them."""
        if errors:
            self.general_error.setText("\n".join(errors.values()))
            self.general_error.show()

    # --- plausibility warnings ---------------------------------------------------------------
    def plausibility(self, record: Any) -> dict[str, str]:
        """Values the rules accept but that are probably wrong (field -> message): the
        register's plausibility rules, asked by the editor that has them; none here."""
        return {}

    def stored(self) -> Any:
        """The record as loaded when it is a stored one (None for a new record): what the
        plausibility rules compare with, so a date already stored is not warned about again."""
        return self._initial if getattr(self._initial, "id", None) is not None else None

    def warning_text(self, key: str) -> str:
        label = self._warning_labels.get(key)
        return label.text() if label is not None and not label.isHidden() else ""

    def clear_warnings(self) -> None:
        for label in self._warning_labels.values():
            label.clear()
            label.hide()
        self.general_warning.hide()
        self._warned = {}
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Save"))

    def show_warnings(self, warnings: dict[str, str]) -> None:
        """Each warning by its field (in the warning tone, not as a popup), the rest and what
        to do above the tabs; Save becomes "Save anyway", which saves them as they are."""
        self.clear_warnings()
        self._warned = dict(warnings)
        unplaced = []
        for key, message in warnings.items():
            label = self._warning_labels.get(key)
            if label is None:
                unplaced.append(f"⚠ {message}")
            else:
                label.setText(f"⚠ {message}")
                label.show()
        self.general_warning.setText("\n".join([self.tr(
            "Some values look unusual (marked ⚠). Correct them, or press Save anyway to keep "
            "them as they are."), *unplaced]))
        self.general_warning.show()
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(
            self.tr("Save anyway"))
        tabs = [self._field_tabs[key] for key in warnings if key in self._field_tabs]
        if tabs:
            self.tabs.setCurrentIndex(tabs[0])

    # --- saving and leaving ----------------------------------------------------------------
    def value(self) -> Any:
        raise NotImplementedError

    def has_changes(self) -> bool:
        return self._initial is not None and self.value() != self._initial

    def showEvent(self, event: QShowEvent) -> None:
        """A viewer sees the record, not a way to change it: Save and every write action
        inside (its actions, its evidence files) disabled, saying why."""
        super().showEvent(event)
        write_access.guard(self)
        if reason := write_access.reason():
            self.general_warning.setText(reason)
            self.general_warning.show()

    def accept(self) -> None:
        from qmsdesk.errors import UserFacingError
        from qmsdesk.services.errors import ConflictError, NotFoundError, ValidationError

        if write_access.reason():  # Ctrl+S reaches here even with Save disabled
            return
        record = self.value()
        warnings = self.plausibility(record)
        if warnings != self._warned:  # new warnings are shown once; the same ones save
            if warnings:
                self.show_warnings(warnings)
                return
            self.clear_warnings()
        try:
            self.saved = self._save(record)
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        except ConflictError as exc:
            self._conflict(str(exc))
            return
        except NotFoundError as exc:
            QMessageBox.warning(self, self.tr("Record gone"), str(exc))
            return
        except UserFacingError as exc:  # the server stopped, a login without rights, busy
            QMessageBox.warning(self, self.tr("Not saved"), str(exc))
            return
        from qmsdesk.ui import undo

        undo.remember(self._initial, self.saved, self._save)  # Edit › Undo puts it back
        self._announce_saved()
        super().accept()

    def _announce_saved(self) -> None:
        """"Saved ACT-0007" in the main window's status bar, whichever page or editor opened
        this one (every editor says so, not only those a register page opens itself)."""
        ref = getattr(self.saved, "ref", "") or ""
        text = self.tr("Saved %s") % ref if ref else self.tr("Saved")
        widget: QWidget | None = self.parentWidget()
        while widget is not None and not isinstance(widget, QMainWindow):
            widget = widget.parentWidget()
        if widget is None:
            from PySide6.QtWidgets import QApplication

            widget = next((w for w in QApplication.topLevelWidgets()
                           if isinstance(w, QMainWindow) and w.isVisible()), None)
        if isinstance(widget, QMainWindow):
            widget.statusBar().showMessage(text, SAVED_MS)

    def _conflict(self, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Changed elsewhere"),
                          self.tr("%s\n\nReload discards your edits in this window and shows "
                                  "the saved version.") % message, parent=self)
        reload_button = box.addButton(self.tr("Reload"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Keep editing"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is reload_button:
            self.reload_requested = True
            super().reject()

    def reject(self) -> None:
        if self.has_changes():
            answer = QMessageBox.question(
                self, self.tr("Unsaved changes"),
                self.tr("Discard your changes to this record?"),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.has_changes():
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)
