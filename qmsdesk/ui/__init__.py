"""Everything Qt: window, pages, dialogs, table models, background tasks.

Importing this package imports the binding and stops its per-module source scan at once,
before the window's own modules are imported (``skip_feature_source_scan``)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

import PySide6  # noqa: F401  (installs the feature check skipped below)

# The binding's own check, kept so that a measurement can put it back (bench/startup.py).
feature_source_scan: Callable[[ModuleType], bool] | None = None


def skip_feature_source_scan() -> None:
    """Stop PySide6 from reading the source of every module imported after it.

    The binding's ``__feature__`` support (snake_case, true_property) asks, for each newly
    imported module, whether it uses PySide6 by reading its whole source
    (``shibokensupport.feature._mod_uses_pyside`` -> ``inspect.getsource``): 0.2-0.4 ms a
    module, 120-220 ms for the ~540 modules the database, the pages and the charts import,
    and 15-30 ms for the 30 the window imports before it is shown. QMS Desk selects no
    feature, so every module keeps the default behaviour either way; the answer only
    matters to modules that select one, which go through ``from __feature__ import`` and
    are recorded there, not here."""
    global feature_source_scan
    feature = sys.modules.get("shibokensupport.feature")
    if feature is not None and hasattr(feature, "_mod_uses_pyside"):
        if feature_source_scan is None:
            feature_source_scan = feature._mod_uses_pyside
        setattr(feature, "_mod_uses_pyside", lambda module: False)  # noqa: B010


skip_feature_source_scan()
