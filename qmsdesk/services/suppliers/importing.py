"""Import adapter for the supplier register (ISO 9001 8.4): suppliers, certificates, status
history, reviews and their scores; what the other registers do, plus records (7.5):
the status history comes in for new suppliers only, checked with the editor's rules and
ending in the supplier's status; a stored supplier's history and status, and an approved
review, must be what is stored. New reviews and drafts are stored as the file says (total,
band, decision), nothing re-applied: the file is a record of the past. A sheet the file
does not have is left alone.
"""

from __future__ import annotations

import copy
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from qmsdesk import clock
from qmsdesk.models.db import Database
from qmsdesk.models.parties import Party
from qmsdesk.models.suppliers import Supplier, SupplierReview, SupplierStatusChange
from qmsdesk.services.errors import ConflictError
from qmsdesk.services.exchange.adapters import (
    BATCH,
    Adapter,
    Planned,
    Problem,
    Row,
    _keep_ids,
    _numbered_refs,
    choose,
    created_elsewhere,
    field_of,
    party_reference,
)
from qmsdesk.services.exchange.bulk import NewRow, insert_new, write_in_bulk
from qmsdesk.services.exchange.registers import REGISTERS, RegisterSpec
from qmsdesk.services.records import ref_format
from qmsdesk.services.suppliers import reviews as review_service
from qmsdesk.services.suppliers import rules
from qmsdesk.services.suppliers import service as supplier_service
from qmsdesk.services.suppliers.records import (
    CertificateRecord,
    CriterionScore,
    ReviewRecord,
    StatusChange,
    SupplierRecord,
)
from qmsdesk.services.validation import check_text

PARTY, SUPPLIER_REF, REVIEW_REF = "Party reference", "Supplier reference", "Review reference"
HISTORY, REVIEWS, SCORES = "supplier_status_history", "reviews", "review_scores"
RECORD_RULE = ("the status history is a record and cannot be changed by an import; change "
               "the status in the supplier editor.")
IMPORTED = "New supplier (imported)"  # the first history row of a new supplier without one
TOTAL_TOLERANCE = 0.1  # a total typed as shown (84.9 for 84.99) still agrees with its scores
_REVIEW_PATTERN = ref_format("REV-")
_HISTORY_FIELDS = (("Changed on", "changed_on"), ("From status", "from_status"),
                   ("To status", "to_status"), ("Reason", "reason"),
                   ("Changed by", "changed_by"), (REVIEW_REF, "review_ref"))


@dataclass
class ImportedReview(ReviewRecord):
    """A review as the file (or the database) has it: with the total and band it got."""

    total_score: float | None = None
    band: str = ""


@dataclass
class ImportedSupplier(SupplierRecord):
    reviews: list[ImportedReview] = field(default_factory=list)  # stored order, new last


_SHEETS = {sheet.name: sheet for sheet in REGISTERS["suppliers"].sheets}


