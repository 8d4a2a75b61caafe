"""The laborlens exception tree; every message says what failed and what to do.

LaborlensError
├── ConfigError          a setting or configuration file is invalid
├── ResourceError        a language resource file is missing or malformed
├── SourceError          an input cannot be opened at all (unreadable path)
├── StoreError           the database cannot be opened, migrated or written
└── EvalError            a gold file is malformed
"""

from __future__ import annotations


class LaborlensError(Exception):
    """Base of every error laborlens raises on purpose."""


class ConfigError(LaborlensError):
    """A setting or configuration file is invalid."""


class ResourceError(LaborlensError):
    """A language resource file is missing or does not match the schema."""


class SourceError(LaborlensError):
    """An input path cannot be opened at all."""


class StoreError(LaborlensError):
    """The database cannot be opened, migrated or written."""


class EvalError(LaborlensError):
    """A gold file cannot be read or does not follow the codebook format."""
