"""The readiness engine's catalogue (gettext domain ``readiness``): every sentence the engine writes.

``_("Rests on %(count)s peers’ sheets.", count=...)`` translates into the current language
(``rubrics.language.current()``) when it is called, so text made during a German request is German.
Module-level texts are marked with ``N_`` and translated where they are used: ``TranslatedLabels`` is a
mapping whose values are translated on every lookup (``GROUP_LABELS[MANAGER]`` is "Managers" or
"Führungskräfte" depending on the language at that moment).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from .language import Catalogue, catalogue_dir

catalogue = Catalogue(catalogue_dir("rubrics"), "readiness")
_ = catalogue.gettext
ngettext = catalogue.ngettext


def N_(message: str) -> str:
    """Marks a string for extraction without translating it (it is translated where it is shown)."""
    return message


class TranslatedLabels(Mapping[str, str]):
    """Read-only labels by id, translated into the current language on each lookup."""

    def __init__(self, source: Mapping[str, str]) -> None:
        self.source = dict(source)

    def __getitem__(self, key: str) -> str:
        return _(self.source[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self.source)

    def __len__(self) -> int:
        return len(self.source)

    def __repr__(self) -> str:
        return f"TranslatedLabels({self.source!r})"
