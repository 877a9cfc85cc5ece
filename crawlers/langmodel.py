"""py3langid's language model, read from an unpacked copy kept in the cache folder.

py3langid ships its model as an LZMA-compressed ``.npz``: unpacking it costs about 0.45 s of CPU
each time a process loads it (the cleaning workers' fork server at the start of every crawl,
``crawlers.workerboot``), 0.40 s of it LZMA. The first load unpacks it with py3langid's loader
and keeps its arrays, one ``.npy`` file each (66 MB), in ``HARVEST_CACHE``'s folder; later loads
map those files (0.03-0.05 s). The arrays are the same, so are the identifier's answers. The
copy's folder is named by py3langid's version and the model file's size and time, so a new model
is unpacked again; it is written to a temporary folder and renamed into place (a process killed
while writing leaves no half copy in use). A copy that cannot be read, or a cache folder that
cannot be written, costs only the time: the model is unpacked from py3langid's file.

The identifier reads its tables one byte of text at a time (``py3langid.langid.visit_counts``:
about 1,000 look-ups a page, each at a random place of a 39 MB transition table). Among a
cleaning worker's other work those look-ups miss the processor's caches and its address
translation buffers: 0.45 ms a page in the cleaning against 0.1 ms in a loop of their own. So the
tables are laid out for that walk (``_walk_tables``): the transition table in memory of its own
asked for in huge pages (``MADV_HUGEPAGE``: its 39 MB in about 20 translations instead of 9,600
where the kernel allows it), the rows' offsets and the states' features in flat integer arrays
instead of lists of Python integers (no object to reach per look-up, no reference counts written,
so no page copied into each forked worker). The answers are the same (2,910 texts compared with
py3langid's own identifier); scoring a page took 0.50 ms instead of 0.68 (the walk and the
scores, 990 real pages cleaned three times in one process, the two layouts alternating page by
page; two runs). The copy is made once per crawl, in the workers' fork server: 0.015-0.06 s of
CPU, up to 0.13 s when the kernel must first compact memory to find free huge pages (it does so
for an advised region), against 0.015-0.04 s for the ordinary copy made before.
"""

from __future__ import annotations

import logging
import mmap
import os
import shutil
import tempfile
from array import array
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

from crawlers import config

logger = logging.getLogger(__name__)

ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")
_TYPECODES = {2: "H", 4: "I", 8: "L"}


def cache_folder(environ: dict[str, str] | None = None) -> Path | None:
    """The folder of files a crawl can rebuild: ``HARVEST_CACHE``; unset, ``localgov-harvest`` in
    ``$XDG_CACHE_HOME`` (default ``~/.cache``); set empty, none."""
    env = os.environ if environ is None else environ
    folder = config.value("HARVEST_CACHE", env)
    if folder is None:
        home = env.get("HOME") or os.path.expanduser("~")
        base = env.get("XDG_CACHE_HOME") or os.path.join(home, ".cache")
        return Path(base) / "localgov-harvest"
    return Path(folder).expanduser() if folder else None


def model_file() -> Path:
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    return Path(MODEL_DIR) / MODEL_FILE


def copy_folder(cache: Path, model: Path) -> Path:
    """Where the unpacked copy of ``model`` lives in ``cache``."""
    stat = model.stat()
    return cache / f"py3langid-{version('py3langid')}-{stat.st_size}-{stat.st_mtime_ns}"


def identifier() -> Any:
    """py3langid's ``LanguageIdentifier`` with normalised probabilities, its model from ``load``."""
    from py3langid.langid import LanguageIdentifier

    ptc, pc, classes, nextmove, row, output = load()
    identifier = LanguageIdentifier(ptc, pc, classes, nextmove, output, norm_probs=True, tk_row=row)
    _walk_tables(identifier)
    return identifier


def _walk_tables(identifier: Any) -> None:
    """The tables of ``identifier``'s byte walk laid out for it (see the module's docstring):
    the transition table in huge pages, the rows' offsets and the states' features as arrays.
    py3langid's walk only indexes them, so its answers do not change."""
    identifier.tk_nextmove = _huge_table(identifier.tk_nextmove)
    rowbase = getattr(identifier, "_rowbase", None)  # py3langid's pre-shifted row offsets
    if isinstance(rowbase, list):
        identifier._rowbase = array("L", rowbase)  # noqa: SLF001
    identifier.tk_output = array("i", identifier.tk_output)


