"""The web app's language: Flask-Babel and each person's choice (the header's switch is ``main.language``).

The language of a request is the signed-in person's setting; failing that the one chosen with the header switch
before signing in (kept in the session); failing that the best match for the browser's Accept-Language; failing
that English. The readiness engine and the reports produce their text in ``rubrics.language.current()``, which
is set to the same language for the whole request.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from babel import dates
from flask import g, has_request_context, request, session
from flask_babel import Babel, Domain, force_locale, get_locale, refresh
from flask_login import current_user

from rubrics import language

from .labels import closeness_label, cycle_state_label, group_label, known_for_label, period_label, role_label, \
    seen_in_label, status_label

TRANSLATIONS_DIR = language.catalogue_dir("assessment")
#: Every folder of compiled catalogues the app depends on (the engine's and the reports' too).
CATALOGUE_DIRS = tuple(language.catalogue_dir(package) for package, _domain in language.CATALOGUES)
#: The web app's catalogue (domain ``messages``), read once: Flask-Babel's pages and e-mails read it through
#: ``CatalogueDomain``, code that also runs outside a request through ``services.translation``.
catalogue = language.Catalogue(TRANSLATIONS_DIR, "messages")


class CatalogueDomain(Domain):
    """Flask-Babel's domain, translating from ``catalogue`` in the locale Flask-Babel chose for the request."""

    def get_translations(self):
        locale = get_locale()
        return catalogue.translations(str(locale) if locale is not None else None)

def full_date(value) -> str:
    """A day with its weekday, for e-mails: "Friday, 18 December 2026" / "Freitag, 18. Dezember 2026"."""
    return "" if value is None else dates.format_date(value, format="full", locale=language.locale())


@contextmanager
def speaking(lang: str | None) -> Iterator[str]:
    """Write text in ``lang`` inside the block (an e-mail to someone, a CLI message): Flask-Babel's gettext,
    the engine's and the reports' catalogues and Babel's formats alike; an unknown language gives English."""
    chosen = language.normalise(lang) or language.DEFAULT_LANGUAGE
    with force_locale(chosen), language.use(chosen):
        yield chosen


def select_language() -> str:
    """The language of this request (see the module's docstring); outside a request (the CLI, a worker) the
    current ``rubrics.language``, which ``opsladder --lang`` / OPSLADDER_LANG set (cli.py)."""
    if not has_request_context():
        return language.current()
    chosen = getattr(current_user, "language", None) if current_user and current_user.is_authenticated else None
    chosen = language.normalise(chosen) or language.normalise(session.get("language"))
    return chosen or request.accept_languages.best_match(language.LANGUAGES) or language.DEFAULT_LANGUAGE


def stale_catalogues() -> list[str]:
    """Catalogues whose compiled .mo is missing or older than the .po it is compiled from."""
    out = []
    for folder in CATALOGUE_DIRS:
        for po in sorted(folder.glob("*/LC_MESSAGES/*.po")):
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
                out.append(str(po))
    return out


def _start_request() -> None:
    refresh()  # Flask-Babel keeps the locale on g, which a test client's requests may share
    g.language_token = language.set_current(str(get_locale()))


def _end_request(_exc=None) -> None:
    token = g.pop("language_token", None)
    if token is not None:
        language.reset(token)


def register(app) -> None:
    problems = stale_catalogues()
    if problems:
        raise RuntimeError("The compiled translations are missing or older than their catalogues "
                           f"({', '.join(problems)}): run `make install` (python scripts/catalogues.py compile).")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", language.DEFAULT_LANGUAGE)
    # One Babel per app, translating from the one reader of messages.po (``catalogue``; a test points it at other
    # folders with ``Catalogue.override``).
    babel = Babel(app, locale_selector=select_language)
    babel.domain_instance = CatalogueDomain()
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.globals.update(current_language=language.current, language_names=language.LANGUAGE_NAMES)
    app.jinja_env.filters.update(status_label=status_label, group_label=group_label, role_label=role_label,
                                 cycle_state_label=cycle_state_label, full_date=full_date,
                                 seen_in_label=seen_in_label, known_for_label=known_for_label,
                                 closeness_label=closeness_label, period=period_label)
    app.before_request(_start_request)
    app.teardown_request(_end_request)
