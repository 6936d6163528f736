"""The .po merge driver (scripts/po_merge.py): the union of both sides, a message made plural taken whole."""

import subprocess
import sys
from pathlib import Path

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
SINGULAR = 'msgid "One sheet"\nmsgstr "Ein Bogen"\n\n'
PLURAL = 'msgid "One sheet"\nmsgid_plural "%(num)d sheets"\nmsgstr[0] "Ein Bogen"\nmsgstr[1] "%(num)d Bögen"\n\n'
DRIVER = Path(__file__).resolve().parent.parent / "scripts" / "po_merge.py"


def _merge(tmp_path, base: str, ours: str, theirs: str) -> str:
    paths = []
    for name, body in (("base", base), ("ours", ours), ("theirs", theirs)):
        path = tmp_path / f"{name}.po"
        path.write_text(HEADER + body, encoding="utf-8")
        paths.append(str(path))
    result = subprocess.run([sys.executable, str(DRIVER), *paths], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return (tmp_path / "ours.po").read_text(encoding="utf-8")


def test_both_sides_additions_are_kept(tmp_path):
    merged = _merge(tmp_path, SINGULAR, SINGULAR + 'msgid "Ours"\nmsgstr "Unser"\n',
                    SINGULAR + 'msgid "Theirs"\nmsgstr "Ihr"\n')
    assert 'msgstr "Unser"' in merged and 'msgstr "Ihr"' in merged and 'msgstr "Ein Bogen"' in merged


def test_a_message_made_plural_on_either_side_is_taken_whole(tmp_path):
    for ours, theirs in ((SINGULAR + 'msgid "Ours"\nmsgstr "Unser"\n', PLURAL), (PLURAL, SINGULAR)):
        merged = _merge(tmp_path, SINGULAR, ours, theirs)
        assert 'msgid_plural "%(num)d sheets"' in merged and 'msgstr[1] "%(num)d Bögen"' in merged
