"""Use cases shared by the GUI, the command line and the reports. No Qt."""