class SuppliersAdapter(Adapter):
    key = "suppliers"
    example_ref = "SUP-0001"
    ref_pattern = ref_format("SUP-")
    children = {"certificates": "certificates"}
    choices = {"criticality": rules.CRITICALITIES, "status": rules.STATUSES,
               "kind": rules.REVIEW_KINDS, "decision": rules.STATUSES}
    _ALIASES = {  # a supplier list kept in a spreadsheet (the other sheets come from exports)
        "suppliers": {"Ref": "Reference", "ID": "Reference", "Supplier": "Name",
                      "Commodity": "Scope", "Risk": "Criticality", "Approval status": "Status",
                      "Contact": "Contact person", "E-mail": "Email", "Telephone": "Phone",
                      "Party": PARTY, "Next review date": "Next review", "Comments": "Notes"},
        "certificates": {"Supplier": SUPPLIER_REF, "Certificate": "Standard",
                         "Issuer": "Issued by", "Expiry date": "Valid until"}}

    review_names, score_names = field_of(_SHEETS[REVIEWS]), field_of(_SHEETS[SCORES])

    def __init__(self) -> None:
        self.party_ids: dict[str, int] = {}
        self.review_owner: dict[str, str] = {}  # stored review -> its supplier's reference
        self.statuses: dict[str, str] = {}
        self.intervals, self.bands = dict(rules.DEFAULT_INTERVALS), list(rules.DEFAULT_BANDS)
        self.today, self.user = clock.today(), ""
        self.unreadable: set[tuple[str, int]] = set()  # rows with a cell that was not read

    def aliases(self, sheet: str) -> dict[str, str]:
        return self._ALIASES.get(sheet, {})

    def new_record(self, today: date) -> Any:
        return ImportedSupplier()

    def child_record(self, sheet: str) -> Any:
        return CertificateRecord()

    def next_refs(self, existing: Mapping[str, Any], in_file: Sequence[str],
                  count: int) -> list[str]:
        return _numbered_refs("SUP-", [*existing, *in_file], count)

    # --- reading the database -----------------------------------------------------------------
    def load_existing(self, db: Database) -> dict[str, Any]:
        self.user, self.bands = db.user, review_service.load_bands(db)
        with db.read() as session:
            self.party_ids = dict(session.execute(select(Party.ref, Party.id)).all())
            self.intervals = review_service.intervals_in(session)
            reviews: dict[int, list[ImportedReview]] = defaultdict(list)
            refs: dict[int, str] = {}
            for review in session.scalars(select(SupplierReview).options(
                    selectinload(SupplierReview.scores)).order_by(SupplierReview.ref)):
                reviews[review.supplier_id].append(ImportedReview(**_values(
                    review_service.to_record(review)), total_score=review.total_score,
                    band=review.band))
                refs[review.id] = review.ref
            existing: dict[str, Any] = {}
            for supplier in session.scalars(select(Supplier).options(
                    selectinload(Supplier.certificates), selectinload(Supplier.history))):
                existing[supplier.ref] = ImportedSupplier(**_values(
                    supplier_service.to_record(supplier, refs)), reviews=reviews[supplier.id])
                self.statuses[supplier.ref] = supplier.status
                self.review_owner.update((r.ref, supplier.ref) for r in reviews[supplier.id])
        return existing

    # --- rows into records --------------------------------------------------------------------
    def plan(self, db: Database, spec: RegisterSpec, parsed: Mapping[str, list[Row]],
             today: date, problems: list[Problem]) -> list[Planned]:
        self.today = today
        self.unreadable = {(p.sheet, p.row) for p in problems if p.row is not None}
        plan = super().plan(db, spec, parsed, today, problems)
        for item in plan:  # as the editor does, a new supplier's history starts when it is made
            if item.original is None and not item.record.history:
                item.record.history = [StatusChange(today, "", "pending", IMPORTED, self.user)]
        return plan

    def _assign(self, record: Any, row: Row, names: Mapping[str, str],
                problems: list[Problem]) -> None:
        super()._assign(record, row, names, problems)
        if not isinstance(record, ImportedSupplier) or PARTY not in row.values:
            return
        record.party_id = party_reference(row, PARTY, self.party_ids, problems)

    def _attach_children(self, spec: RegisterSpec, parsed: Mapping[str, list[Row]],
                         by_ref: Mapping[str, Planned], problems: list[Problem]) -> None:
        super()._attach_children(spec, parsed, by_ref, problems)  # the certificates
        if REVIEWS in parsed:
            self._attach_reviews(parsed, by_ref, problems)
        elif parsed.get(SCORES):
            problems.append(Problem(SCORES, None, "", "Scores come with their review: add the "
                                    "reviews sheet, or leave this one out."))
        if HISTORY in parsed:  # after the reviews: a change names the review that decided it
            grouped = _by_parent(parsed[HISTORY], SUPPLIER_REF, by_ref, "suppliers", problems)
            for ref, item in by_ref.items():
                rows = item.children[HISTORY] = grouped.get(ref, [])
                changes = [_change(row) for row in rows]
                if item.original is None:
                    item.record.history = changes
                    self._check_new_history(item, rows, problems)
                else:
                    _check_stored_history(item, rows, changes, problems)

    def validate(self, record: Any, today: date) -> dict[str, str]:
        supplier_service.normalise(record)
        return self._import_rules(record, rules.validate_supplier(record, today), today)

    def check(self, db: Database, records: Sequence[Any],
              today: date) -> dict[int, dict[str, str]]:
        """The register's own check (the form's rules, the party link exists), with the
        import's status rules in place of the editor's status change: an import changes no
        stored status, and a new supplier's status is where its history ends (the file has
        no reason column: its history has the reasons)."""
        with db.read() as session:
            found = supplier_service.check_suppliers(session, records, today)
        checked: dict[int, dict[str, str]] = {}
        for index, record in enumerate(records):
            errors = found.get(index, {})
            if record.status in rules.STATUSES:
                errors.pop("status", None)
            errors.pop("status_reason", None)
            if errors := self._import_rules(record, errors, today):
                checked[index] = errors
        return checked

    def _import_rules(self, record: Any, errors: dict[str, str],
                      today: date) -> dict[str, str]:
        if record.next_review is None and not errors.keys() & {
                "criticality", "review_interval_months"}:  # empty: the editor's default
            record.next_review = rules.next_review_date(
                None, record.criticality, record.review_interval_months, today, self.intervals)
        last = record.history[-1].to_status if record.history else "pending"
        if "status" in errors:
            pass
        elif record.id is not None and record.status != self.statuses.get(record.ref):
            errors["status"] = f"{record.ref} is {self.statuses.get(record.ref)}: " + RECORD_RULE
        elif record.id is None and record.status != last:
            errors["status"] = (supplier_service.history_end_differs(last) if record.history
                                else "A new supplier without a status history is pending: add its "
                                f"changes to the {HISTORY} sheet, or import it as pending.")
        return errors

    # --- reviews and their scores -------------------------------------------------------------
    def _attach_reviews(self, parsed: Mapping[str, list[Row]], by_ref: Mapping[str, Planned],
                        problems: list[Problem]) -> None:
        seen: dict[str, Row] = {}  # the file's review references
        entries: list[tuple[Planned, Row, str]] = []
        for supplier_ref, rows in _by_parent(parsed[REVIEWS], SUPPLIER_REF, by_ref,
                                             "suppliers", problems).items():
            for row in rows:
                ref, header = _reference(row, "Reference"), "Reference"
                owner = self.review_owner.get(ref, supplier_ref)
                if ref and not _REVIEW_PATTERN.match(ref):
                    message = f"'{ref}' is not a reference like REV-0001; leave it empty."
                elif ref in seen:
                    message = f"{ref} appears twice (also row {seen[ref].number})."
                elif owner != supplier_ref:
                    header, message = SUPPLIER_REF, f"{ref} is a review of {owner}."
                else:
                    seen.update({ref: row} if ref else {})
                    entries.append((by_ref[supplier_ref], row, ref))
                    continue
                problems.append(Problem(row.sheet, row.number, _column(row, header), message))
        scores = _by_parent(parsed.get(SCORES, []), REVIEW_REF, seen, REVIEWS, problems)
        refs = iter(_numbered_refs("REV-", [*self.review_owner, *seen],
                                   sum(not ref for _, _, ref in entries)))
        for item, row, ref in ((i, r, ref or next(refs)) for i, r, ref in entries):
            item.children.setdefault(REVIEWS, []).append(row)
            score_rows = scores.get(ref, [])
            problems.extend(Problem(SCORES, r.number, _column(r, SUPPLIER_REF),
                                    f"{ref} is a review of {item.ref}.") for r in score_rows
                            if _reference(r, SUPPLIER_REF) not in ("", item.ref))
            self._review(item, row, ref, score_rows if SCORES in parsed else None, problems)

    def _review(self, item: Planned, row: Row, ref: str, score_rows: list[Row] | None,
                problems: list[Problem]) -> None:
        """The file's review into the supplier's list: a new one added, a draft updated, an
        approved one only compared (it is a record)."""
        reviews: list[ImportedReview] = item.record.reviews
        stored = next((r for r in reviews if r.ref == ref), None)
        review = copy.deepcopy(stored) if stored is not None else ImportedReview(
            supplier_id=item.existing_id, ref=ref)
        self._assign(review, row, self.review_names, problems)
        if score_rows is not None:
            wanted = []
            for score_row in score_rows:
                score = CriterionScore("", 0.0)
                self._assign(score, score_row, self.score_names, problems)
                wanted.append(score)
            _keep_ids(review.scores, wanted)
            review.scores = wanted
        if stored is not None and stored.locked:
            _compare_locked(stored, review, row, score_rows or [], self.today, problems)
            return
        if stored is not None and review.approved_on is not None:
            problems.append(Problem(row.sheet, row.number, _column(row, "Approved on"),
                                    f"{ref} is a draft here: approve it in the review editor, "
                                    "which applies its decision to the supplier's status."))
        on = item.record.history[0].changed_on if item.original and item.record.history else None
        self._check_review(review, row, score_rows or [], problems, on)
        if stored is None:
            reviews.append(review)
        else:
            reviews[reviews.index(stored)] = review

    def _check_review(self, review: ImportedReview, row: Row, score_rows: list[Row],
                      problems: list[Problem], registered_on: date | None) -> None:
        """The review form's rules; the total and band as the scores give them."""
        # A new supplier's id comes when it is saved; the rules only ask that it has one.
        errors = rules.validate_review(replace(review, supplier_id=review.supplier_id or 1),
                                       self.today, False, registered_on)
        if unreadable := any((s.sheet, s.number) in self.unreadable for s in score_rows):
            errors.pop("scores", None)  # a score that could not be read is reported already
        for index, score in enumerate(review.scores):
            if not score.criterion.strip():
                errors[f"scores[{index}].criterion"] = "Name the criterion."
        for key, message in errors.items():
            match = re.match(r"^scores\[(\d+)\]\.(\w+)$", key)
            at, names = row, self.review_names
            if match and int(match[1]) < len(score_rows):
                at, names, key = score_rows[int(match[1])], self.score_names, match[2]
            header = next((h for h, n in names.items() if n == key), "")
            problems.append(Problem(at.sheet, at.number, _column(at, header), message))
        if unreadable or any(key.startswith("scores[") for key in errors):
            return
        total = rules.weighted_score(review.scores).total
        # An empty (or absent) total and band are computed, as the editor does; given, they
        # must agree with the scores (the band with the bands of its day: not checked).
        if row.values.get("Total score") is None:
            review.total_score = total
        elif (total is None or review.total_score is None
              or abs(total - review.total_score) >= TOTAL_TOLERANCE):
            problems.append(Problem(row.sheet, row.number, _column(row, "Total score"),
                                    f"The scores give {rules.format_total(total)}, not "
                                    f"{rules.format_total(review.total_score)}: correct it, or "
                                    "leave it empty to have it computed."))
        if not row.values.get("Band"):
            review.band = rules.band_for(review.total_score, self.bands) or ""
        elif review.total_score is None:
            problems.append(Problem(row.sheet, row.number, _column(row, "Band"),
                                    "Without a total (no data) there is no band."))

    # --- status history -----------------------------------------------------------------------
    def _check_new_history(self, item: Planned, rows: Sequence[Row],
                           problems: list[Problem]) -> None:
        """A new supplier's history as the editor would have written it: each change from
        the status before, with a reason, oldest first, a decided one by an approved review."""
        reviews = {r.ref: r for r in item.record.reviews}
        on, before = date.min, ""
        for row, change in zip(rows, item.record.history, strict=True):
            when, ref = change.changed_on, change.review_ref
            found = rules.validate_status_change(before, change.to_status, change.reason)
            errors = {"To status": found.get("status", ""),
                      "Reason": found.get("status_reason", "")}
            if not isinstance(when, date):
                errors["Changed on"] = "Enter the date of the change."
            elif when > self.today:
                errors["Changed on"] = "The date of a change cannot be in the future."
            elif when < on:
                errors["Changed on"] = f"The changes go oldest first: this is before {on}."
            elif on == date.min and (early := [r.ref for r in reviews.values() if r.approved_on
                                               and r.approved_on < when]):
                errors["Changed on"] = f"{', '.join(early)} approved before this first change."
            if change.from_status != before:
                errors["From status"] = (f"From status must be {before}, where the row above "
                                         "ends." if before else "A new supplier's history "
                                         "starts from no status: leave this empty.")
            if before and change.to_status == before:
                errors["To status"] = f"This is no change: the supplier was {before} already."
            review = reviews.get(ref) if ref else None
            if ref and review is None:
                errors[REVIEW_REF] = f"{ref} is not a review of {item.ref} in the reviews sheet."
            elif review is not None and review.approved_on is None:
                errors[REVIEW_REF] = f"{ref} is not approved: only an approval decides a status."
            elif review is not None and review.decision != change.to_status:
                errors[REVIEW_REF] = f"{ref} decided {review.decision}, not {change.to_status}."
            check_text(errors, "Changed by", change.changed_by, "Changed by", 200)
            problems.extend(Problem(HISTORY, row.number, _column(row, header), message)
                            for header, message in errors.items() if message)
            on, before = when if isinstance(when, date) else on, change.to_status

    # --- writing ------------------------------------------------------------------------------
    def write(self, db: Database, planned: Sequence[Planned], today: date) -> Iterator[int]:
        """Through the register's database rules (check_stored_suppliers: the plan checked
        every rule) and its store step (store_checked), new suppliers in bulk
        (exchange.bulk); after each batch its reviews, then the new suppliers' history (which
        names the reviews that decided it), as the register's saves write them."""
        store = partial(supplier_service.store_checked, today=today, user=self.user,
                        intervals=self.intervals)
        return write_in_bulk(db, planned, Supplier, supplier_service.check_stored_suppliers,
                             store, selectinload(Supplier.certificates),
                             made_with=supplier_service.new_row_values, refuse=_refuse_taken,
                             then=_reviews_and_history, batch=BATCH)


