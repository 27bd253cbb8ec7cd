"""Turning domain objects into text: note HTML, board Markdown, files on disk."""
