"""Near-duplicate fingerprints: 64-bit SimHash over word 3-shingles.

Two texts whose SimHashes differ in at most ``NEAR_DISTANCE`` bits are near-duplicates (the
same story with small edits: another header line, a changed date, a dropped sentence).
Look-ups use the pigeonhole trick: split the 64 bits into ``NEAR_DISTANCE + 1`` bands; two
hashes within that distance agree exactly on at least one band, so an indexed equality query
on the bands finds every candidate without scanning the corpus.

Threshold (measured on the 13 articles of the test sites, 158–439 words): a header line
added or dates changed move 0–5 bits; distinct stories of the same networks and topics are
21–48 bits apart (mean 32). ``NEAR_DISTANCE = 6`` sits between the two. A candidate within the
distance is confirmed with the Jaccard similarity of the two texts' word sets (``CONFIRM``),
which rules out the rare chance collisions a large corpus brings.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

NEAR_DISTANCE = 6
BANDS = NEAR_DISTANCE + 1  # 7 bands of 9 or 10 bits
_BAND_EDGES = [round(i * 64 / BANDS) for i in range(BANDS + 1)]
_WORD = re.compile(r"\w+", re.UNICODE)
CONFIRM = 0.8  # word-set Jaccard a near-duplicate must also reach
_MIN_WORDS = 30  # shorter texts get no fingerprint (too little to tell stories apart)


def _to_signed(value: int) -> int:
    """SQLite integers are signed 64-bit."""
    return value - (1 << 64) if value >= 1 << 63 else value


def simhash(text: str) -> int | None:
    """Signed 64-bit SimHash of ``text``, or ``None`` for very short texts."""
    words = _WORD.findall(text.lower())
    if len(words) < _MIN_WORDS:
        return None
    n = len(words) - 2
    hashes = np.fromiter(
        (int.from_bytes(hashlib.blake2b(" ".join(words[i:i + 3]).encode("utf-8"), digest_size=8).digest(), "little")
         for i in range(n)), dtype=np.uint64, count=n)
    # Bit j of every shingle hash, as a column: a bit of the SimHash is set where most are set.
    bits = np.unpackbits(hashes.view(np.uint8).reshape(n, 8), axis=1, bitorder="little")
    majority = bits.sum(axis=0, dtype=np.int64) * 2 > n
    value = int(np.packbits(majority, bitorder="little").view(np.uint64)[0])
    return _to_signed(value)


def distance(a: int, b: int) -> int:
    """Hamming distance of two (signed) 64-bit hashes."""
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()


def bands(value: int) -> list[int]:
    """The band values of a hash (for the indexed candidate look-up)."""
    unsigned = value & ((1 << 64) - 1)
    return [(unsigned >> lo) & ((1 << (hi - lo)) - 1) for lo, hi in zip(_BAND_EDGES, _BAND_EDGES[1:])]


def word_jaccard(a: str, b: str) -> float:
    """Jaccard similarity of the two texts' sets of words."""
    wa, wb = set(_WORD.findall(a.lower())), set(_WORD.findall(b.lower()))
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)
