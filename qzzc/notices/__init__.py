"""Rendering notices and forms: Jinja2 templates for HTML and Markdown, openpyxl for xlsx."""