def _reference(row: Row, header: str) -> str:
    return str(row.values.get(header) or "").strip().upper()


def _column(row: Row, header: str) -> str:
    return row.headers.get(header, header)


def _values(record: Any) -> dict[str, Any]:
    return {f.name: getattr(record, f.name) for f in fields(record)}


def _by_parent(rows: Sequence[Row], header: str, known: Mapping[str, Any], sheet: str,
               problems: list[Problem]) -> dict[str, list[Row]]:
    """Rows by the reference in ``header``, which must be one of ``known`` (of ``sheet``)."""
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if (parent := _reference(row, header)) in known:
            grouped[parent].append(row)
        else:
            problems.append(Problem(row.sheet, row.number, _column(row, header),
                                    f"'{parent}' is not a reference in the {sheet} sheet."
                                    if parent else "Which record is this for? The reference "
                                    "is empty."))
    return grouped


def _change(row: Row) -> StatusChange:
    values = row.values

    def status(header: str) -> str:
        value = values.get(header)
        return choose(value, rules.STATUSES) if isinstance(value, str) else ""

    # The date as the file gives it, maybe none: checked with the history's other rules.
    changed_on: Any = values.get("Changed on")
    return StatusChange(changed_on, status("From status"), status("To status"),
                        values.get("Reason") or "", values.get("Changed by") or "",
                        _reference(row, REVIEW_REF))


