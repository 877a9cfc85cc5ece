"""SimHash fingerprints stay what they were: stored fingerprints are compared with new ones."""

from storage.fingerprint import _MIN_WORDS, FINGERPRINT_SCHEME, distance, simhash

EN = " ".join(f"The council approved budget line {i} for the new library and the park on Main Street."
              for i in range(12))
MIXED = "Ayuntamiento de Málaga: la CIUDAD aprueba el plan — 2024/05 İstanbul ŞEHİR ünlü çalışma. " * 8


def test_fingerprints_of_known_texts_are_unchanged() -> None:
    # Values of the fingerprints as stored in corpora of FINGERPRINT_SCHEME (a change of them needs
    # a new scheme name, so that stored fingerprints are recomputed: tests/test_storage.py).
    assert FINGERPRINT_SCHEME == "crc32-words/3-shingles/splitmix64"
    assert simhash(EN) == 3625183869885971085
    assert simhash(MIXED) == -3149311153477857032


def test_short_texts_have_no_fingerprint_and_small_edits_stay_near() -> None:
    assert simhash(" ".join(["word"] * (_MIN_WORDS - 1))) is None
    edited = EN.replace("library", "libraries", 1) + " Updated on 3 May."
    a, b = simhash(EN), simhash(edited)
    assert a is not None and b is not None and distance(a, b) <= 6
