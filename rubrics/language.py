"""Languages: which ones OpsLadder speaks, the current one, gettext catalogues and Babel formats.

Plain Python (no Flask), so the readiness engine, the PDF reports and the CLI translate the same way the web app
does. The current language is a context variable: the web app sets it for each request from the person's
setting, the CLI from ``--lang``, a report from the language it is asked for; ``use("de")`` sets it for a block.

Each package keeps its own catalogue domain beside its code (``rubrics/translations/<lang>/LC_MESSAGES/
readiness.po``, ``reports/translations/.../reports.po``, ``assessment/translations/.../messages.po``). The
compiled ``.mo`` files are made by the install step (``scripts/catalogues.py compile``), never committed.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from datetime import date, datetime
from pathlib import Path

from babel import Locale, dates, numbers
from babel.support import NullTranslations, Translations

#: The languages of the interface, the rubric, the e-mails and the reports; the first is the default.
LANGUAGES: tuple[str, ...] = ("en", "de")
DEFAULT_LANGUAGE = LANGUAGES[0]
#: Each language's name in itself, for the language switch.
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch"}

#: The Babel locale each language formats dates and numbers with (British English: "15 April 2026").
FORMAT_LOCALES = {"en": "en_GB", "de": "de_DE"}

#: Every gettext catalogue of OpsLadder, as (package, domain): the one list the web app (which checks they are
#: compiled) and scripts/catalogues.py (which extracts, checks and compiles them) both read.
CATALOGUES: tuple[tuple[str, str], ...] = (("assessment", "messages"), ("rubrics", "readiness"), ("reports", "reports"))
_ROOT = Path(__file__).resolve().parent.parent


def catalogue_dir(package: str) -> Path:
    """The folder of a package's catalogues: ``<package>/translations/<lang>/LC_MESSAGES/<domain>.po``."""
    return _ROOT / package / "translations"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("opsladder_language", default=DEFAULT_LANGUAGE)


def normalise(language: str | None) -> str | None:
    """``"de"``, ``"de-AT"``, ``"DE_ch"`` -> ``"de"``; None for a language OpsLadder does not speak."""
    if not language:
        return None
    code = str(language).replace("-", "_").split("_")[0].strip().lower()
    return code if code in LANGUAGES else None


def current() -> str:
    """The language text is produced in now."""
    return _current.get()


#: Counts the times a catalogue was pointed elsewhere (``Catalogue.override``, tests only).
_catalogue_generation = 0


def texts_key() -> tuple[str, int]:
    """What translated text kept between requests depends on: the current language and which catalogues were read.
    A cache of translated text keys on this, not on the language alone, so it is never served from catalogues
    that have since been replaced."""
    return _current.get(), _catalogue_generation


def set_current(language: str | None) -> contextvars.Token:
    """Make ``language`` current (an unknown one gives the default); returns the token to reset with."""
    return _current.set(normalise(language) or DEFAULT_LANGUAGE)


def reset(token: contextvars.Token) -> None:
    """Undo a ``set_current``."""
    _current.reset(token)


@contextmanager
def use(language: str | None) -> Iterator[str]:
    """Produce text in ``language`` inside the block: ``with use("de"): report_pdf(data)``."""
    token = set_current(language)
    try:
        yield current()
    finally:
        reset(token)


class Catalogue:
    """One gettext domain in one folder, translated into the current language when a string is asked for.

    ``_ = Catalogue(folder, "reports").gettext`` reads like ordinary gettext and is found by ``pybabel extract``.
    Variables are filled in ``%(name)s`` style after translation, as Flask-Babel does.
    """

    def __init__(self, directory: Path | str, domain: str) -> None:
        self.directory = Path(directory)
        self.domain = domain
        self._loaded: dict[str, NullTranslations] = {}
        self._overrides: list[Path] = []

    def translations(self, language: str | None = None) -> NullTranslations:
        language = normalise(language) or current()
        found = self._loaded.get(language)
        if found is None:
            found = NullTranslations()
            for directory in [self.directory, *self._overrides]:
                loaded = Translations.load(str(directory), [language], self.domain)
                if isinstance(loaded, Translations):
                    found = loaded if not isinstance(found, Translations) else found.merge(loaded)
            self._loaded[language] = found
        return found

    def override(self, directory: Path | str | None) -> None:
        """Tests only: read this folder's catalogues over the shipped ones (None: back to the shipped ones)."""
        global _catalogue_generation
        self._overrides = [] if directory is None else [Path(directory)]
        self._loaded.clear()
        _catalogue_generation += 1

    def gettext(self, message: str, **variables) -> str:
        text = self.translations().gettext(message)
        return text % variables if variables else text

    def ngettext(self, singular: str, plural: str, num: int, **variables) -> str:
        variables.setdefault("num", num)
        return self.translations().ngettext(singular, plural, num) % variables


def locale() -> Locale:
    """The Babel locale of the current language."""
    return _babel_locale(FORMAT_LOCALES[current()])


@cache
def _babel_locale(code: str) -> Locale:
    # Parsed once per language: a results page formats some 800 numbers, each asking for the locale.
    return Locale.parse(code)


def number(value: float | int, digits: int = 1) -> str:
    """A number in the current language's format with exactly ``digits`` decimals: 3.9 / 3,9."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return numbers.format_decimal(value, format=pattern, locale=locale(), decimal_quantization=True)


def percent(fraction: float, digits: int = 0) -> str:
    """A fraction as a percentage in the current language: 0.893 -> "89.3%" / "89,3 %"."""
    decimals = "." + "0" * digits if digits else ""
    pattern = locale().percent_formats[None].pattern.replace("#,##0", "#,##0" + decimals, 1)
    return numbers.format_percent(fraction, format=pattern, locale=locale(), decimal_quantization=True)


def long_date(value: date | datetime) -> str:
    """"15 April 2026" / "15. April 2026"."""
    return dates.format_date(value, format="long", locale=locale())


def date_time(value: datetime) -> str:
    """A date and time (UTC) for lists and audit lines: "15 Apr 2026, 14:03 UTC" / "15.04.2026, 14:03 UTC"."""
    return (f"{dates.format_date(value, format='medium', locale=locale())}, "
            f"{dates.format_time(value, format='short', locale=locale())} UTC")
