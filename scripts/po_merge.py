"""A git merge driver for .po catalogues: the union of both sides' translations.

    git config merge.po.driver "python scripts/po_merge.py %O %A %B"    (.gitattributes: *.po merge=po)

Two branches that each add strings to a catalogue touch neighbouring lines of a sorted file, which git reports
as a conflict although nothing conflicts. A string both sides translated differently keeps the side whose text
changed from the common ancestor (ours when both changed) and is listed on standard error to look at.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from catalogues import read, write  # noqa: E402


def _plural(message) -> bool:
    return isinstance(message.id, (list, tuple))


def merge(base_path: str, ours_path: str, theirs_path: str) -> int:
    base, ours, theirs = (read(Path(p)) for p in (base_path, ours_path, theirs_path))
    for message in theirs:
        if not message.id:
            continue
        mine = ours.get(message.id, message.context)
        old = base.get(message.id, message.context)
        if mine is None:
            ours[message.id] = message
        elif _plural(mine) != _plural(message):  # one side made the message plural (or singular again)
            if old is not None and _plural(old) == _plural(mine):  # the change is theirs: take their message whole
                ours.delete(mine.id, mine.context)
                ours[message.id] = message
        elif mine.string != message.string and message.string:
            if not mine.string or (old is not None and old.string == mine.string):
                mine.string = message.string
            elif old is None or old.string != message.string:
                print(f"po_merge: {message.id!r}: kept {mine.string!r}, not {message.string!r}", file=sys.stderr)
    write(Path(ours_path), ours)
    return 0


if __name__ == "__main__":
    sys.exit(merge(*sys.argv[1:4]))
