"""Helpers shared by the test suite and the demo stack (neither imports the other)."""
