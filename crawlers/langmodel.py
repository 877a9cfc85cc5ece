"""py3langid's language model, read from an unpacked copy kept in the cache folder.

py3langid ships its model as an LZMA-compressed ``.npz``: unpacking it costs about 0.45 s of CPU
each time a process loads it (the cleaning workers' fork server at the start of every crawl,
``crawlers.workerboot``), 0.40 s of it LZMA. The first load unpacks it as py3langid does
and keeps its arrays, one ``.npy`` file each (66 MB), in ``HARVEST_CACHE``'s folder; later loads
map those files (0.03-0.05 s). The arrays are the same, so are the identifier's answers. The
copy's folder is named by py3langid's version and the model file's size and time, so a new model
is unpacked again; it is written to a temporary folder and renamed into place (a process killed
while writing leaves no half copy in use). A copy that cannot be read, or a cache folder that
cannot be written, costs only the time: the model is unpacked from py3langid's file.
"""

from __future__ import annotations

import logging
import lzma
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
        base = env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        return Path(base) / "localgov-harvest"
    return Path(folder).expanduser() if folder else None


def model_file() -> Path:
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    return Path(MODEL_DIR) / MODEL_FILE


def copy_folder(cache: Path, model: Path) -> Path:
    """Where the unpacked copy of ``model`` lives in ``cache``."""
    stat = model.stat()
    return cache / f"py3langid-{version('py3langid')}-{stat.st_size}-{stat.st_mtime_ns}"


def load() -> tuple[Any, ...]:
    """The model as py3langid's ``LanguageIdentifier`` takes it: (nb_ptc, nb_pc, nb_classes,
    tk_nextmove, tk_row, tk_output), from the unpacked copy when there is one, else from
    py3langid's file (then kept unpacked for the next process)."""
    model = model_file()
    cache = cache_folder()
    folder = copy_folder(cache, model) if cache is not None else None
    if folder is not None and folder.is_dir():
        try:
            return _model(_read(folder))
        except (OSError, ValueError, KeyError) as exc:
            logger.warning("unpacked language model in %s unreadable (%s): unpacking it again", folder, exc)
            shutil.rmtree(folder, ignore_errors=True)
    arrays = _unpack(model)
    if folder is not None:
        try:
            _write(folder, arrays)
        except OSError as exc:
            logger.info("cannot keep the unpacked language model in %s: %s", folder, exc)
    return _model(arrays)


def _unpack(model: Path) -> dict[str, np.ndarray]:
    """The arrays of py3langid's model file, unpacked as ``py3langid.modelio.load_model`` does
    (through a temporary file: the unpacked ``.npz`` is never whole in memory)."""
    with tempfile.TemporaryFile(suffix=".npz") as tmp:
        with lzma.open(model) as src:
            shutil.copyfileobj(src, tmp, length=1 << 20)
        tmp.seek(0)
        with np.load(tmp, allow_pickle=False) as data:
            missing = set(ARRAYS).difference(data.files)
            if missing:
                raise ValueError(f"{model}: no {sorted(missing)} in the language model")
            return {name: data[name] for name in ARRAYS}


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
    return (np.asarray(arrays["ptc"]), np.array(arrays["pc"]), arrays["classes"].tolist(),
            _stdlib_array(arrays["nextmove"]), _stdlib_array(arrays["nextmove_row"]),
            arrays["out_feat"].tolist())


def _stdlib_array(data: np.ndarray) -> array:  # type: ignore[type-arg]
    """An unsigned integer array as the standard library's ``array`` (py3langid's DFA tables)."""
    out = array(_TYPECODES[data.dtype.itemsize])
    out.frombytes(np.ascontiguousarray(data).data.cast("B"))
    return out
