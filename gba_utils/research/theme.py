"""One look for every figure, and a Chinese font that ``pip install`` brings.

The font is Noto Sans SC (SIL Open Font License 1.1) from the PyPI package
``pylopdf-fonts-zh-cn``; it is registered with matplotlib's font manager at run time,
so no system font is needed and no glyph is drawn as a box. ``mplfonts`` was not
chosen because it also bundles SimHei, a proprietary font.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

FONT_FAMILY = "Noto Sans SC"
FONT_PACKAGE = "pylopdf_fonts_zh_cn"
FONT_FILE = "NotoSansSC-Regular.otf"

#: Colours (colour-blind safe, Okabe–Ito) keyed by meaning, shared by every figure.
PALETTE = {
    "government": "#0072B2",
    "society": "#009E73",
    "economy": "#E69F00",
    "actual": "#0072B2",
    "target": "#D55E00",
    "forecast": "#CC79A7",
    "printed": "#D55E00",
    "coded": "#56B4E9",
    "neutral": "#999999",
    "global": "#000000",
    "cn": "#D55E00",
    "guangdong": "#0072B2",
    "hong_kong": "#CC79A7",
    "macao": "#009E73",
    "city": "#E69F00",
}
SEQUENTIAL = "Blues"
DPI = 110


def font_path() -> Path:
    """Path of the bundled Noto Sans SC font file."""
    return Path(str(resources.files(FONT_PACKAGE).joinpath(FONT_FILE)))


@functools.cache
def _register_font() -> None:
    """Make the bundled font known to matplotlib (once per process)."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(font_path()))


def use() -> None:
    """Register the font and apply the theme; applied afresh on every call, so settings a notebook changed do not stay."""
    import matplotlib

    _register_font()
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook", font=FONT_FAMILY)
    matplotlib.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [FONT_FAMILY],
            "axes.unicode_minus": False,  # the font has no U+2212; use ASCII hyphen-minus
            "figure.dpi": DPI,
            "savefig.dpi": DPI,
            "figure.autolayout": False,
            "figure.constrained_layout.use": True,
            "axes.titlesize": 12,
            "axes.titleweight": "normal",
            "axes.labelsize": 10,
            "xtick.labelsize": 9,
            "ytick.labelsize": 9,
            "legend.fontsize": 9,
            "svg.hashsalt": "gba-2022",
            "path.simplify": True,
        }
    )
