"""A pseudo-locale: every extracted string "translated" into visibly changed text between markers, and the
search for text on a page that is neither marked, nor known data, nor allowed (tests/test_i18n_pseudo.py).

``⟦Šàvé ðŕàƒţ⟧`` is what ``_("Save draft")`` gives under the pseudo-locale: placeholders (``%(name)s``,
``%(num)d``, ``{level}``), HTML tags and entities stay as they are, so the app renders the string as it would
render a real translation. Text a person reads that has Latin letters outside the markers, and is not a name
or comment the test typed, a text of the rubric, or an allowed word (the brand, role titles, ids, e-mail
addresses, numbers, dates), bypassed translation.
"""

from __future__ import annotations

import importlib
import json
import re
import subprocess
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from scripts import catalogues

OPEN, CLOSE = "\u27e6", "\u27e7"  # ⟦ ⟧ (DejaVu Sans has both: they survive into the PDF)
PSEUDO_LANGUAGE = "de"
_ACCENTS = str.maketrans("abcdefghijklnorstuwyzACDEGHIJKLNORSTUWYZ",
                         "àƀçðéƒĝĥîĵķľñöŕšţüŵýžÀÇÐÉĜĤÎĴĶĽÑÖŔŠŢÜŴÝŽ")
#: What a translation must keep as it is: printf and format placeholders, HTML tags, entities.
_KEEP = re.compile(r"%\([A-Za-z_]\w*\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%[-#0 +]*\d*(?:\.\d+)?[sdifr%]"
                   r"|\{[A-Za-z_]\w*\}|<[^<>]*>|&#?\w+;")


def pseudo(text: str) -> str:
    """``"Save <b>%(name)s</b>"`` -> ``"⟦Šàvé <b>%(name)s</b>⟧"``: changed letters, kept placeholders, markers."""
    if not text.strip():
        return text
    parts, last = [], 0
    for match in _KEEP.finditer(text):
        parts.append(text[last:match.start()].translate(_ACCENTS))
        parts.append(match.group())
        last = match.end()
    parts.append(text[last:].translate(_ACCENTS))
    body = "".join(parts)
    lead = len(body) - len(body.lstrip())
    trail = len(body.rstrip())
    return f"{body[:lead]}{OPEN}{body[lead:trail]}{CLOSE}{body[trail:]}"


def write_pseudo_catalogues(folder: Path) -> Path:
    """Every domain's extracted strings as a compiled pseudo catalogue under ``folder``/de/LC_MESSAGES."""
    target = folder / PSEUDO_LANGUAGE / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    for domain in catalogues.DOMAINS:
        catalog = Catalog(locale=PSEUDO_LANGUAGE, domain=domain.name)
        for message in catalogues.extract(domain):
            if not message.id:
                continue
            if isinstance(message.id, tuple):
                string = tuple(pseudo(message.id[min(i, 1)]) for i in range(catalog.num_plurals))
            else:
                string = pseudo(message.id)
            catalog.add(message.id, string, context=message.context)
        with (target / f"{domain.name}.mo").open("wb") as handle:
            write_mo(handle, catalog)
    return folder


#: The plain-Python catalogues (engine, reports): the modules that hold them, by the names docs/languages.md gives.
CATALOGUE_MODULES = ("rubrics.i18n", "reports.i18n")


def override_catalogues(folder: Path | None) -> list[str]:
    """Point every plain-Python catalogue at ``folder`` (None: back to the shipped ones): the engine's and the
    reports' (the names of those found are returned), and any other, wherever it was made (the CLI's)."""
    import gc

    from rubrics.language import Catalogue

    importlib.import_module("assessment.cli")
    for catalogue in [obj for obj in gc.get_objects() if isinstance(obj, Catalogue)]:
        catalogue.override(folder)
    found = []
    for name in CATALOGUE_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        catalogue = getattr(module, "catalogue", None)
        if isinstance(catalogue, Catalogue):
            catalogue.override(folder)
            found.append(name)
    return found


