"""The report fonts: DejaVu Sans (regular and bold) from the system, registered once per process.

Helvetica, ReportLab's built-in, cannot print Ł, ś or Ş, so a Unicode TrueType font is embedded. The
directory is ``$OPSLADDER_FONT_DIR`` when set, else Debian's ``fonts-dejavu-core`` location. Fonts are
never downloaded.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

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
    from reportlab.pdfbase.ttfonts import TTFont

    tried = []
    for directory in font_dirs():
        paths = {name: directory / file for name, file in FILES.items()}
        tried += [str(p) for p in paths.values()]
        if all(p.is_file() for p in paths.values()):
            for name, path in paths.items():
                pdfmetrics.registerFont(TTFont(name, str(path)))
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
