"""The language model read from its unpacked copy (crawlers/langmodel.py): the identifier answers
as py3langid's own does, the copy is used once written, and a bad copy or an unwritable cache
folder costs only the time."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from crawlers import langmodel

TEXTS = [
    "The city council approved the new plan for public transport and housing on Tuesday.",
    "El ayuntamiento de Lleida aprobó ayer el nuevo plan de cooperación internacional.",
    "La ville a signé un accord de coopération décentralisée avec trois communes du Sénégal.",
    "L'Ajuntament de Lleida ha aprovat el pla de cooperació internacional per al 2025.",
    "A prefeitura de Porto Alegre apresentou o relatório local voluntário dos ODS.",
    "Die Stadtverwaltung hat den Haushalt für das kommende Jahr beschlossen.",
    "Belediye meclisi yeni ulaşım planını oybirliğiyle kabul etti.",
    "بلدية عمان تطلق برنامجا جديدا للتنمية المستدامة في الأحياء",
    "地方政府联合会发布了可持续发展目标本地化报告",
    "", "ok", "x" * 700,
]


@pytest.fixture(scope="module")
def reference() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@pytest.fixture
def model_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """py3langid's model file copied to ``tmp_path`` and loaded from there, the cache folder below it."""
    copy = tmp_path / "model.npz.xz"
    shutil.copy2(langmodel.model_file(), copy)
    monkeypatch.setattr(langmodel, "model_file", lambda: copy)
    monkeypatch.setenv("HARVEST_CACHE", str(tmp_path / "cache"))
    return copy


def identifier() -> LanguageIdentifier:
    return langmodel.identifier()  # type: ignore[no-any-return]


def answers(ident: LanguageIdentifier) -> list[tuple[str, float]]:
    return [ident.classify(text) for text in TEXTS]


def test_the_copy_is_written_once_then_read_and_answers_as_py3langid(model_copy: Path,
                                                                    reference: LanguageIdentifier) -> None:
    expected = answers(reference)
    assert {lang for lang, _ in expected[:9]} >= {"en", "es", "fr", "ca", "pt", "de", "tr", "ar", "zh"}
    assert answers(identifier()) == expected  # unpacked from the file, copy written
    folder = langmodel.copy_folder(langmodel.cache_folder(), model_copy)  # type: ignore[arg-type]
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{name}.npy" for name in langmodel.ARRAYS)
    assert [p.name for p in folder.parent.iterdir()] == [folder.name]  # no temporary folder left
    # The model file made unreadable, its size and time kept: only the copy can give the model.
    stat = model_copy.stat()
    model_copy.write_bytes(b"\0" * stat.st_size)
    os.utime(model_copy, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert answers(identifier()) == expected


def test_a_damaged_copy_is_unpacked_again(model_copy: Path, reference: LanguageIdentifier,
                                          caplog: pytest.LogCaptureFixture) -> None:
    identifier()
    folder = langmodel.copy_folder(langmodel.cache_folder(), model_copy)  # type: ignore[arg-type]
    ptc = folder / "ptc.npy"
    ptc.write_bytes(ptc.read_bytes()[: ptc.stat().st_size // 2])  # cut short, as by a full disk
    assert answers(identifier()) == answers(reference)
    assert "unreadable" in caplog.text
    assert ptc.stat().st_size > 1_000_000  # written whole again
    assert answers(identifier()) == answers(reference)


def test_a_new_model_file_gets_its_own_copy(model_copy: Path) -> None:
    identifier()
    first = langmodel.copy_folder(langmodel.cache_folder(), model_copy)  # type: ignore[arg-type]
    os.utime(model_copy, ns=(model_copy.stat().st_atime_ns, model_copy.stat().st_mtime_ns + 10**9))
    second = langmodel.copy_folder(langmodel.cache_folder(), model_copy)  # type: ignore[arg-type]
    assert second != first and not second.exists()
    identifier()
    assert second.is_dir()


def test_no_cache_or_an_unwritable_one_costs_only_the_time(model_copy: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            reference: LanguageIdentifier) -> None:
    monkeypatch.setenv("HARVEST_CACHE", "")
    assert langmodel.cache_folder() is None
    assert answers(identifier()) == answers(reference)
    assert not (tmp_path / "cache").exists()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("HARVEST_CACHE", str(blocker / "cache"))  # cannot be created
    assert answers(identifier()) == answers(reference)


def test_the_default_folder_follows_xdg_cache_home(tmp_path: Path) -> None:
    assert langmodel.cache_folder({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "localgov-harvest"
    assert langmodel.cache_folder({"HOME": str(tmp_path)}).name == "localgov-harvest"  # type: ignore[union-attr]
    assert langmodel.cache_folder({"HARVEST_CACHE": str(tmp_path / "c")}) == tmp_path / "c"
    assert langmodel.cache_folder({"HARVEST_CACHE": ""}) is None


def _mapping_of(address: int) -> dict[str, str]:
    """The fields of this process's memory mapping that holds ``address`` (/proc/self/smaps)."""
    fields: dict[str, str] = {}
    inside = False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split()[0]
        if "-" in head and ":" not in head:  # a mapping's first line: start-end perms …
            start, end = (int(x, 16) for x in head.split("-"))
            inside = start <= address < end
            continue
        if inside:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def test_the_walk_tables_are_flat_and_the_transition_table_asks_for_huge_pages(
        model_copy: Path, reference: LanguageIdentifier) -> None:
    """What the identifier's byte walk reads at each byte: the transition table in memory of its
    own that may take huge pages, the rows' offsets and the states' features as flat arrays; the
    answers still py3langid's own."""
    import ctypes
    from array import array

    ident = identifier()
    assert answers(ident) == answers(reference)
    table = ident.tk_nextmove
    assert isinstance(table, memoryview) and table.format == "I" and len(table) == len(reference.tk_nextmove)
    assert list(table[:5000:7]) == list(reference.tk_nextmove[:5000:7])
    assert isinstance(ident._rowbase, array) and list(ident._rowbase) == reference._rowbase  # noqa: SLF001
    assert isinstance(ident.tk_output, array) and list(ident.tk_output) == list(reference.tk_output)
    mode = Path("/sys/kernel/mm/transparent_hugepage/enabled")
    if not mode.exists() or "[never]" in mode.read_text():
        pytest.skip("no transparent huge pages on this system")
    address = ctypes.addressof(ctypes.c_char.from_buffer(table))
    mapping = _mapping_of(address)
    assert mapping.get("THPeligible") == "1", mapping
