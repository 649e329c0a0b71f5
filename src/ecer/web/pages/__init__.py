"""Server-rendered pages (Jinja2 + htmx + ECharts): one module per area, templates in web/templates."""
