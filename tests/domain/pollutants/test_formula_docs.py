"""docs/emission-reductions.md is generated from the formula file and must not drift from it."""

from __future__ import annotations

from pathlib import Path

from ecer.domain.pollutants.formula_docs import render_markdown
from ecer.domain.pollutants.formulas import load_formulas

DOC = Path(__file__).resolve().parents[3] / "docs" / "emission-reductions.md"


def test_committed_page_is_current() -> None:
    """Regenerate with: python -m ecer.domain.pollutants.formula_docs > docs/emission-reductions.md"""
    assert DOC.read_text(encoding="utf-8") == render_markdown()


def test_page_shows_every_type_with_its_formula() -> None:
    page = render_markdown()
    for code in load_formulas().types:
        assert f"`{code}`" in page
    assert "**减排量 [t/a] = `Q` × (`C_in` − `C_out`) × 10⁻⁶**" in page
    assert "(`C_before` − `C_after`) × `V` × `H` × 10⁻⁹" in page
    assert "总量减排核算技术指南" in page
