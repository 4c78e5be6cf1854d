"""Make tests/data/revNNNN.db: one frozen QMS Desk database per schema revision older than head.

Run from the repository root with ``.venv/bin/python tests/data/make_frozen.py``. The files
are committed; tests/models/test_migrations.py upgrades copies of them. A file that exists is
kept as it is: a revision never changes once released, so a frozen file is made once (rerun
this only for a lost or a newly added revision).

Rows are written with plain SQL, as the application of that revision stored them: the ORM
models describe the head schema, which has columns and tables an old file lacks. Every row
also gets the audit entries the session hook writes for a new record (one per non-empty
field, hash-chained), so the trail of each file verifies. Each file holds the rows of its
own revision and of every revision before it; names are in German, Polish and Japanese.

rev0001.db was made through the ORM before this script existed (one organisation setting
and its two audit entries); this script would remake an equivalent file with plain SQL.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from qmsdesk.models.audit import GENESIS_HASH, entry_hash, format_value
from qmsdesk.models.db import HEAD_REVISION, KNOWN_REVISIONS, open_database

FOLDER = Path(__file__).resolve().parent
USER = "fixture"
# Filled in by the application, never shown in the audit trail (as audit_skip at head).
NOT_AUDITED = frozenset({"id", "version", "created_at", "updated_at"})


def _utc(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp).replace(tzinfo=UTC)


def _stored(value: Any) -> Any:
    """How SQLAlchemy's UTC DateTime stores an aware moment in SQLite (naive UTC)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(
            sep=" ", timespec="microseconds")
    return value


