"""A Word document laid out as a Chinese government document (党政机关公文格式, GB/T 9704-2012).

- A4, margins: top 37 mm, left (binding) 28 mm, so the 156 × 225 mm type area leaves right 26 mm and
  bottom 35 mm (GB/T 9704-2012 §5.2.1–5.2.2);
- 发文机关标志 in red 小标宋, 发文字号 centred under it, a red rule (§7.2);
- title in 2号 (22 pt) 方正小标宋简体, centred (§7.3.1); body in 3号 (16 pt) 仿宋_GB2312, fixed 28 pt
  line spacing, first-line indent of two characters (§5.2.3, §7.3.3);
- headings numbered 一、 (黑体) （一） (楷体_GB2312) 1. (仿宋_GB2312, bold) (§7.3.3);
- page numbers “— 1 —” in 4号 宋体 (§7.5).

The fonts are named in the document (w:eastAsia) so it renders right on users' PCs that have them;
each also carries its customary fallback (w:altName in the font table: 仿宋_GB2312 → 仿宋 …). The
PDF path maps them to installed CJK fonts (``fonts.conf``).
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import Any

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", HEADING2_FONT: "楷体", HEADING1_FONT: "SimHei"}
RED = "C00000"
CHINESE_NUMERALS = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (heading numbers).

    >>> [chinese_number(n) for n in (1, 10, 12, 20, 23)]
    ['一', '十', '十二', '二十', '二十三']
    """
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, units = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_NUMERALS[tens - 1]
    return head + "十" + (CHINESE_NUMERALS[units - 1] if units else "")


