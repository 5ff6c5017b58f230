"""Figures as image bytes that are the same on every run: SVG for reading (sharp at any zoom, with a <title> on the
marks a reader can hover or focus), and a palette PNG at twice the density for reuse and for viewers that show no SVG."""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape

import matplotlib as mpl
import matplotlib.pyplot as plt

from . import theme


def svg_bytes(fig, prefix: str = "") -> bytes:
    """SVG of a figure: text drawn as paths (no font needed to read it), fixed ids (``svg.hashsalt``), no date, and a
    ``<title>`` inside every element the figure function gave a tip (``fig.gba_tips``).

    ``prefix`` goes before every id (and every reference to one), so that several figures inline in one page never
    share an id.
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = buf.getvalue().decode("utf-8")
    for gid, tip in getattr(fig, "gba_tips", {}).items():
        # inside the link when the artist has one (matplotlib's set_url): the title then names the link for a screen
        # reader and shows on hover and focus
        svg = re.sub(
            rf'(<g id="{re.escape(gid)}"[^>]*>(?:\s*<a [^>]*>)?)',
            lambda m, t=tip: f"{m.group(1)}\n  <title>{escape(t)}</title>",
            svg,
            count=1,
        )
    # matplotlib opens every link in a new window; a link to another page of the site opens where the reader is
    svg = re.sub(r'(<a xlink:href="[^"]*") target="_blank"', r"\1", svg)
    svg = svg[svg.index("<svg") :]  # the XML declaration and doctype are for files; inline in HTML they are not allowed
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, count=1, flags=re.S)  # RDF about the file, not the chart
    if prefix:
        ids = set(re.findall(r'\bid="([^"]+)"', svg))
        svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
        svg = re.sub(
            r'(href="#|url\(#)([^")]+)', lambda m: f"{m.group(1)}{prefix}-{m.group(2)}" if m.group(2) in ids else m.group(0), svg
        )
    return svg.encode("utf-8")


def png_bytes(fig, scale: float = 2.0) -> bytes:
    """PNG of a figure, byte-stable and small: fixed dpi (``scale`` times the theme's), no metadata, 256-colour palette.

    The palette is :func:`palette_image`'s (exact up to 256 colours, the most frequent kept exact above). Transparency
    is laid on white. The pixels come from Agg as they are drawn (no PNG written and read back in between), and an
    opaque figure skips the laying on white.
    """
    from PIL import Image

    dpi = theme.DPI * scale
    buf = io.BytesIO()
    # text unhinted, as the SVG's text (outlines) and the layout measured from it: hinted glyph advances at this density
    # add up along a long label (one of chapter 2's drew 4 px wider, to 1 px from the edge), so the PNG would not be
    # laid out quite as the SVG is
    with mpl.rc_context({"text.hinting": "no_hinting"}):
        fig.savefig(buf, format="rgba", dpi=dpi)
    raw = buf.getvalue()
    width, height = _pixels(fig, dpi, len(raw) // 4)
    rgba = Image.frombuffer("RGBA", (width, height), raw, "raw", "RGBA", 0, 1)
    if rgba.getextrema()[3][0] < 255:
        rgba = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
    out = io.BytesIO()
    palette_image(rgba).save(out, format="PNG")
    return out.getvalue()


def palette_image(image):
    """An RGB (or opaque RGBA) image as a 256-colour palette image, without dithering: the 256 most frequent colours
    exactly (ties by colour, so the palette is the same on every run), every other colour as the nearest of them (RGB
    distance).

    A chart is a few flat colours plus the blends that anti-aliasing makes along edges and glyphs: at most 256 colours
    the result is the image itself, and above it only those rare edge pixels move. Pillow's median cut, used before,
    took about twice as long on our charts and moved about twice as many pixels (it splits colour boxes by their
    spread, not by how often a colour is used): ``benchmarks/bench.py --only images`` measures both. Pillow's own
    mapping to a given palette is faster still but not exact (it turned white into (252, 252, 252)).
    """
    import numpy as np
    from PIL import Image

    rgba = image if image.mode == "RGBA" else image.convert("RGBA")
    width, height = rgba.size
    counts = rgba.getcolors(maxcolors=width * height)
    counts.sort(key=lambda nc: (-nc[0], nc[1]))
    colours = np.array([c[:3] for _, c in counts], dtype=np.int64).reshape(-1, 3)
    kept = colours[:256]
    if len(colours) > len(kept):
        index = ((colours[:, None, :] - kept[None, :, :]) ** 2).sum(axis=2).argmin(axis=1).astype(np.uint8)
    else:
        index = np.arange(len(colours), dtype=np.uint8)
    # each pixel's colour as one number, read straight from the bytes (R, G, B, A little-endian: R | G << 8 | B << 16)
    codes = np.frombuffer(rgba.tobytes(), dtype="<u4") & 0xFFFFFF
    lookup = np.zeros(1 << 24, dtype=np.uint8)  # 16 MB, one entry per possible colour: a gather, not a search
    lookup[colours[:, 0] | (colours[:, 1] << 8) | (colours[:, 2] << 16)] = index
    out = Image.fromarray(lookup[codes].reshape(height, width), "P")
    out.putpalette(kept.astype(np.uint8).tobytes())
    return out


def svg_and_png(fig, prefix: str = "", scale: float = 2.0) -> tuple[bytes, bytes]:
    """Both images of a figure, the PNG drawn with the layout the SVG was drawn with.

    A layout engine (constrained layout, in our theme) lays a figure out again on every draw, from text sizes measured
    at the density being drawn. Hinting makes those sizes differ by a fraction of a pixel between the SVG's 72 dpi and
    the PNG's, so a second layout moves the axes by up to a few tenths of a percent; and a figure whose decorations
    depend on the axes' width (the policy timeline) is not a fixed point of the layout at all, so every draw moves it
    a little. Drawing the PNG with the engine switched off keeps the SVG's layout: the two images are the same chart,
    the PNG depends only on the figure (the same bytes on every run), and the second layout's cost (savefig's extra
    draw to run the engine) is not paid. The engine is put back afterwards, so the figure is left as it was given.
    """
    svg = svg_bytes(fig, prefix=prefix)
    engine = fig.get_layout_engine()
    if engine is None:
        return svg, png_bytes(fig, scale)
    # no engine at all, not matplotlib's "none" placeholder: with any engine set, savefig first draws the figure once
    # without rendering just to run the layout, which is most of the cost saved here
    with mpl.rc_context({"figure.constrained_layout.use": False, "figure.autolayout": False}):
        fig.set_layout_engine(None)
    try:
        png = png_bytes(fig, scale)
    finally:
        fig.set_layout_engine(engine)
    return svg, png


def _pixels(fig, dpi: float, count: int) -> tuple[int, int]:
    """The width and height in pixels of ``fig`` drawn at ``dpi`` (Agg truncates its bounding box; ``count`` pixels were
    drawn, which settles a size that floating point leaves a pixel either side)."""
    w, h = fig.get_size_inches() * dpi
    for width in (int(w), round(w)):
        for height in (int(h), round(h)):
            if width * height == count:
                return width, height
    raise ValueError(f"a figure of {w:.2f} x {h:.2f} px gave {count} pixels")


def close(fig) -> None:
    plt.close(fig)