class Writer:
    """Inserts rows with plain SQL and chains the audit entries the session hook writes."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.at = _utc("2026-01-01 00:00")
        self.prev_hash = GENESIS_HASH

    @property
    def stored_at(self) -> str:
        # How SQLAlchemy's DateTime stores naive UTC in SQLite.
        return self.at.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")

    def add(self, table: str, entity: str, ref: str, row: dict[str, Any],
            key: str = "id") -> None:
        """Insert one record (timestamps and version filled in where the table has them)."""
        columns = {info[1] for info in self.conn.exec_driver_sql(
            f'PRAGMA table_info("{table}")')}
        values = {key: _stored(value) for key, value in row.items()}
        for stamp in ("created_at", "updated_at"):
            if stamp in columns:
                values[stamp] = self.stored_at
        if "version" in columns:
            values["version"] = 1
        self._insert(table, values)
        for field, value in row.items():
            new = format_value(value)
            if field not in NOT_AUDITED and new:
                self._audit("create", entity, str(row[key]), ref, field, "", new)

    def update(self, table: str, entity: str, ref: str, row_id: int, field: str,
               value: Any) -> None:
        """Change one field of a versioned record, as an edit saved in the application."""
        old = self.conn.execute(text(f'SELECT "{field}" FROM "{table}" WHERE id = :id'),
                                {"id": row_id}).scalar_one()
        self.conn.execute(text(f'UPDATE "{table}" SET "{field}" = :value, '
                               'version = version + 1, updated_at = :at WHERE id = :id'),
                          {"value": value, "at": self.stored_at, "id": row_id})
        self._audit("update", entity, str(row_id), ref, field, format_value(old),
                    format_value(value))

    def _insert(self, table: str, values: dict[str, Any]) -> None:
        names = ", ".join(f'"{name}"' for name in values)
        binds = ", ".join(f":{name}" for name in values)
        self.conn.execute(text(f'INSERT INTO "{table}" ({names}) VALUES ({binds})'), values)

    def _audit(self, action: str, entity: str, record_id: str, ref: str, field: str,
               old: str, new: str) -> None:
        entry = {"at": self.at, "user": USER, "action": action, "entity": entity,
                 "record_id": record_id, "ref": ref, "field": field, "old_value": old,
                 "new_value": new, "prev_hash": self.prev_hash}
        entry["hash"] = self.prev_hash = entry_hash(entry)
        self._insert("audit_entry", entry | {"at": self.stored_at})


def rows_0001(w: Writer) -> None:
    w.at = _utc("2026-01-12 08:30")
    w.add("setting", "setting", "organisation",
          {"key": "organisation", "value": "Präzision Müller GmbH"}, key="key")


def _party(**fields: Any) -> dict[str, Any]:
    defaults = {"internal": False, "description": "", "contact_person": "", "email": "",
                "phone": "", "owner": "Anna Schäfer", "monitoring_method": "",
                "monitoring_frequency": "", "review_interval_months": 12, "last_review": None,
                "next_review": None, "focus": "long-term", "status": "active", "notes": ""}
    return defaults | fields


def rows_0002(w: Writer) -> None:
    w.at = _utc("2026-02-16 09:00")
    parties = [
        _party(id=1, ref="IP-0001", name="Müller Präzisionsteile GmbH", category="customer",
               description="Hauptkunde für Drehteile; Rahmenvertrag 2025–2027.",
               contact_person="Jürgen Weiß", email="j.weiss@mueller-praezision.example",
               phone="+49 711 123456", influence=5, interest=4,
               monitoring_method="Kundenzufriedenheitsumfrage", monitoring_frequency="yearly",
               last_review="2026-01-20", next_review="2027-01-20"),
        _party(id=2, ref="IP-0002", name="株式会社サンプル精工", category="supplier",
               description="Lieferant für Präzisionslager (大阪).", contact_person="山田 太郎",
               email="yamada@sample-seiko.example", phone="+81 6 1234 5678", influence=4,
               interest=3, monitoring_method="Lieferantenbewertung",
               monitoring_frequency="half-yearly", review_interval_months=6,
               next_review="2026-08-01", focus="short-term"),
        _party(id=3, ref="IP-0003", name="Belegschaft Werk Süd", category="employee",
               internal=True, influence=3, interest=5, owner="Łukasz Nowak",
               monitoring_method="Mitarbeitergespräche", monitoring_frequency="quarterly",
               notes="Betriebsrat: Frau Öztürk."),
    ]
    for party in parties:
        w.add("party", "party", party["ref"], party)
    requirements = [
        (1, "IP-0001", "Erstmusterprüfbericht (EMPB) nach VDA 2 für jede neue Zeichnung",
         "requirement", "contractual", "Rahmenvertrag §7", "Prüfplanung 8.3"),
        (1, "IP-0001", "Lieferung just in time, Reaktionszeit ≤ 24 h", "expectation", "",
         "Jahresgespräch 2025", "OBJ Liefertreue"),
        (2, "IP-0002", "Bedarfsvorschau drei Monate im Voraus (3か月の予測)", "expectation",
         "", "Werksbesuch", "Disposition"),
    ]
    for number, (party_id, ref, description, kind, obligation, source, addressed_by) in \
            enumerate(requirements, 1):
        w.add("party_requirement", "party requirement", ref,
              {"id": number, "party_id": party_id, "description": description, "kind": kind,
               "obligation": obligation, "source": source, "addressed_by": addressed_by})
    engagements = [
        (1, "IP-0001", "2026-01-20", "meeting",
         "Jahresgespräch: Zufriedenheit hoch, Wunsch nach EDI-Anbindung.", 4,
         "EDI-Angebot bis Q2."),
        (1, "IP-0001", "2026-02-03", "complaint",
         "Reklamation: 12 Teile mit Grat an Bohrung Ø 8 mm.", 2, "8D-Bericht anfordern."),
        (2, "IP-0002", "2026-02-10", "visit", "Werksbesuch in Osaka — 工場見学.", None, ""),
    ]
    for number, (party_id, ref, on_date, kind, summary, satisfaction, follow_up) in \
            enumerate(engagements, 1):
        w.add("party_engagement", "party engagement", ref,
              {"id": number, "party_id": party_id, "on_date": on_date, "kind": kind,
               "summary": summary, "satisfaction": satisfaction, "follow_up": follow_up})


def _action(**fields: Any) -> dict[str, Any]:
    defaults = {"description": "", "objective_id": None, "party_id": None, "start_date": None,
                "due_date": None, "status": "open", "completed_on": None, "progress": 0,
                "effectiveness": "", "effectiveness_by": "", "effectiveness_on": None,
                "evidence": ""}
    return defaults | fields


def rows_0003(w: Writer) -> None:
    w.at = _utc("2026-04-07 10:15")
    w.add("quality_policy", "quality policy", "POLICY rev 1",
          {"id": 1, "revision": 1,
           "statement": "Wir liefern Präzisionsteile, auf die sich unsere Kunden verlassen.",
           "commitments": "Kundenanforderungen erfüllen\nGesetze einhalten\n"
                          "Fortlaufend verbessern",
           "approved_by": "Dr. Henrike Groß", "approved_on": "2026-03-02"})
    objectives = [
        {"id": 1, "ref": "OBJ-2026-01", "title": "Liefertreue ≥ 95 %",
         "description": "Pünktliche, vollständige Lieferungen an Kunden.",
         "process": "Auftragsabwicklung", "policy_commitment": "Kundenanforderungen erfüllen",
         "kpi_name": "On-time delivery", "unit": "%", "baseline": 91.0, "target": 95.0,
         "target_max": None, "direction": "increase", "frequency": "monthly",
         "start_date": "2026-01-01", "due_date": "2026-12-31", "owner": "Anna Schäfer",
         "resources": "ERP-Auswertung", "evaluation": "Monatlich im Qualitätsmeeting",
         "segment_party_id": 1, "status": "active"},
        {"id": 2, "ref": "OBJ-2026-02", "title": "Ausschussquote senken",
         "description": "", "process": "Fertigung", "policy_commitment": "Fortlaufend verbessern",
         "kpi_name": "Scrap rate", "unit": "%", "baseline": 2.4, "target": 1.5,
         "target_max": None, "direction": "decrease", "frequency": "quarterly",
         "start_date": "2026-01-01", "due_date": "2026-12-31", "owner": "Łukasz Nowak",
         "resources": "", "evaluation": "", "segment_party_id": None, "status": "active"},
    ]
    for objective in objectives:
        w.add("objective", "objective", objective["ref"], objective)
    measurements = [
        (1, "OBJ-2026-01", "2026-02-03", "2026-01", 92.5, ""),
        (1, "OBJ-2026-01", "2026-03-03", "2026-02", 93.8, "Eilaufträge nach Reklamation"),
        (1, "OBJ-2026-01", "2026-04-02", "2026-03", 96.1, "Kanban wirkt — 改善"),
        (2, "OBJ-2026-02", "2026-04-06", "2026-Q1", 2.1, ""),
    ]
    for number, (objective_id, ref, on_date, period, value, comment) in \
            enumerate(measurements, 1):
        w.add("measurement", "measurement", ref,
              {"id": number, "objective_id": objective_id, "on_date": on_date,
               "period": period, "value": value, "comment": comment,
               "recorded_by": "Anna Schäfer"})
    actions = [
        _action(id=1, ref="ACT-0001", title="Grat an Bohrung Ø 8 mm beseitigen",
                kind="corrective", party_id=1, owner="Łukasz Nowak", start_date="2026-02-04",
                due_date="2026-03-31", status="done", completed_on="2026-03-20",
                progress=100, effectiveness="effective", effectiveness_by="Anna Schäfer",
                effectiveness_on="2026-04-06", evidence="8D-Bericht 2026-007"),
        _action(id=2, ref="ACT-0002", title="Kanban für Rohmaterial einführen",
                kind="improvement", objective_id=1, owner="Anna Schäfer",
                start_date="2026-03-01", due_date="2026-06-30", status="in progress",
                progress=40),
    ]
    for action in actions:
        w.add("action", "action", action["ref"], action)


def _status_change(w: Writer, number: int, supplier_id: int, ref: str, changed_on: str,
                   old: str, new: str, reason: str, review_id: int | None = None) -> None:
    w.add("supplier_status_change", "supplier status change", ref,
          {"id": number, "supplier_id": supplier_id, "changed_on": changed_on,
           "from_status": old, "to_status": new, "reason": reason,
           "changed_by": "Anna Schäfer", "review_id": review_id})


def rows_0004(w: Writer) -> None:
    w.at = _utc("2026-05-04 07:45")
    criteria = [("Quality", "Lots accepted, defect ppm, complaints.", 35.0),
                ("Delivery", "On time and in full, as confirmed.", 30.0),
                ("Responsiveness / communication", "Answers, corrective-action requests.", 15.0),
                ("Price / commercial terms", "Price, payment terms, cost transparency.", 10.0),
                ("Compliance / certification", "Certificates valid, requirements met.", 10.0)]
    for position, (name, description, weight) in enumerate(criteria, 1):
        w.add("review_criterion", "review criterion", f"criterion {name}",
              {"id": position, "position": position, "name": name,
               "description": description, "weight": weight})
    suppliers = [
        {"id": 1, "ref": "SUP-0001", "name": "株式会社サンプル精工",
         "scope": "Präzisionslager 608-2RS", "category": "Kaufteile", "criticality": "critical",
         "contact_person": "山田 太郎", "email": "yamada@sample-seiko.example",
         "phone": "+81 6 1234 5678", "party_id": 2, "status": "pending",
         "review_interval_months": 6, "next_review": "2026-11-04", "notes": ""},
        {"id": 2, "ref": "SUP-0002", "name": "Zakład Obróbki Metali Łódź Sp. z o.o.",
         "scope": "Lohnhärten", "category": "Dienstleistung", "criticality": "major",
         "contact_person": "Małgorzata Wójcik", "email": "", "phone": "", "party_id": None,
         "status": "conditional", "review_interval_months": None,
         "next_review": "2026-11-30", "notes": "ISO-9001-Zertifikat erneuern."},
    ]
    certificates = [(1, "SUP-0001", "ISO 9001:2015", "JQA-QM1234", "日本品質保証機構",
                     "2027-03-31"),
                    (1, "SUP-0001", "ISO 14001:2015", "JQA-EM5678", "日本品質保証機構", None),
                    (2, "SUP-0002", "ISO 9001:2015", "PL-0815", "Polski Rejestr Statków",
                     "2026-04-30")]
    for supplier in suppliers:
        w.add("supplier", "supplier", supplier["ref"], supplier)
    for number, (supplier_id, ref, standard, cert_number, issuer, valid_until) in \
            enumerate(certificates, 1):
        w.add("supplier_certificate", "supplier certificate", ref,
              {"id": number, "supplier_id": supplier_id, "standard": standard,
               "number": cert_number, "issuer": issuer, "valid_until": valid_until})
    _status_change(w, 1, 1, "SUP-0001", "2026-05-04", "", "pending", "New supplier")
    _status_change(w, 2, 2, "SUP-0002", "2026-05-04", "", "conditional",
                   "Zertifikat abgelaufen")
    w.at = _utc("2026-06-15 14:20")
    w.add("supplier_review", "supplier review", "REV-0001",
          {"id": 1, "ref": "REV-0001", "supplier_id": 1, "period_from": "2026-01-01",
           "period_to": "2026-05-31", "review_date": "2026-06-15", "reviewer": "Anna Schäfer",
           "kind": "periodic", "deliveries_total": 48, "deliveries_on_time": 45,
           "lots_received": 48, "lots_rejected": 1, "units_received": 12000,
           "units_rejected": 36, "total_score": 82.5, "band": "B", "decision": "approved",
           "strengths": "Maßhaltigkeit, Dokumentation", "weaknesses": "Lange Seefracht",
           "comments": "Freigabe bestätigt.", "approved_by": "Dr. Henrike Groß",
           "approved_on": "2026-06-16"})
    scores = (75.0, 100.0, 75.0, 50.0, 100.0)  # weighted by the criteria: 82.5, band B
    for number, ((name, _description, weight), score) in enumerate(
            zip(criteria, scores, strict=True), 1):
        w.add("supplier_review_score", "review score", "REV-0001",
              {"id": number, "review_id": 1, "criterion": name, "weight": weight,
               "score": score})
    w.update("supplier", "supplier", "SUP-0001", 1, "status", "approved")
    w.update("supplier", "supplier", "SUP-0001", 1, "next_review", "2026-12-15")
    _status_change(w, 3, 1, "SUP-0001", "2026-06-15", "pending", "approved",
                   "Bewertung REV-0001: Band B", review_id=1)
    w.add("action", "action", "ACT-0003", _action(
        id=3, ref="ACT-0003", title="8D-Bericht zu Lieferverzug anfordern (納期遅延)",
        kind="corrective", supplier_review_id=1, owner="Anna Schäfer",
        start_date="2026-06-16", due_date="2026-07-31"))


def rows_0005(w: Writer) -> None:
    w.at = _utc("2026-07-02 15:30")
    w.add("management_review", "management review", "MR-2026-01",
          {"id": 1, "ref": "MR-2026-01", "held_on": "2026-07-02",
           "period_from": "2026-01-01", "period_to": "2026-06-30",
           "chair": "Dr. Henrike Groß", "attendees": "Anna Schäfer, Jan Kowalczyk, 佐藤 花子",
           "conclusions": "Lieferantenbewertung halbjährlich; Ziele bestätigt."})
    w.add("action", "action", "ACT-0004", _action(
        id=4, ref="ACT-0004", title="Schulung Messmittel (Überprüfung)", kind="improvement",
        management_review_id=1, owner="Jan Kowalczyk", start_date="2026-07-03",
        due_date="2026-09-30"))
    # The report log is not audited: one issued report, as the application logged it.
    w.conn.execute(text(
        "INSERT INTO report_log (id, report_type, title, document_number, period, revision, "
        "issue_date, generated_at, generated_by, pages, fingerprint, sha256, path, member) "
        "VALUES (1, 'parties', 'Interested parties register', 'QMS-REG-4.2', "
        "'as at 2026-07-02', 1, '2026-07-02', :at, 'Anna Schäfer', 4, :fp, :sha, "
        "'interested-parties-2026-07-02.pdf', '')"),
        {"at": w.stored_at, "fp": "a" * 64, "sha": "b" * 64})


def rows_0006(w: Writer) -> None:
    """No rows of its own yet: rev0006.db holds the rows of 0001-0005 at schema 0006 (made
    when 0007 was added; 0007 changes no table 0006 added)."""


def rows_0007(w: Writer) -> None:
    """The rows of revision 0006's tables (added when 0008 was made): a context issue, a
    risk raised from it with its source, and an archived risk, whose reason 0008 adds."""
    w.at = _utc("2026-08-10 10:00")
    w.add("context_issue", "context issue", "CTX-0001",
          {"id": 1, "ref": "CTX-0001", "title": "Fachkräftemangel in der Zerspanung",
           "origin": "external", "swot": "threat", "pestle": "social",
           "description": "Wenige Bewerbungen; 熟練工の不足", "effect": "Lieferzeiten",
           "owner": "Jan Kowalczyk", "review_interval_months": 12,
           "last_review": "2026-08-10", "next_review": "2027-08-10", "status": "active"})
    risk = {"kind": "risk", "description": "", "processes": "Fertigung", "cause": "",
            "consequence": "", "likelihood": 3, "impact": 4, "treatment": "mitigate",
            "treatment_rationale": "", "owner": "Anna Schäfer", "review_interval_months": 12,
            "last_review": "2026-08-10", "next_review": "2027-08-10",
            "residual_likelihood": 2, "residual_impact": 3, "evaluation_due": "2027-02-10",
            "evaluated_on": None, "evaluated_by": "", "effectiveness": "",
            "evaluation_notes": ""}
    w.add("risk", "risk", "RO-0001",
          risk | {"id": 1, "ref": "RO-0001", "title": "Ausfall der CNC-Fachkraft",
                  "status": "active"})
    w.add("risk_source", "risk source", "RO-0001",
          {"id": 1, "risk_id": 1, "context_issue_id": 1, "requirement_id": None,
           "supplier_id": None})
    w.add("risk", "risk", "RO-0002",
          risk | {"id": 2, "ref": "RO-0002", "title": "Stromausfall (停電)",
                  "status": "archived"})


def rows_0008(w: Writer) -> None:
    """An approval of the parties report's revision 1 and an archived party's reason."""
    w.at = _utc("2026-08-12 09:00")
    w.add("report_approval", "report approval", "parties revision 1",
          {"id": 1, "report_type": "parties", "revision": 1, "approved_by": "Dr. Henrike Groß",
           "approved_role": "Geschäftsführerin", "approved_at": w.at,
           "change_note": "Erstausgabe"})
    w.update("risk", "risk", "RO-0002", 2, "archive_reason", "Notstromaggregat installiert")


def rows_0009(w: Writer) -> None:
    """An evidence file (its content once, by sha256) attached to the approved supplier
    review, whose approval 0010 records as an act (login, moment, content hash)."""
    w.at = _utc("2026-08-14 11:30")
    data = "Prüfbericht 8D – 株式会社サンプル精工\n".encode()
    digest = hashlib.sha256(data).hexdigest()
    w._insert("evidence_blob", {"sha256": digest, "size": len(data), "data": data})
    w.add("evidence", "evidence", "REV-0001",
          {"id": 1, "record_entity": "supplier review", "record_id": 1,
           "record_ref": "REV-0001", "file_name": "8D-Bericht Łódź.txt",
           "media_type": "text/plain", "size": len(data), "sha256": digest, "note": "",
           "attached_by": "Jan Kowalczyk", "attached_at": w.at, "superseded_by_id": None})


def rows_0010(w: Writer) -> None:
    """A member of the staff table (login, display name, role, active: 4 audited fields)."""
    w.at = _utc("2026-08-20 08:00")
    w.add("staff", "staff member", "staff jkowalczyk",
          {"id": 1, "login": "jkowalczyk", "display_name": "Jan Kowalczyk",
           "role": "approver", "active": True})


def rows_0011(w: Writer) -> None:
    """A questionnaire round sent to SUP-0001 and returned (round: 11 audited fields) with
    one answered question (answer: 5 audited fields)."""
    w.at = _utc("2026-09-01 10:00")
    ref = "SUP-0001 round 1"
    w.add("questionnaire_round", "questionnaire round", ref,
          {"id": 1, "supplier_id": 1, "supplier_ref": "SUP-0001", "number": 1,
           "token": "0f3c9a7e5b2d4c18a6e1f0b9d8c7a6e5", "issued_on": "2026-09-01",
           "due_on": "2026-09-29", "issued_by": "Jan Kowalczyk",
           "questions": '["Ist Ihr Zertifikat nach ISO 9001 gültig?"]',
           "returned_on": "2026-09-15", "imported_by": "Jan Kowalczyk",
           "return_sha256": hashlib.sha256(b"Fragebogen Runde 1").hexdigest(), "accepted": ""})
    w.add("questionnaire_answer", "questionnaire answer", ref,
          {"id": 1, "round_id": 1, "position": 1,
           "question": "Ist Ihr Zertifikat nach ISO 9001 gültig?", "answer": "Ja",
           "comment": "Rezertifizierung im März (審査済み)"})


def rows_0012(w: Writer) -> None:
    """ACT-0004 done and archived (status, completed on, archived on, reason: 4 audited
    edits), and ACT-0005 done with its effectiveness check signed (16 audited fields)."""
    w.at = _utc("2026-10-15 09:00")
    for field, value in (("status", "done"), ("completed_on", "2026-09-28"),
                         ("archived_on", "2026-10-15"),
                         ("archive_reason", "Schulung abgeschlossen, Nachweis im Ordner 7.2")):
        w.update("action", "action", "ACT-0004", 4, field, value)
    w.at = _utc("2026-10-20 14:30")
    w.add("action", "action", "ACT-0005", _action(
        id=5, ref="ACT-0005", title="Prüfplan Zulieferteile (検査計画)", kind="corrective",
        owner="Jan Kowalczyk", start_date="2026-09-01", due_date="2026-10-10",
        status="done", completed_on="2026-10-08", progress=100, effectiveness="effective",
        effectiveness_by="Jan Kowalczyk", effectiveness_on="2026-10-20",
        effectiveness_login="jkowalczyk", effectiveness_at=w.at,
        effectiveness_hash=hashlib.sha256(b"ACT-0005 effective").hexdigest(),
        effectiveness_meaning="Geprüft als Beauftragter"))


# What each revision added, in order; a file at revision N holds the rows of 0001..N.
ROWS: dict[str, Callable[[Writer], None]] = {
    "0001": rows_0001, "0002": rows_0002, "0003": rows_0003, "0004": rows_0004,
    "0005": rows_0005, "0006": rows_0006, "0007": rows_0007,
    "0008": rows_0008, "0009": rows_0009, "0010": rows_0010,
    "0011": rows_0011, "0012": rows_0012}


def make(revision: str) -> Path:
    target = FOLDER / f"rev{revision}.db"
    db = open_database(target, user=USER, create=True, revision=revision)
    with db.engine.begin() as conn:  # plain SQL: the ORM's session hook never runs
        writer = Writer(conn)
        for step in KNOWN_REVISIONS[:KNOWN_REVISIONS.index(revision) + 1]:
            ROWS[step](writer)
    db.close()  # the last connection closing checkpoints the WAL and removes -wal/-shm
    with closing(sqlite3.connect(target)) as conn:
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return target


def main() -> int:
    older = KNOWN_REVISIONS[:KNOWN_REVISIONS.index(HEAD_REVISION)]
    missing = set(older) - set(ROWS)
    if missing:
        print(f"no rows defined for revision(s) {sorted(missing)}: add a rows_NNNN step.")
        return 1
    for revision in older:
        target = FOLDER / f"rev{revision}.db"
        if target.exists():
            print(f"kept {target.name} (frozen; delete it first to remake it)")
            continue
        make(revision)
        print(f"wrote {target.name} ({target.stat().st_size} bytes)")
    leftovers = sorted(p.name for p in FOLDER.glob("rev*.db-*"))
    if leftovers:
        print(f"unexpected sidecar files left: {leftovers}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
