"""The report fonts: DejaVu Sans (regular and bold) from the system, registered once per process, and the
fallback fonts for characters DejaVu Sans lacks.

Helvetica, ReportLab's built-in, cannot print Ł, ś or Ş, so a Unicode TrueType font is embedded. The
directory is ``$OPSLADDER_FONT_DIR`` when set, else Debian's ``fonts-dejavu-core`` location. Fonts are
never downloaded.

DejaVu Sans covers Latin, Greek, Cyrillic, Hebrew and Arabic (with its joined presentation forms) but not
most emoji or CJK. Each character it lacks is set in the first fallback font that has it: Symbola
(``fonts-symbola``: emoji and symbols), then Droid Sans Fallback (``fonts-droid-fallback``: Chinese,
Japanese, Korean). A missing fallback font is skipped; a character no font has is printed as U+FFFD
(a visible "�"), never as an empty box.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from .ttf import SubsetFont

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}
DEFAULT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts/dejavu")


class FontNotFound(RuntimeError):
    """The report font is not installed where we look."""


def font_dirs() -> tuple[Path, ...]:
    configured = os.environ.get("OPSLADDER_FONT_DIR")
    return (Path(configured),) if configured else tuple(Path(d) for d in DEFAULT_DIRS)


@lru_cache(maxsize=1)
def register_fonts() -> tuple[str, str]:
    """Register DejaVu Sans and its bold face with ReportLab (once); return their names."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics

    tried = []
    for directory in font_dirs():
        paths = {name: directory / file for name, file in FILES.items()}
        tried += [str(p) for p in paths.values()]
        if all(p.is_file() for p in paths.values()):
            for name, path in paths.items():
                pdfmetrics.registerFont(SubsetFont(name, str(path)))
            addMapping(REGULAR, 0, 0, REGULAR)
            addMapping(REGULAR, 1, 0, BOLD)
            addMapping(REGULAR, 0, 1, REGULAR)
            addMapping(REGULAR, 1, 1, BOLD)
            return REGULAR, BOLD
    raise FontNotFound(
        "The report font DejaVu Sans was not found. Tried: "
        + ", ".join(tried)
        + ". Install Debian's fonts-dejavu-core, or set OPSLADDER_FONT_DIR to a directory holding "
        + " and ".join(FILES.values())
        + "."
    )


#: Fallback fonts, in order: (name to register, candidate paths).
FALLBACKS = (
    ("Symbola", ("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",
                 "/usr/share/fonts/truetype/ancient-scripts/Symbola.ttf")),
    ("DroidSansFallback", ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
                           "/usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf")),
)
#: What is printed for a character no font has.
REPLACEMENT = "\ufffd"


@lru_cache(maxsize=1)
def fallback_fonts() -> tuple[str, ...]:
    """Register the fallback fonts that are installed (once); their names, in the order they are tried."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    register_fonts()
    names = []
    for name, paths in FALLBACKS:
        path = next((p for p in paths if Path(p).is_file()), None)
        if path is None:
            continue
        try:
            pdfmetrics.registerFont(TTFont(name, path))
        except Exception:  # a damaged or unsupported font file is skipped like a missing one
            continue
        names.append(name)
    return tuple(names)


@lru_cache(maxsize=16)
def coverage(font: str) -> frozenset[int]:
    """The code points ``font`` has a glyph for."""
    from reportlab.pdfbase import pdfmetrics

    return frozenset(pdfmetrics.getFont(font).face.charToGlyph)


def font_for(char: str, font: str) -> str | None:
    """The font that prints ``char``: ``font`` itself, else the first fallback that has it, else None."""
    code = ord(char)
    if code in coverage(font):
        return font
    return next((name for name in fallback_fonts() if code in coverage(name)), None)
