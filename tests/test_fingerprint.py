"""SimHash fingerprints stay what they were: stored fingerprints are compared with new ones."""

from storage.fingerprint import _MIN_WORDS, distance, simhash

EN = " ".join(f"The council approved budget line {i} for the new library and the park on Main Street."
              for i in range(12))
MIXED = "Ayuntamiento de Málaga: la CIUDAD aprueba el plan — 2024/05 İstanbul ŞEHİR ünlü çalışma. " * 8


def test_fingerprints_of_known_texts_are_unchanged() -> None:
    # Values of the fingerprints as stored in existing corpora (word 3-shingles, BLAKE2b, 64 bits).
    assert simhash(EN) == -4896921397488532247
    assert simhash(MIXED) == 2833582294576493602


def test_short_texts_have_no_fingerprint_and_small_edits_stay_near() -> None:
    assert simhash(" ".join(["word"] * (_MIN_WORDS - 1))) is None
    edited = EN.replace("library", "libraries", 1) + " Updated on 3 May."
    a, b = simhash(EN), simhash(edited)
    assert a is not None and b is not None and distance(a, b) <= 6
