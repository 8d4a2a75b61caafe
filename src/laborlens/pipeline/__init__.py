"""The per-document pipeline: pure stages in run order, one public function each.

    normalise → identify_language → score_relevance → extract_events → render_summaries

The registry (``STAGES``) and ``run_pipeline`` live in ``pipeline.run``; they are
re-exported here lazily so that importing one extraction module does not load them all.
"""

from __future__ import annotations

from typing import Any

__all__ = ["STAGES", "STAGE_NAMES", "StageContext", "build_context", "run_pipeline"]


def __getattr__(name: str) -> Any:
    if name in {"StageContext", "build_context"}:
        from laborlens.pipeline import context  # noqa: PLC0415

        return getattr(context, name)
    if name in __all__:
        from laborlens.pipeline import run  # noqa: PLC0415

        return getattr(run, name)
    raise AttributeError(name)
