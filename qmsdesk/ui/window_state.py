"""Qt's saved window state as text for the per-user settings, and adopting the settings an
earlier version kept in Qt's own store (QSettings) the first time this version starts."""

from __future__ import annotations

import json

from PySide6.QtCore import QByteArray, QSettings

from qmsdesk.services import user_settings


def qt_state(text: str) -> QByteArray:
    """The state bytes kept as base64 text (empty for empty or damaged text)."""
    try:
        return QByteArray.fromBase64(text.encode("ascii"))
    except UnicodeEncodeError:
        return QByteArray()


def state_text(state: QByteArray) -> str:
    return bytes(state.toBase64().data()).decode("ascii")


def adopt_qsettings() -> None:
    """Move what version 1 kept in QSettings (recent databases, the export folder, window
    geometry, the parties splitter, import column choices) into the per-user settings,
    then clear it, so that nothing the user had is lost and there is one store."""
    old = QSettings()
    keys = old.allKeys()
    if not keys:
        return
    recent = old.value("recent_databases", [])
    recent = [recent] if isinstance(recent, str) else recent
    if isinstance(recent, list) and recent:
        user_settings.put(user_settings.RECENT_DATABASES, [str(path) for path in recent])
    folder = old.value("exchange/folder")
    if isinstance(folder, str) and folder:
        user_settings.put(user_settings.EXPORT_FOLDER, folder)
    for key, preference in (("main_window/geometry", user_settings.WINDOW_GEOMETRY),
                            ("parties_page/splitter", user_settings.PARTIES_SPLITTER)):
        state = old.value(key)
        if isinstance(state, QByteArray) and not state.isEmpty():
            user_settings.put(preference, state_text(state))
    mappings = user_settings.get(user_settings.IMPORT_MAPPINGS)
    for key in keys:
        register_sheet, _, layout = key.removeprefix("import_mappings/").rpartition("/")
        register, _, sheet = register_sheet.partition("/")
        if not key.startswith("import_mappings/") or not sheet:
            continue
        try:
            mapping = json.loads(str(old.value(key)))
        except ValueError:
            continue
        if isinstance(mapping, dict):
            mappings.setdefault(register, {}).setdefault(sheet, {})[layout] = {
                str(k): str(v) for k, v in mapping.items()}
    user_settings.put(user_settings.IMPORT_MAPPINGS, mappings)
    old.clear()
    old.sync()
