#!/usr/bin/env python3
"""Check the audit trail of a QMS Desk auditor pack, with nothing but Python 3.8+.

    python3 verify_trail.py audit-trail-2026-01-01-to-2026-10-31.jsonl [--expect N:HASH]

Each line of the .jsonl file is one audit entry with its values exactly as QMS Desk hashed
them. The hash of an entry is the SHA-256 of these fields, in this order, joined by the
unit separator (U+001F) and encoded as UTF-8:

    at, user, action, entity, record_id, ref, field, old_value, new_value, prev_hash

and each entry's prev_hash is the hash of the entry before it. The script recomputes every
hash and every link and says whether the chain is intact. The first entry of a period links
to an entry before the period; that link is printed so it can be compared with the pack
of the period before. ``--expect N:HASH`` (the anchor printed in the pack's README: the
trail held N entries, the last with hash HASH, when the pack was made) also checks that
this file ends with that entry, which holds when the period ends on the day the pack
was made and nothing was recorded after it.

Exit status: 0 intact, 1 broken or not as expected, 2 the file cannot be read.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable

FIELDS = ("at", "user", "action", "entity", "record_id", "ref", "field", "old_value",
          "new_value", "prev_hash")


def entry_hash(entry: dict[str, str]) -> str:
    payload = "\x1f".join(entry[name] for name in FIELDS).encode("utf-8")
    return hashlib.sha256(payload).hexdigest()


def check(lines: Iterable[str]
          ) -> tuple[int, str | None, int | None, str | None, str | None]:
    """(number of entries, first prev_hash, last entry id, last hash, problem or None)."""
    count, first_link, last_id, last_hash = 0, None, None, None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        entry = json.loads(line)
        if first_link is None:
            first_link = entry["prev_hash"]
        elif entry["prev_hash"] != last_hash:
            return count, first_link, last_id, last_hash, (
                f"line {number} (entry {entry['id']}): its previous hash is not the hash of "
                "the entry before it: an entry was removed, added or reordered")
        if entry_hash(entry) != entry["hash"]:
            return count, first_link, last_id, last_hash, (
                f"line {number} (entry {entry['id']}): its values do not give its hash: "
                "the entry was changed")
        count, last_id, last_hash = count + 1, entry["id"], entry["hash"]
    return count, first_link, last_id, last_hash, None


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 4) or (len(argv) == 4 and argv[2] != "--expect"):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as handle:
            count, first_link, last_id, last_hash, problem = check(handle)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"{argv[1]}: cannot be read as an audit trail ({exc})", file=sys.stderr)
        return 2
    if problem:
        print(f"BROKEN after {count} intact entries: {problem}")
        return 1
    print(f"INTACT: {count} entries; the first links to {first_link}; "
          f"the last is entry {last_id} with hash {last_hash}")
    if len(argv) == 4:
        anchor = argv[3].partition(":")[2]
        if last_hash != anchor:
            print(f"NOT AS EXPECTED: the trail ends with hash {last_hash}, not {anchor}")
            return 1
        print(f"As expected: ends with entry {argv[3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