def _check_stored_history(item: Planned, rows: Sequence[Row],
                          changes: Sequence[StatusChange], problems: list[Problem]) -> None:
    """Each row of a stored supplier's history must be a stored change, in order. Rows left
    out are no change (an import deletes no history); an edited or added row is refused."""
    stored: list[StatusChange] = item.original.history
    position = 0
    for row, change in zip(rows, changes, strict=True):
        match = next((i for i in range(position, len(stored)) if stored[i] == change), None)
        if match is not None:
            position = match + 1
            continue
        if position < len(stored):
            was = stored[position]
            position += 1
            header, name = next(((h, n) for h, n in _HISTORY_FIELDS
                                 if getattr(was, n) != getattr(change, n)), _HISTORY_FIELDS[0])
            message = f"The stored change has '{getattr(was, name)}' here: " + RECORD_RULE
        else:
            header, message = SUPPLIER_REF, f"{item.ref} has no such change: " + RECORD_RULE
        problems.append(Problem(HISTORY, row.number, _column(row, header), message))


def _compare_locked(stored: ImportedReview, review: ImportedReview, row: Row,
                    score_rows: Sequence[Row], today: date, problems: list[Problem]) -> None:
    """An approved review is a record: every cell that differs from it is a problem."""
    message = rules.validate_review(stored, today, locked_before=True)["locked"]
    for header, name in SuppliersAdapter.review_names.items():
        if name != "ref" and getattr(review, name) != getattr(stored, name):
            problems.append(Problem(row.sheet, row.number, _column(row, header), message))
    for score_row, score in zip(score_rows, review.scores if score_rows else [], strict=True):
        if score.id is not None:
            continue  # the same as a stored score
        same = next((s for s in stored.scores if s.criterion == score.criterion), None)
        header = next((h for h, n in (("Weight %", "weight"), ("Score", "score"))
                       if same is not None and getattr(same, n) != getattr(score, n)),
                      "Criterion")
        problems.append(Problem(SCORES, score_row.number, _column(score_row, header), message))


