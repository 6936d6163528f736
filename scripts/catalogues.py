"""The gettext catalogues: extract the strings, update the .po files, check and compile them.

    python scripts/catalogues.py update    extract every domain's strings and merge them into its .po files
    python scripts/catalogues.py check     every string translated, placeholders kept (exit 1 and a list if not)
    python scripts/catalogues.py compile   .po -> .mo for every domain and language (the install step runs it)

Three domains, each beside the code whose strings it holds: the web app (``assessment``, domain ``messages``,
read by Flask-Babel), the readiness engine (``rubrics``, ``readiness``) and the PDF reports (``reports``,
``reports``). English is the source language and has no catalogue.
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rubrics.language import CATALOGUES, DEFAULT_LANGUAGE, LANGUAGES, catalogue_dir  # noqa: E402

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "lazy_ngettext": (1, 2), "N_": None, "pgettext": ((1, "c"), 2)}
METHODS = [("**/templates/**.html", "jinja2"), ("**/templates/**.txt", "jinja2"), ("**.py", "python")]
JINJA_OPTIONS = {"trimmed": "true", "extensions": "jinja2.ext.do"}
#: Fixed header dates and no "#: file:line" comments: a .po file changes only when its strings do, so
#: branches that add strings merge cleanly (scripts/po_merge.py merges what is left).
STABLE_DATE = datetime(2026, 12, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Domain:
    package: str
    name: str

    @property
    def directory(self) -> Path:
        return catalogue_dir(self.package)

    def po(self, language: str) -> Path:
        return self.directory / language / "LC_MESSAGES" / f"{self.name}.po"


DOMAINS = tuple(Domain(package, name) for package, name in CATALOGUES)
TRANSLATED = tuple(lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE)


def extract(domain: Domain) -> Catalog:
    """Every translatable string in the domain's package, with where it occurs."""
    template = Catalog(project="OpsLadder", fuzzy=False, creation_date=STABLE_DATE)
    options = {"**/templates/**.html": JINJA_OPTIONS, "**/templates/**.txt": JINJA_OPTIONS}
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT / domain.package), METHODS, options, KEYWORDS, strip_comment_tags=True):
        template.add(message, None, [(f"{domain.package}/{filename}", lineno)], auto_comments=comments,
                     context=context)
    return template


def read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def update() -> None:
    for domain in DOMAINS:
        template = extract(domain)
        for language in TRANSLATED:
            path = domain.po(language)
            catalog = read(path) if path.exists() else Catalog(locale=language, domain=domain.name)
            catalog.update(template, no_fuzzy_matching=True)
            write(path, catalog)
            print(f"{path.relative_to(ROOT)}: {len(catalog)} strings")


def write(path: Path, catalog: Catalog) -> None:
    catalog.project, catalog.version, catalog.fuzzy = "OpsLadder", "", False
    catalog.copyright_holder, catalog.msgid_bugs_address = "OpsLadder", ""
    catalog.creation_date = catalog.revision_date = STABLE_DATE
    catalog.last_translator = catalog.language_team = "OpsLadder"
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=110, sort_output=True, ignore_obsolete=True, no_location=True)
    if path.exists() and path.read_bytes() == buffer.getvalue():
        return  # unchanged: keep its time, so the compiled catalogue stays current
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def problems() -> list[str]:
    """Every string without a usable translation, as "file: msgid: problem"."""
    out = []
    for domain in DOMAINS:
        wanted = extract(domain)
        for language in TRANSLATED:
            path = domain.po(language)
            name = path.relative_to(ROOT)
            catalog = read(path) if path.exists() else Catalog(locale=language)
            for message in wanted:
                if not message.id:
                    continue
                found = catalog.get(message.id, message.context)
                key = message.id if isinstance(message.id, str) else message.id[0]
                where = ", ".join(f"{f}:{n}" for f, n in message.locations[:2])
                if found is None:
                    out.append(f"{name}: {key!r} ({where}): not in the catalogue")
                elif found.fuzzy or not all(found.string if isinstance(found.string, tuple) else [found.string]):
                    out.append(f"{name}: {key!r} ({where}): not translated")
            for message, errors in catalog.check():
                out.extend(f"{name}: {message.id!r}: {error}" for error in errors)
    return out


def compile_all() -> None:
    for domain in DOMAINS:
        for language in TRANSLATED:
            path = domain.po(language)
            if not path.exists():
                continue
            catalog = read(path)
            with path.with_suffix(".mo").open("wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "check":
        found = problems()
        print("\n".join(found) or "every string is translated")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