# --- what a page says ------------------------------------------------------------------------------------

#: Elements whose content nobody reads as text, or that show code: an event's kind id in <code>cycle.open</code>.
_SKIP = {"script", "style", "noscript", "code", "kbd", "samp"}
#: Elements that end a run of text (anything else, <b> or <a>, continues the sentence).
_BLOCK = {"address", "article", "aside", "blockquote", "body", "br", "button", "caption", "dd", "details",
          "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
          "h4", "h5", "h6", "head", "header", "hr", "html", "input", "label", "legend", "li", "main", "meta",
          "nav", "ol", "optgroup", "option", "p", "pre", "section", "select", "summary", "table", "tbody", "td",
          "textarea", "tfoot", "th", "thead", "title", "tr", "ul", "svg", "img"}
#: Elements that continue a run on a new line (a chart label wrapped into lines: <text> or <tspan> each).
_LINE = {"text", "tspan"}
_READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "aria-description", "aria-roledescription")
_SHOWN_VALUE = {"submit", "button", "reset"}
#: data- attributes that carry words for a script to show: by their name, or any with a space in its value
#: (single words in the others are URLs, ids and states: data-state="done").
_DATA_WORDS = re.compile(r"^data-(?:.*-)?(?:label|word|note|text|message|title|one|many|none|hint|confirm|"
                         r"needed|done|saving|saved|error)$")


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.attributes: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self._skipping += 1
        if tag in _BLOCK:
            self.text.append("\n")
        elif tag in _LINE:
            self.text.append(" ")
        values = dict(attrs)
        for name, value in attrs:
            if value and (name in _READ_ATTRIBUTES or (name.startswith("data-") and (
                    _DATA_WORDS.match(name) or (" " in value.strip() and "/" not in value)))):
                self.attributes.append(value)
        if tag == "input" and (values.get("type") or "").lower() in _SHOWN_VALUE and values.get("value"):
            self.attributes.append(values["value"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in _SKIP:
            self._skipping -= 1

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self._skipping = max(self._skipping - 1, 0)
        if tag in _BLOCK:
            self.text.append("\n")

    def handle_data(self, data):
        if not self._skipping:  # a line break in the page's source is a space, not the end of a run
            self.text.append(re.sub(r"\s", " ", data))


def html_runs(html: str) -> list[str]:
    """The page's runs of text (a run ends where a block ends) and the attributes people read, one run each."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return ["".join(reader.text), *reader.attributes]


def pdf_runs(pdf: bytes, path: Path) -> list[str]:
    """The PDF's text as pdftotext reads it in the order it was drawn (``-raw``: a table cell's lines stay
    together), as one run: lines are joined, and a word hyphenated at a line's end is joined again."""
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return [" ".join(re.sub(r"(?<=\w)-\n(?=\w)", "", text).split())]


def json_runs(payload) -> list[str]:
    """The string values of a JSON answer that a script may show (keys and URLs are not shown)."""
    out = []

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and not key.endswith("url") and key not in ("state", "status", "id", "kind"):
            out.append(value)

    walk(payload)
    return out


# --- known data and allowed words ------------------------------------------------------------------------

def strings_in(value) -> Iterable[str]:
    """Every string in nested dicts, lists and dataclass-free plain data."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings_in(k)
            yield from strings_in(v)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for v in value:
            yield from strings_in(v)


def rubric_texts(framework) -> set[str]:
    """Every text of the framework in every language: the pinned data and every YAML file beside the rubric."""
    import yaml

    import rubrics

    texts = set(strings_in(framework.data))
    for path in sorted((Path(rubrics.__file__).parent / "data").rglob("*.y*ml")):
        texts.update(strings_in(yaml.safe_load(path.read_text(encoding="utf-8"))))
    return texts


def other_language_texts(framework, language: str) -> set[str]:
    """The rubric's texts in every language but ``language``, where they differ from it ({en: ..., de: ...})."""
    import rubrics
    from rubrics.language import LANGUAGES

    def walk(value):
        if isinstance(value, dict):
            if language in value and set(value) <= set(LANGUAGES) and all(isinstance(v, str) for v in value.values()):
                yield from (v for k, v in value.items() if k != language and v != value[language])
            else:
                for v in value.values():
                    yield from walk(v)
        elif isinstance(value, list):
            for v in value:
                yield from walk(v)

    import yaml

    texts = set(walk(framework.data))
    for path in sorted((Path(rubrics.__file__).parent / "data").rglob("*.y*ml")):
        texts.update(walk(yaml.safe_load(path.read_text(encoding="utf-8"))))
    return texts


def wtforms_texts() -> set[str]:
    """WTForms' own messages in German, from its catalogue (they come translated, not through ours)."""
    import wtforms

    texts = set()
    for po in Path(wtforms.__file__).parent.glob(f"locale/{PSEUDO_LANGUAGE}/LC_MESSAGES/*.po"):
        for message in catalogues.read(po):
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            texts.update(s for s in strings if s)
    return texts


def file_format_names() -> set[str]:
    """Names that belong to a file format in each language (the import's column headings), not to the page."""
    from assessment.services import import_files, performance

    return {name for module in (import_files, performance) for attr in dir(module) if attr.endswith("_HEADERS")
            for name in strings_in(getattr(module, attr)) if isinstance(getattr(module, attr), dict)}


def calendar_words(language: str) -> set[str]:
    """Month and day names of ``language`` as Babel formats dates (long and abbreviated)."""
    locale = Locale.parse(language)
    words = set()
    for table in (locale.months, locale.days):
        for context in table.values():
            for width in context.values():
                words.update(width.values())
    return words


_ALLOWED_PATTERNS = [  # in this order: a file name may look like an id
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",        # e-mail addresses
    r"https?://\S+",                        # links in e-mails
    r"\b[\w-]+\.(?:pdf|csv|xlsx|zip|txt)\b",  # file names
    r"\b[0-9a-f]{12,64}\b",                # content hashes
    r"(?<![\w/])/(?:[\w.-]+/)*[\w.-]+",      # paths: /work/shared/seeds, /hr/outbox
    r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b",        # ids: strategic_planning, ready_now
]


_PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[sd]")


def _template(text: str) -> re.Pattern:
    """A known text with placeholders as a pattern: %(n)d a number, %(x)s anything."""
    parts, last = [], 0
    for match in _PLACEHOLDER.finditer(text):
        parts += [re.escape(text[last:match.start()]), r"\d+" if match.group().endswith("d") else r".+?"]
        last = match.end()
    return re.compile("".join(parts) + re.escape(text[last:]))
#: A decimal with a point, not part of a date, a version or an address (01.12.2026, 2026.12, 127.0.0.1).
_DECIMAL = re.compile(r"(?<![\d.])\d{1,3}\.\d{1,2}(?![\d.])")


class Judge:
    """Says which parts of a text bypassed translation."""

    def __init__(self, known: Iterable[str], allowed_words: Iterable[str], foreign: Iterable[str] = ()):
        #: Known texts that must not show in the language judged: the rubric's English texts on a German page.
        self.foreign = {" ".join(k.split()) for k in foreign if len(k.split()) >= 2}
        normal = {" ".join(k.split()) for k in known} | self.foreign
        # A text broken at a hyphen at the end of a PDF line reads joined in pdftotext ("Stakeholderund").
        normal |= {re.sub(r"(?<=\w)- ?(?=\w)", "", k) for k in normal if "-" in k}
        # Codes and ids ("de", "manager", "ready_now") are data nobody reads: shown as they are, they are leaks.
        self.known = sorted((k for k in normal if re.search(r"[A-Za-z]", k) and not re.fullmatch(r"[a-z0-9_.-]+", k)),
                            key=len, reverse=True)
        #: Known texts with placeholders ("Feld muss zwischen %(min)d und %(max)d Zeichen beinhalten.").
        self.templates = [_template(k) for k in self.known if _PLACEHOLDER.search(k)]
        #: Each known text under its first word: a line is searched only for the texts whose first word it has.
        self._by_word: dict[str, list[str]] = {}
        for k in self.known:
            self._by_word.setdefault((re.findall(r"\w+", k) or [""])[0], []).append(k)
        self._patterns: dict[str, re.Pattern] = {}
        self._seen: dict[tuple[str, str], list[str]] = {}
        words = sorted({w for w in allowed_words if w}, key=len, reverse=True)
        self.allowed = re.compile("|".join([*_ALLOWED_PATTERNS,
                                            *(rf"(?<!\w){re.escape(w)}(?!\w)" for w in words)]))

    def _pattern(self, known: str) -> re.Pattern:
        found = self._patterns.get(known)
        if found is None:
            # Whole words only where the text starts or ends with a letter ("de" is not in "OpsLadder").
            before = r"(?<!\w)" if re.match(r"\w", known) else ""
            after = r"(?!\w)" if re.search(r"\w$", known) else ""
            found = self._patterns[known] = re.compile(before + re.escape(known) + after)
        return found

    @staticmethod
    def unmarked(text: str) -> str:
        """``text`` without its marked (translated) parts, innermost first; each becomes a line break."""
        pattern = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
        while True:
            text, count = pattern.subn("\n", text)
            if not count:
                return text

    def leaks(self, text: str) -> list[str]:
        """The runs of ``text`` that have Latin letters and are neither marked, known data nor allowed; and
        numbers in English format (3.9, 81.5%), marked or not."""
        out = self.english_numbers(text)
        for line in self.unmarked(text).split("\n"):
            line = " ".join(line.split())
            if re.search(r"[A-Za-z]", line):
                out.extend(self._cached("text", line, self._line_leaks))
        return out

    def _cached(self, kind: str, line: str, judge) -> list[str]:
        """Pages repeat their header, menu and footer: each line is judged once."""
        found = self._seen.get((kind, line))
        if found is None:
            found = self._seen[kind, line] = judge(line)
        return found

    def _without_known(self, line: str, skip=frozenset(), found: list | None = None) -> str:
        """``line`` with every known text (but those in ``skip``) cut out; ``found`` collects what was cut."""
        words = set(re.findall(r"\w+", line))
        candidates = [k for word in words for k in self._by_word.get(word, ())]
        for known in sorted(candidates, key=len, reverse=True):
            if known in line and known not in skip:
                line, count = self._pattern(known).subn("\n", line)
                if count and found is not None:
                    found.append(known)
        for template in self.templates:
            line = template.sub("\n", line)
        return line

    def _line_leaks(self, line: str) -> list[str]:
        rest, foreign = line, []
        if self.foreign:  # first what may hold an English phrase (a quote), then the English rubric texts
            rest = self._without_known(rest, skip=self.foreign)
            rest = self._without_known(rest, found=foreign)
        out = [f"rubric text in the other language: {text}" for text in foreign if text in self.foreign]
        rest = self._without_known(rest)
        return out + [piece.strip() for piece in rest.split("\n")
                      if re.search(r"[A-Za-z]", self.allowed.sub(" ", piece))]

    def english_numbers(self, text: str) -> list[str]:
        """Decimals written the English way ("3.9", "81.5%") outside known data: German writes "3,9"."""
        out = []
        for line in text.split("\n"):
            if _DECIMAL.search(line):
                out.extend(self._cached("number", " ".join(line.split()), self._line_numbers))
        return out

    def _line_numbers(self, line: str) -> list[str]:
        out = []
        rest = self._without_known(line)
        for match in _DECIMAL.finditer(rest):
            start = max(match.start() - 40, 0)
            context = " ".join(self.unmarked(rest[start:match.end() + 20]).replace("\n", " … ").split())
            out.append(f"number {match.group()} in English format: {context}")
        return out


def short(text: str, width: int = 100) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def describe(payload: bytes | str) -> str:
    return json.dumps(payload if isinstance(payload, str) else payload.decode("utf-8", "replace"))[:200]
