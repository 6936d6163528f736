"""The reports' gettext catalogue (domain ``reports``): every string of the PDFs goes through ``_``/``ngettext``.

Plain Python, no Flask: the text comes out in ``rubrics.language.current()``, which the caller sets with
``with language.use(data.language)`` (``render_report`` and ``render_panel_summary`` do it themselves).
``N_`` marks a module-level string for extraction; it is translated where it is used (``_(CONSTANT)``).
"""

from __future__ import annotations


from rubrics.language import Catalogue, catalogue_dir

catalogue = Catalogue(catalogue_dir("reports"), "reports")
_ = catalogue.gettext
ngettext = catalogue.ngettext


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now (module level); ``_()`` it where it is shown."""
    return message
