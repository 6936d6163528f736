"""Breaking words that are longer than their line: German compounds ("Geschäftsbereichsübergreifende") are
hyphenated at a syllable boundary (pyphen's dictionaries, in the report's language), anything else is cut.

pyphen is optional: without it every over-long word is cut where the line ends, as before.
"""

from __future__ import annotations

from functools import lru_cache

from rubrics import language

#: The hyphenation dictionary of each report language.
DICTIONARIES = {"en": "en_GB", "de": "de_DE"}
#: Longer "words" are not words (a pasted URL, "xxxx..."): they are cut, not hyphenated.
LONGEST_WORD = 80
#: Hyphenation leaves at least this many letters on either side.
MIN_PART = 3


@lru_cache(maxsize=4)
def _dictionary(lang: str):
    try:
        import pyphen
    except ImportError:  # an optional dependency: without it, long words are cut
        return None
    return pyphen.Pyphen(lang=DICTIONARIES.get(lang, "en_GB"), left=MIN_PART, right=MIN_PART)


@lru_cache(maxsize=4096)
def break_points(word: str, lang: str | None = None) -> tuple[int, ...]:
    """Where ``word`` may be hyphenated (indexes into it), in the current language; () when nowhere."""
    if len(word) > LONGEST_WORD or not any(ch.isalpha() for ch in word):
        return ()
    dictionary = _dictionary(lang or language.current())
    if dictionary is None:
        return ()
    # A word with its own hyphens ("Müller-Šimić") breaks after them too.
    points = {i + 1 for i, ch in enumerate(word[:-1]) if ch in "-‐"}
    points.update(dictionary.positions(word))
    return tuple(sorted(p for p in points if 0 < p < len(word)))


def hyphenated(word: str, fits) -> list[str]:
    """``word`` in pieces that each satisfy ``fits(piece)``: at a hyphenation point with a "-" where one fits,
    else cut (at least one character a piece). ``fits`` measures a piece as it is drawn."""
    pieces, start = [], 0
    points = break_points(word)
    while start < len(word):
        rest = word[start:]
        if fits(rest):
            pieces.append(rest)
            break
        best = None
        for point in points:
            if point <= start:
                continue
            piece = word[start:point]
            shown = piece if piece.endswith(("-", "‐")) else piece + "-"
            if not fits(shown):
                break
            best = (point, shown)
        if best is None:
            end = start + 1
            while end < len(word) and fits(word[start:end + 1]):
                end += 1
            best = (end, word[start:end])
        pieces.append(best[1])
        start = best[0]
    return pieces


def wrap_label(text: str, width: int) -> list[str]:
    """A chart label in lines of about ``width`` characters; a longer word is hyphenated (or cut) to fit."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        for piece in hyphenated(word, lambda s: len(s) <= width):
            candidate = f"{line} {piece}" if line and not line.endswith("-") else line + piece
            if line and (len(candidate) > width or line.endswith("-")):
                lines.append(line)
                line = piece
            else:
                line = candidate
    if line:
        lines.append(line)
    return lines
