"""The two declared settings stores: per user (a JSON file) and per database (rows)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qmsdesk import paths
from qmsdesk.models.db import Database
from qmsdesk.models.settings import Setting
from qmsdesk.services import db_settings, user_settings
from qmsdesk.services.org_settings import OrgSettings, load_settings, save_settings
from qmsdesk.services.suppliers import reviews, rules


def _file() -> Path:
    return paths.config_dir() / "settings.json"


def test_an_unset_preference_reads_as_its_default_and_a_set_one_comes_back() -> None:
    assert user_settings.get(user_settings.RECENT_DATABASES) == []
    user_settings.put(user_settings.RECENT_DATABASES, ["/a.db", "/b.db"])
    user_settings.put(user_settings.EXPORT_FOLDER, "/exports")
    assert user_settings.get(user_settings.RECENT_DATABASES) == ["/a.db", "/b.db"]
    assert json.loads(_file().read_text(encoding="utf-8")) == {
        "recent_databases": ["/a.db", "/b.db"], "export_folder": "/exports"}


def test_a_hand_edited_value_of_the_wrong_shape_falls_back_to_the_default() -> None:
    _file().parent.mkdir(parents=True, exist_ok=True)
    _file().write_text(json.dumps({"recent_databases": "not a list", "backups_keep": [0, 1, 1],
                                   "user_name": 42}), encoding="utf-8")
    assert user_settings.get(user_settings.RECENT_DATABASES) == []
    assert user_settings.get(user_settings.BACKUP_KEEP) == [7, 4, 12]
    assert user_settings.user_name() == user_settings.os_login()


def test_a_damaged_file_reads_as_defaults_and_is_replaced_whole_on_the_next_write() -> None:
    _file().parent.mkdir(parents=True, exist_ok=True)
    _file().write_text("{not json", encoding="utf-8")
    assert user_settings.user_name() == user_settings.os_login()
    user_settings.set_user_name("  Anna Kowalska ")
    assert json.loads(_file().read_text(encoding="utf-8")) == {"user_name": "Anna Kowalska"}


def test_a_value_that_does_not_fit_the_setting_is_refused_and_nothing_is_written() -> None:
    with pytest.raises(ValueError, match="backups_keep"):
        user_settings.put(user_settings.BACKUP_KEEP, [0, 0, 0])
    assert not _file().exists()


def test_every_database_setting_a_service_writes_is_declared(db: Database) -> None:
    save_settings(db, OrgSettings(organisation="Northwind", approved_by="Helen",
                                  logo=b"\x89PNG"))
    reviews.save_evaluation_settings(db, list(rules.DEFAULT_CRITERIA),
                                     [rules.Band("Gold", 80), rules.Band("Lead", 0)],
                                     {"critical": 6, "major": 12, "minor": 24})
    with db.read() as session:
        stored = db_settings.read_all(session)
    assert stored and all(db_settings.is_declared(key) for key in stored)
    assert stored[db_settings.SUPPLIER_BANDS] == '[["Gold", 80], ["Lead", 0]]'
    assert load_settings(db).organisation == "Northwind"


def test_an_undeclared_database_key_is_refused_before_anything_is_written(
        db: Database) -> None:
    with pytest.raises(KeyError, match="colour"), db.session() as session:
        db_settings.write(session, {db_settings.ORGANISATION: "X", "colour": "red"})
    with db.read() as session:
        assert session.get(Setting, db_settings.ORGANISATION) is None
    assert not db_settings.is_declared(db_settings.DOCUMENT_NUMBER)  # a family needs a member
    assert db_settings.is_declared(db_settings.DOCUMENT_NUMBER + "suppliers")


def test_changing_what_get_returned_changes_neither_the_setting_nor_its_default() -> None:
    mappings = user_settings.get(user_settings.IMPORT_MAPPINGS)
    mappings["parties"] = {"Parties": {"abc": {"Name": "name"}}}
    assert user_settings.get(user_settings.IMPORT_MAPPINGS) == {}
    assert user_settings.IMPORT_MAPPINGS.default == {}
