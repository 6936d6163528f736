"""OpsLadder: the Flask application. The factory is ``app.create_app``; docs/architecture.md draws the layers."""

from .app import create_app

__all__ = ["create_app"]
