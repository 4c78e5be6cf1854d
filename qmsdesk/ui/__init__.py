"""Everything Qt: window, pages, dialogs, table models, background tasks."""
