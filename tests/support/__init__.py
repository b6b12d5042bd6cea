"""Helpers shared by the test suites; import as ``tests.support.<module>`` (pytest's pythonpath is the project root)."""
