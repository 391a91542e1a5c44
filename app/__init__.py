"""bzpeer: a scholarly metadata REST API over arXiv metadata."""
