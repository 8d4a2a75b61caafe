"""laborlens: multilingual labour-event extraction from news, with evidence for every field."""

from __future__ import annotations

import logging

from laborlens.config import PIPELINE_VERSION

__version__ = PIPELINE_VERSION

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = ["__version__"]
