"""Importing this package declares every action in the registry."""
from ..registry import registry
from . import learners  # noqa: F401
from . import classes, qa  # noqa: F401

__all__ = ["registry"]
