"""The Suppliers page's loop with a supplier: its pack (scorecard, questionnaire, e-mail
draft) and the import of the questionnaire it returns."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence

from qmsdesk.services.user_settings import prepared_by
from qmsdesk.ui import report_runner
from qmsdesk.ui.errors import task_failed
from qmsdesk.ui.tasks import call, run_with_progress
from qmsdesk.ui.write_access import writes

if TYPE_CHECKING:
    from qmsdesk.reports.supplier_pack import SupplierPack
    from qmsdesk.services.outreach.answers import AnswersAccepted, QuestionnaireReturn
    from qmsdesk.ui.dialogs.answers_dialog import AnswersDialog
    from qmsdesk.ui.pages.base_page import RegisterPage
    from qmsdesk.ui.register_table import RegisterTable


def open_mail(url: str) -> bool:
    """Open an e-mail draft in the user's mail client (tests replace this)."""
    return QDesktopServices.openUrl(QUrl(url))


class SupplierOutreach:
    """The pack and answers actions of the Suppliers page (its row menu and menus)."""

    def __init__(self, page: RegisterPage, table: RegisterTable) -> None:
        self.page, self.table = page, table
        self.pack_action = QAction(page.tr("Supplier &pack…"), page)
        self.pack_action.setShortcut(QKeySequence("Ctrl+Shift+K"))
        self.pack_action.setToolTip(page.tr(
            "Write the supplier's scorecard (PDF) and self-assessment questionnaire (xlsx) "
            "into a folder and open an e-mail draft to send them"))
        self.pack_action.triggered.connect(self.write_pack)
        self.answers_action = QAction(page.tr("Import questionnaire &answers…"), page)
        self.answers_action.setToolTip(page.tr(
            "Read a supplier's returned questionnaire, take over its changes and file it"))
        self.answers_action.triggered.connect(self.import_answers)
        writes(self.answers_action)
        for action in self.actions():
            page.addAction(action)
        self.last_pack: SupplierPack | None = None
        self.dialog: AnswersDialog | None = None  # the answers shown (for tests)

    def actions(self) -> list[QAction]:
        return [self.pack_action, self.answers_action]

    def update(self, selected: bool) -> None:
        self.pack_action.setEnabled(selected)

    def write_pack(self) -> None:
        page = self.page
        row = self.table.selected_row()
        if row is None:
            return
        db, today, who = page.db, page.today, prepared_by()

        def task() -> Any:
            from qmsdesk.reports.supplier_pack import write_supplier_pack

            return write_supplier_pack(db, row.id, None, today, who)

        run_with_progress(page, page.tr("Writing the pack of %s") % row.ref, task,
                          self._pack_written, task_failed(page, page.tr(
                              "Supplier pack not written")))

    def _pack_written(self, pack: SupplierPack) -> None:
        page = self.page
        self.last_pack = pack
        report_runner.open_file(str(pack.folder), page)  # the files, ready to attach
        opened = open_mail(pack.mailto)
        if not pack.email:
            note = page.tr("no e-mail address is recorded for %s, so the draft has no "
                           "recipient") % pack.ref
        elif not opened:
            note = page.tr("no mail program opened the draft; write to %s") % pack.email
        else:
            note = page.tr("the e-mail draft is open in your mail program")
        page.window_.statusBar().showMessage(
            page.tr("Pack of %1 written to %2 (questionnaire round %3); %4.")
            .replace("%1", pack.ref).replace("%2", str(Path(pack.folder)))
            .replace("%3", str(pack.round)).replace("%4", note), 20000)
        page.stale = True  # the round is on its record

    # --- the return --------------------------------------------------------------------------
    def import_answers(self) -> None:
        path = report_runner.ask_returned_workbook(
            self.page, self.page.tr("Import questionnaire answers"))
        if path is not None:
            self.import_file(path)

    def import_file(self, path: Path) -> None:
        """Read the return on a worker, show it beside the record, record what is taken."""
        from qmsdesk.services.outreach.answers import read_answers

        page = self.page
        db = page.db
        run_with_progress(page, page.tr("Reading the answers"),
                          lambda: call(lambda: read_answers(db, path)),
                          lambda returned: self._review(path, returned),
                          task_failed(page, page.tr("Answers not imported")))

    def _review(self, path: Path, returned: QuestionnaireReturn) -> None:
        from qmsdesk.services.outreach.answers import accept_answers
        from qmsdesk.ui.dialogs.answers_dialog import AnswersDialog

        page = self.page
        dialog = AnswersDialog(returned, page)
        self.dialog = dialog
        if not dialog.exec():
            return
        keys, db, today = dialog.value(), page.db, page.today
        run_with_progress(page, page.tr("Recording the answers"),
                          lambda: call(lambda: accept_answers(db, path, returned, keys, today)),
                          self._accepted, task_failed(page, page.tr("Answers not imported")))

    def _accepted(self, done: AnswersAccepted) -> None:
        page = self.page
        page.window_.statusBar().showMessage(done.summary(), 20000)
        page.refresh(select_id=done.returned.supplier_id)
