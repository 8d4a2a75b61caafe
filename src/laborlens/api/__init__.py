"""The HTTP API (FastAPI): ``create_app(store_url, settings)`` builds the whole server."""

from laborlens.api.app import API_PREFIX, create_app

__all__ = ["API_PREFIX", "create_app"]
