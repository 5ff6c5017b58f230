"""Figures as image bytes that are the same on every run."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt

from . import theme


def png_bytes(fig) -> bytes:
    """PNG of a figure, byte-stable and small: fixed dpi, no metadata, a 256-colour palette.

    Charts are a few flat colours plus anti-aliased edges, so a palette looks the same and makes the PNG well under half
    of matplotlib's full-colour file; pages, and the committed notebooks that carry the figures, shrink accordingly.
    Median cut without dithering is exact for figures of at most 256 colours (most of ours) and keeps the large flat
    colours exact otherwise (Pillow's faster octree shifts even the white background). Transparency is laid on white.
    """
    from PIL import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=theme.DPI, metadata={"Software": None})
    plt.close(fig)
    with Image.open(buf) as im:
        rgba = im.convert("RGBA")
    flat = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")
    out = io.BytesIO()
    flat.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(out, format="PNG")
    return out.getvalue()
