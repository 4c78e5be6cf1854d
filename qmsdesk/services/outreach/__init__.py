"""The supplier and customer loop by spreadsheet: questionnaires, surveys and their returns."""