def _refuse_taken(session: Session, planned: Sequence[Planned]) -> None:
    """A reference the plan creates (supplier or review) that was taken since the file was
    checked: someone saved a record meanwhile, which the import would clash with."""
    taken = set(session.scalars(select(Supplier.ref))) | set(session.scalars(
        select(SupplierReview.ref)))
    for item in planned:
        new = [r.ref for r in item.record.reviews if r.id is None]
        if clash := taken.intersection(new + ([item.ref] if item.original is None else [])):
            raise ConflictError(created_elsewhere(min(clash)))


def _reviews_and_history(session: Session, batch: Sequence[Planned],
                         ids: Mapping[str, int]) -> None:
    """The batch's new and changed reviews, then the new suppliers' history lines, each
    with the review that decided it (``ids``: the batch's suppliers by reference)."""
    saved = {item.ref: _store_reviews(session, ids[item.ref], item) for item in batch}
    session.flush()  # the reviews have their ids: the history can name them
    insert_new(session, [NewRow(SupplierStatusChange, {
        "supplier_id": ids[item.ref], "changed_on": c.changed_on, "from_status": c.from_status,
        "to_status": c.to_status, "reason": c.reason, "changed_by": c.changed_by,
        "review_id": saved[item.ref][c.review_ref].id if c.review_ref else None},
        audit_ref=item.ref) for item in batch if item.original is None
        for c in item.record.history])


def _store_reviews(session: Session, supplier_id: int,
                   item: Planned) -> dict[str, SupplierReview]:
    """Save the supplier's new and changed reviews, as the file says; by reference."""
    before = {r.ref: r for r in item.original.reviews} if item.original else {}
    saved: dict[str, SupplierReview] = {}
    for review in item.record.reviews:
        if review.id is not None and review == before.get(review.ref):
            continue
        entity = session.get(SupplierReview, review.id) if review.id else None
        if review.id and (entity is None or entity.version != review.version):
            raise ConflictError(f"{review.ref} was changed elsewhere while the file was being "
                                "checked. Nothing was imported; import the file again.")
        if entity is None:
            entity = SupplierReview(ref=review.ref)
            session.add(entity)
        review_service.store_review(session, entity, review, review.total_score, review.band)
        if review.supplier_id is None:
            entity.supplier_id = supplier_id  # a new supplier's, inserted with its batch
        saved[review.ref] = entity
    return saved