def _fonts(run: Any, east_asia: str, size_pt: float, bold: bool = False, color: str | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run.font.name = LATIN_FONT
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    r_pr = run._element.get_or_add_rPr()
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.insert(0, r_fonts)
    for attr in ("w:ascii", "w:hAnsi"):
        r_fonts.set(qn(attr), LATIN_FONT)
    r_fonts.set(qn("w:eastAsia"), east_asia)


class GovDocument:
    """Build a GB/T 9704 document: ``heading(1, …)`` numbers itself 一、, ``heading(2, …)`` （一）…"""

    def __init__(self, issuer: str, doc_number: str, title: str) -> None:
        from docx import Document
        from docx.shared import Mm

        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        self._counters = [0, 0, 0]
        self._default_style()
        self._page_numbers()
        self._masthead(issuer, doc_number)
        self._title(title)

    # --- layout -------------------------------------------------------------------------------
    def _default_style(self) -> None:
        from docx.oxml.ns import qn
        from docx.shared import Pt

        style = self.doc.styles["Normal"]
        style.font.name = LATIN_FONT
        style.font.size = Pt(16)
        r_pr = style.element.get_or_add_rPr()
        r_fonts = r_pr.find(qn("w:rFonts"))
        if r_fonts is None:
            r_fonts = r_pr.makeelement(qn("w:rFonts"), {})
            r_pr.insert(0, r_fonts)
        r_fonts.set(qn("w:eastAsia"), BODY_FONT)
        style.paragraph_format.line_spacing = Pt(28)
        style.paragraph_format.space_before = Pt(0)
        style.paragraph_format.space_after = Pt(0)
        self._font_table()

    def _font_table(self) -> None:
        """Declare the customary fonts with their fallbacks (w:altName) in the font table."""
        from docx.oxml.ns import qn

        part = next((rel.target_part for rel in self.doc.part.rels.values() if rel.reltype.endswith("/fontTable")),
                    None)
        if part is None:
            return
        from lxml import etree

        root = etree.fromstring(part.blob)
        for name, alt in FALLBACKS.items():
            font = etree.SubElement(root, qn("w:font"), {qn("w:name"): name})
            etree.SubElement(font, qn("w:altName"), {qn("w:val"): alt})
            etree.SubElement(font, qn("w:charset"), {qn("w:val"): "86"})
            etree.SubElement(font, qn("w:family"), {qn("w:val"): "modern" if name == HEADING1_FONT else "roman"})
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _page_numbers(self) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        paragraph = self.doc.sections[0].footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fonts(paragraph.add_run("— "), PAGE_NUMBER_FONT, 14)
        run = paragraph.add_run()
        _fonts(run, PAGE_NUMBER_FONT, 14)
        for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
            if kind:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            else:
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = text
            run._element.append(element)
        _fonts(paragraph.add_run(" —"), PAGE_NUMBER_FONT, 14)

    def _masthead(self, issuer: str, doc_number: str) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt

        head = self.doc.add_paragraph()
        head.alignment = WD_ALIGN_PARAGRAPH.CENTER
        head.paragraph_format.line_spacing = Pt(48)
        # §7.2.2: the issuer's mark is at most the type area's width (156 mm): 26 pt fits 16 characters
        size = 26 if len(issuer) <= 16 else max(16, int(156 / 0.3528 / len(issuer)))
        _fonts(head.add_run(issuer), TITLE_FONT, size, color=RED)
        number = self.doc.add_paragraph()
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        number.paragraph_format.space_before = Pt(16)
        _fonts(number.add_run(doc_number), BODY_FONT, 16)
        p_pr = number._element.get_or_add_pPr()
        border = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "8"), ("w:color", RED)):
            bottom.set(qn(key), value)
        border.append(bottom)
        p_pr.append(border)

    def _title(self, title: str) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        self.doc.add_paragraph()
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.line_spacing = Pt(36)
        _fonts(paragraph.add_run(title), TITLE_FONT, 22)
        self.doc.add_paragraph()

    # --- content ------------------------------------------------------------------------------
    def heading(self, level: int, text: str) -> str:
        """Add a numbered heading (一、 / （一） / 1.); returns the numbered text."""
        from docx.shared import Pt

        self._counters[level - 1] += 1
        for deeper in range(level, 3):
            self._counters[deeper] = 0
        n = self._counters[level - 1]
        numbered = {1: f"{chinese_number(n)}、{text}", 2: f"（{chinese_number(n)}）{text}", 3: f"{n}. {text}"}[level]
        paragraph = self.doc.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(32)
        paragraph.paragraph_format.keep_with_next = True
        font = {1: HEADING1_FONT, 2: HEADING2_FONT, 3: BODY_FONT}[level]
        _fonts(paragraph.add_run(numbered), font, 16, bold=level == 3)
        return numbered

    def paragraph(self, text: str, *, indent: bool = True, bold: bool = False, align: str | None = None) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        paragraph = self.doc.add_paragraph()
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(32)
        if align == "right":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif align == "center":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fonts(paragraph.add_run(text), BODY_FONT, 16, bold=bold)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[Any]], caption: str | None = None,
              size_pt: float = 10.5) -> None:
        """A bordered table in 5号 (10.5 pt) 仿宋, headers in 黑体; captions above, centred."""
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        if caption:
            paragraph = self.doc.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _fonts(paragraph.add_run(caption), HEADING1_FONT, 12)
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, header in zip(table.rows[0].cells, headers, strict=True):
            cell.text = ""
            par = cell.paragraphs[0]
            par.alignment = WD_ALIGN_PARAGRAPH.CENTER
            par.paragraph_format.line_spacing = Pt(size_pt * 1.4)
            _fonts(par.add_run(str(header)), HEADING1_FONT, size_pt)
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = ""
                par = cell.paragraphs[0]
                par.alignment = WD_ALIGN_PARAGRAPH.CENTER
                par.paragraph_format.line_spacing = Pt(size_pt * 1.4)
                _fonts(par.add_run("—" if value is None else str(value)), BODY_FONT, size_pt)
        self.doc.add_paragraph()

    def image(self, png: bytes, caption: str, width_mm: float = 150) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm

        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.line_spacing = 1.0  # a fixed 28 pt line would clip the picture
        paragraph.paragraph_format.keep_with_next = True
        paragraph.add_run().add_picture(BytesIO(png), width=Mm(width_mm))
        label = self.doc.add_paragraph()
        label.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fonts(label.add_run(caption), BODY_FONT, 12)

    def closing(self, issuer: str, date_text: str) -> None:
        """发文机关署名 and 成文日期, right-aligned, four characters from the right edge (§7.3.5)."""
        from docx.shared import Pt

        self.doc.add_paragraph()
        for text in (issuer, date_text):
            paragraph = self.doc.add_paragraph()
            paragraph.alignment = 2  # right
            paragraph.paragraph_format.right_indent = Pt(64)
            _fonts(paragraph.add_run(text), BODY_FONT, 16)

    def save(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.doc.save(str(path))
        return path
