"""Helpers shared by the test suites (importable as ``support`` because pytest puts tests/ on sys.path)."""
