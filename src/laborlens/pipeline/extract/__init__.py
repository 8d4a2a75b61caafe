"""Stage 4, extraction: one module per field family; ``assemble.extract_events`` joins them.

``extract_events`` is re-exported lazily so that importing one sub-step (dates, places)
does not import every other sub-step.
"""

from __future__ import annotations

from typing import Any

__all__ = ["extract_events"]


def __getattr__(name: str) -> Any:
    if name == "extract_events":
        from laborlens.pipeline.extract.assemble import extract_events  # noqa: PLC0415

        return extract_events
    raise AttributeError(name)
