"""Funder progress reports: figures from the records, charts, HTML/PDF/CSV/XLSX, monthly sending.

figures.py builds the numbers of one alliance for a period; portfolio.py one row per alliance;
charts.py draws them (matplotlib, SVG); render.py writes HTML, PDF, CSV and XLSX; service.py is
what the CLI (cli.py), the web pages (web/reports.py) and the monthly flow (delivery.py) call.
"""

#: The formats a report is written in (the CLI's help lists them without loading the renderers).
FORMATS = ("pdf", "html", "csv", "xlsx")
