"""Charts rendered on the server (matplotlib, Agg) with a CJK font, as PNG bytes for the documents.

The font is the first installed of ``CJK_FONTS`` (Debian's ``fonts-noto-cjk`` gives Noto Sans CJK SC,
installed by ``make system-deps``); without one the chart would show missing-glyph boxes, so
:func:`cjk_font` refuses instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from io import BytesIO

CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei",
             "Noto Sans CJK JP")


@cache
def cjk_font() -> str:
    """The installed CJK font family charts use."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    raise RuntimeError("no CJK font installed (Debian: fonts-noto-cjk; run make system-deps)")


def _figure(width_in: float = 7.5, height_in: float = 3.6):  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["font.family"] = [cjk_font()]
    plt.rcParams["axes.unicode_minus"] = False
    fig, ax = plt.subplots(figsize=(width_in, height_in), dpi=150)
    return plt, fig, ax


def _png(plt, fig) -> bytes:  # type: ignore[no-untyped-def]
    buffer = BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def grouped_bars(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], title: str,
                 ylabel: str, percent: bool = False, reference: float | None = None) -> bytes:
    """Bars per label for each named series (None drawn as no bar); optional horizontal reference line."""
    plt, fig, ax = _figure()
    count = max(1, len(series))
    width = 0.8 / count
    for k, (name, values) in enumerate(series):
        xs = [i + (k - (count - 1) / 2) * width for i in range(len(labels))]
        ys = [0.0 if v is None else (v * 100 if percent else v) for v in values]
        ax.bar(xs, ys, width=width, label=name)
    if reference is not None:
        ax.axhline(reference * 100 if percent else reference, color="#C00000", linewidth=1, linestyle="--")
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=45, ha="right", fontsize=8)
    ax.set_ylabel(ylabel + ("（%）" if percent else ""), fontsize=9)
    ax.set_title(title, fontsize=11)
    if len(series) > 1:
        ax.legend(fontsize=8)
    ax.grid(axis="y", linewidth=0.3)
    return _png(plt, fig)