def _huge_table(table: Any) -> memoryview:
    """An unsigned integer table (``array`` or numpy array) copied into anonymous memory asked for
    in huge pages before it is written, as a memoryview of the table's item type."""
    data = np.ascontiguousarray(table)
    region = mmap.mmap(-1, max(data.nbytes, 1), flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    advise = getattr(mmap, "MADV_HUGEPAGE", None)
    if advise is not None:
        try:
            region.madvise(advise)
        except OSError:
            pass  # a kernel without transparent huge pages: the same table in ordinary pages
    view = memoryview(region)
    view[:data.nbytes] = data.view(np.uint8).reshape(-1).data
    typecode: Any = _TYPECODES[data.itemsize]
    return view[:data.nbytes].cast(typecode)


def load() -> tuple[Any, ...]:
    """The model as py3langid's ``LanguageIdentifier`` takes it: (nb_ptc, nb_pc, nb_classes,
    tk_nextmove, tk_row, tk_output), from the unpacked copy when there is one (the transition
    table then as the mapped numpy array), else from py3langid's file by py3langid's own loader
    (then kept unpacked for the next process)."""
    from py3langid.modelio import load_model

    model = model_file()
    cache = cache_folder()
    folder = copy_folder(cache, model) if cache is not None else None
    if folder is not None and folder.is_dir():
        try:
            return _model(_read(folder))
        except (OSError, ValueError, KeyError) as exc:
            logger.warning("unpacked language model in %s unreadable (%s): unpacking it again", folder, exc)
            shutil.rmtree(folder, ignore_errors=True)
    loaded = load_model(model)
    if folder is not None:
        try:
            _write(folder, _arrays(loaded))
        except OSError as exc:
            logger.info("cannot keep the unpacked language model in %s: %s", folder, exc)
    return loaded


def _arrays(model: tuple[Any, ...]) -> dict[str, np.ndarray]:
    """The arrays of a loaded model (``load``'s tuple), as the copy keeps them."""
    ptc, pc, classes, nextmove, row, output = model
    return {"ptc": np.asarray(ptc), "pc": np.asarray(pc), "classes": np.array(classes),
            "nextmove": np.frombuffer(nextmove, dtype=f"u{nextmove.itemsize}"),
            "nextmove_row": np.frombuffer(row, dtype=f"u{row.itemsize}"),
            "out_feat": np.asarray(output, dtype=np.int32)}


def _read(folder: Path) -> dict[str, np.ndarray]:
    """The arrays of an unpacked copy, the numeric ones mapped from their files (read-only)."""
    arrays = {name: np.load(folder / f"{name}.npy", mmap_mode=None if name == "classes" else "r",
                            allow_pickle=False) for name in ARRAYS}
    ptc, pc, classes = arrays["ptc"], arrays["pc"], arrays["classes"]
    if ptc.ndim != 2 or ptc.shape[1] != len(pc) or len(classes) != len(pc) \
            or len(arrays["nextmove_row"]) != len(arrays["out_feat"]):
        raise ValueError("arrays of mismatched shapes")
    return arrays


def _write(folder: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write the copy to a temporary folder beside ``folder``, then rename it into place (another
    process that wrote it first wins)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        for name, data in arrays.items():
            with open(tmp / f"{name}.npy", "wb") as fh:
                np.save(fh, data, allow_pickle=False)
                fh.flush()
                os.fsync(fh.fileno())
        try:
            os.rename(tmp, folder)
        except OSError:
            if not folder.is_dir():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _model(arrays: dict[str, np.ndarray]) -> tuple[Any, ...]:
    """The model's tuple from the copy's arrays: the transition table as mapped (``identifier``
    copies it once, into huge pages), the others as py3langid builds them."""
    return (np.asarray(arrays["ptc"]), np.array(arrays["pc"]), arrays["classes"].tolist(),
            arrays["nextmove"], _stdlib_array(arrays["nextmove_row"]), arrays["out_feat"].tolist())


def _stdlib_array(data: np.ndarray) -> array:  # type: ignore[type-arg]
    """An unsigned integer array as the standard library's ``array`` (py3langid's DFA tables)."""
    out = array(_TYPECODES[data.dtype.itemsize])
    out.frombytes(np.ascontiguousarray(data).data.cast("B"))
    return out
