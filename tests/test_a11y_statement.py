"""The accessibility statement page shows the README section "Tilgængelighed"."""

from __future__ import annotations

import re

import pytest

from ui import a11y


def test_statement_is_the_readme_section_without_html(tmp_path) -> None:
    """The statement page shows the README section "Tilgængelighed" (to the next "## "),
    which must hold no HTML tag outside code spans (it is rendered with HTML allowed,
    inside lang="en")."""
    text = a11y.statement_markdown()
    assert text.startswith("Facts for the organisation's accessibility statement")
    assert "WCAG 2.1 level AA" in text and "\n## " not in text
    prose = re.sub(r"`[^`]*`", "", text)  # code spans are shown as written
    assert not re.search(r"<[A-Za-z/]", prose), "HTML in the README's statement section"
    assert a11y.statement_html_block().startswith('<div lang="en">\n\n')
    readme = tmp_path / "README.md"
    readme.write_text("# X\n\n## Tilgængelighed\n\nA.\n\n### B\n\nC.\n\n## Next\n\nD.\n",
                      encoding="utf-8")
    assert a11y.statement_markdown(readme) == "A.\n\n### B\n\nC."
    readme.write_text("# X\n", encoding="utf-8")
    with pytest.raises(LookupError, match=r"README\.md: no section '## Tilgængelighed'"):
        a11y.statement_markdown(readme)
