"""PDF reports: one A4 page per municipality and a region summary (issue 13, item 2).

`data` builds the report data from the engine's metric functions (published figures
only), `render` formats it in Danish or English and draws the charts (`charts`), `pdf`
lays it out with Typst, `batch` writes the files. Never imports streamlit.
"""

from ips_data.reports.batch import (
    municipality_pdf,
    region_pdf,
    report_filename,
    write_reports,
)
from ips_data.reports.data import ReportError, ReportScopeError, region_codes

__all__ = [
    "ReportError",
    "ReportScopeError",
    "municipality_pdf",
    "region_codes",
    "region_pdf",
    "report_filename",
    "write_reports",
]
