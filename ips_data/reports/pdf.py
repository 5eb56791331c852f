"""Typst (the `typst` Python package, offline) lays the report out as a PDF.

The templates live beside this module (`templates/*.typ`); the texts arrive as JSON and
the charts as SVG through `sys.inputs`, so nothing from the data is ever parsed as Typst
markup. Fonts: DejaVu Sans from matplotlib's own font folder (system fonts are ignored),
so a report looks the same on every machine and Danish letters always render.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib
import typst

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def _fonts() -> typst.Fonts:
    """Fonts once per process: matplotlib's DejaVu family plus Typst's embedded fonts."""
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True,
                       font_paths=[str(folder)])


def compile_pdf(template: str, texts: dict[str, Any], svgs: dict[str, str]) -> bytes:
    """The PDF of ``templates/<template>.typ`` filled with ``texts`` and ``svgs``."""
    path = TEMPLATES / f"{template}.typ"
    if not path.is_file():
        raise FileNotFoundError(f"report template not found: {path}")
    inputs = {"data": json.dumps(texts, ensure_ascii=False), **svgs}
    compiler = typst.Compiler(str(path), root=str(TEMPLATES), font_paths=_fonts(),
                              ignore_system_fonts=True, sys_inputs=inputs)
    pdf = compiler.compile(format="pdf")
    if not isinstance(pdf, bytes):  # multi-page output of an image format only
        raise TypeError(f"Typst returned {type(pdf).__name__}, expected PDF bytes")
    return pdf
