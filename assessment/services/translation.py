"""The web app's catalogue (domain ``messages``) for code that also runs outside a request.

Flask-Babel's ``gettext`` needs a request (its locale selector reads the signed-in person and the session), but
the scores workbook, the bulk export and the rater-quality sentences in HR's PDF are also made in background
jobs and on the command line. This reads the same catalogue object as Flask-Babel (``i18n.catalogue``) in
``rubrics.language.current()``, which every request sets to the request's language and ``exports.run_export`` to
the language of the person who started the job.
"""

from __future__ import annotations

from ..i18n import catalogue
_ = catalogue.gettext
ngettext = catalogue.ngettext


def pgettext(context: str, message: str) -> str:
    """``message`` translated in ``context`` (the scores' column names: "gap" there is not every "gap")."""
    return catalogue.translations().pgettext(context, message)
