"""Ways of answering a question, each behind the `Route` protocol: the answerer tries them in order."""

from assistant.routes.base import Route, Turn

__all__ = ["Route", "Turn"]
