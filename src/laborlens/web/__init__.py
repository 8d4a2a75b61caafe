"""Server-rendered dashboard pages (Jinja templates, static CSS and JS, no inline script)."""
