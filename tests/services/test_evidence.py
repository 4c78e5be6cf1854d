"""Evidence files: stored once per content, attached on the record and the audit trail,
never deleted but superseded, refused clearly when they cannot be attached."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from qmsdesk.models.audit import AuditEntry, verify_chain
from qmsdesk.models.db import Database
from qmsdesk.models.evidence import EvidenceBlob
from qmsdesk.services import evidence
from qmsdesk.services.errors import NotFoundError, ValidationError
from qmsdesk.services.parties.service import save_party
from tests.factories import make_party

CERTIFICATE = b"%PDF-1.4 ISO 9001 certificate of Bowland Gauge Company Ltd\n"


@pytest.fixture
def party_id(db: Database, today: date) -> int:
    return save_party(db, make_party(today, "Bowland Gauge Company Ltd"), today).id


def _file(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def test_a_file_is_attached_on_the_record_and_the_audit_trail(db, party_id, tmp_path):
    path = _file(tmp_path, "ISO 9001 certificate.pdf", CERTIFICATE)
    item = evidence.attach(db, "party", party_id, path, note="  scan of the   original ")
    assert (item.record_ref, item.file_name, item.media_type, item.size) == (
        "IP-0001", "ISO 9001 certificate.pdf", "application/pdf", len(CERTIFICATE))
    assert item.sha256 == hashlib.sha256(CERTIFICATE).hexdigest()
    assert item.note == "scan of the original" and item.current
    assert evidence.list_evidence(db, "party", party_id) == [item]
    with db.read() as session:
        trail = dict(session.execute(
            select(AuditEntry.field, AuditEntry.new_value)
            .where(AuditEntry.entity == "evidence", AuditEntry.ref == "IP-0001")).all())
        assert verify_chain(session).intact
    assert trail["sha256"] == item.sha256 and trail["file_name"] == item.file_name
    copy = evidence.save_copy(db, item, tmp_path / "out")
    assert copy.read_bytes() == CERTIFICATE and copy.name == "ISO 9001 certificate.pdf"


def test_the_same_content_is_stored_once(db, party_id, today, tmp_path):
    other = save_party(db, make_party(today, "Calder Metrology"), today).id
    evidence.attach(db, "party", party_id, _file(tmp_path, "a.pdf", CERTIFICATE))
    evidence.attach(db, "party", other, _file(tmp_path, "b.pdf", CERTIFICATE))
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(EvidenceBlob)) == 1
    assert [f.file_name for files in evidence.evidence_by_ref(db, ["party"]).values()
            for f in files] == ["a.pdf", "b.pdf"]


def test_a_newer_file_supersedes_and_nothing_is_deleted(db, party_id, tmp_path):
    old = evidence.attach(db, "party", party_id, _file(tmp_path, "cert-2024.pdf", b"old"))
    new = evidence.attach(db, "party", party_id, _file(tmp_path, "cert-2027.pdf", b"new"),
                          supersedes=old.id)
    listed = evidence.list_evidence(db, "party", party_id)
    assert [(f.file_name, f.superseded_by) for f in listed] == [
        ("cert-2027.pdf", None), ("cert-2024.pdf", new.id)]
    assert evidence.evidence_by_ref(db, ["party"]) == {"IP-0001": [listed[0]]}
    with pytest.raises(ValidationError, match="already replaced"):
        evidence.attach(db, "party", party_id, _file(tmp_path, "x.pdf", b"x"),
                        supersedes=old.id)


def test_files_that_cannot_be_attached_are_refused_with_the_reason(db, party_id, tmp_path):
    evidence.set_limit_mb(db, 1)
    big = _file(tmp_path, "scan.tiff", b"\0" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError) as refused:
        evidence.attach(db, "party", party_id, big)
    assert refused.value.errors["file"].startswith("scan.tiff is 1.0 MB; files up to 1 MB")
    with pytest.raises(ValidationError, match="empty"):
        evidence.attach(db, "party", party_id, _file(tmp_path, "empty.pdf", b""))
    with pytest.raises(ValidationError, match="could not be read"):
        evidence.attach(db, "party", party_id, tmp_path / "gone.pdf")
    with pytest.raises(ValidationError, match="is a folder"):
        evidence.attach(db, "party", party_id, tmp_path)
    with pytest.raises(NotFoundError):
        evidence.attach(db, "party", 999, _file(tmp_path, "c.pdf", CERTIFICATE))
    with pytest.raises(ValidationError):
        evidence.set_limit_mb(db, 0)
    assert evidence.list_evidence(db, "party", party_id) == []


def test_the_auditor_pack_takes_the_files_attached_in_its_period(
        db, party_id, tmp_path, today, frozen_clock):
    from qmsdesk import clock

    evidence.attach(db, "party", party_id, _file(tmp_path, "before.pdf", b"1"))
    clock.freeze(frozen_clock + timedelta(days=40))
    evidence.attach(db, "party", party_id, _file(tmp_path, "after.pdf", b"2"))
    later = today + timedelta(days=40)
    assert [f.file_name for f in evidence.attached_in(db, today + timedelta(days=1), later)] \
        == ["after.pdf"]
    assert [f.file_name for f in evidence.attached_in(db, today, later)] == \
        ["before.pdf", "after.pdf"]


def test_content_changed_outside_the_app_is_not_handed_out(db, party_id, tmp_path):
    item = evidence.attach(db, "party", party_id, _file(tmp_path, "c.pdf", CERTIFICATE))
    with db.session() as session:
        session.execute(update(EvidenceBlob).values(data=b"forged"))
    with pytest.raises(ValidationError, match="no longer matches its recorded sha256"):
        evidence.save_copy(db, item, tmp_path / "out")
