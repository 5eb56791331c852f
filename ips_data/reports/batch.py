"""Reports as PDF bytes and as files: `<code>-<name>.pdf` per municipality and
`region-<code>.pdf` for a region summary."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ips_data.formatting import Lang
from ips_data.loading.database import Dataset
from ips_data.metrics import rollout
from ips_data.metrics.filters import Filters
from ips_data.municipalities import MUNICIPALITIES
from ips_data.protection.disclosure import DisclosurePolicy
from ips_data.reports import data, pdf, render


def report_filename(code: int) -> str:
    """'101-København.pdf'."""
    return f"{code}-{MUNICIPALITIES[code].name}.pdf"


def region_filename(region: int) -> str:
    return f"region-{region}.pdf"


def municipality_pdf(ds: Dataset, filters: Filters, policy: DisclosurePolicy, code: int,
                     lang: Lang = "da") -> bytes:
    """The one-page report of municipality ``code`` (refused outside ``filters.scope``)."""
    report = data.municipality_report(ds, filters, policy, code)
    texts, svgs = render.municipality_document(report, lang)
    return pdf.compile_pdf("municipality", texts, svgs)


def region_pdf(ds: Dataset, filters: Filters, policy: DisclosurePolicy, region: int,
               lang: Lang = "da") -> bytes:
    """The one-page summary of a region (refused unless the scope covers it all)."""
    report = data.region_report(ds, filters, policy, region)
    texts, svgs = render.region_document(report, lang)
    return pdf.compile_pdf("region", texts, svgs)


def region_members(ds: Dataset, filters: Filters, policy: DisclosurePolicy,
                   region: int) -> tuple[int, ...]:
    """The region's municipalities that have a row in any table of the extract."""
    data.region_codes(region)
    rfilters = filters.model_copy(update={"municipalities": (), "region": region})
    return tuple(sorted(rollout.municipality_status(ds, rfilters, policy)["code"].to_list()))


def write_reports(ds: Dataset, filters: Filters, policy: DisclosurePolicy, out_dir: Path, *,
                  municipalities: Iterable[int] = (), region: int | None = None,
                  lang: Lang = "da") -> list[Path]:
    """Write the reports of the given municipalities, or of every municipality of
    ``region`` (those with data) and the region summary, into ``out_dir`` (created).

    Every code is checked (known, inside the scope) before anything is written."""
    codes = tuple(dict.fromkeys(municipalities))
    if region is not None:
        data.region_codes(region)
        codes = region_members(ds, filters, policy, region)
    for code in codes:
        data.check_municipality(code, filters)
    if region is None and not codes:
        raise data.ReportError("no municipality given: name one or more, or a region")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    if region is not None:
        path = out_dir / region_filename(region)
        path.write_bytes(region_pdf(ds, filters, policy, region, lang))
        written.append(path)
    for code in codes:
        path = out_dir / report_filename(code)
        path.write_bytes(municipality_pdf(ds, filters, policy, code, lang))
        written.append(path)
    return written
