"""The layers: ``flows → crawlers → storage``, and only ``storage/`` knows SQLite.

Every module under ``crawlers/`` and ``flows/`` is parsed (not imported): none may import
``sqlite3``, reach an index's connection (``….index.db``, ``….db``) or run SQL on one
(``.execute(`` / ``.executemany(`` / ``.executescript(`` on a ``db`` or index object). Storage
errors are caught as ``storage.index.StorageError``. And no module in ``storage/`` imports from
``crawlers`` or ``flows``: dependencies point one way. The local sites of ``testing/`` are for
the tests, the benchmarks and ``harvest demo``: ``flows/demo.py`` is the one module of the
package that imports them; ``crawlers/`` and ``storage/`` never do.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SQL_CALLS = {"execute", "executemany", "executescript"}


def _modules(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "__pycache__" not in p.parts)


def _imported(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, top-level module name) of every import in the module, nested ones included."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
    return found


def _is_db_object(expr: ast.expr) -> bool:
    """``db``, ``….db``, ``index``, ``….index`` (a connection or an index)."""
    name = expr.attr if isinstance(expr, ast.Attribute) else expr.id if isinstance(expr, ast.Name) else ""
    return name in ("db", "index", "conn", "connection") or name.endswith("_db")


def _sql_uses(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "db" and isinstance(node.value, ast.Attribute) \
                and node.value.attr == "index":
            found.append((node.lineno, f"{ast.unparse(node)}"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS \
                and _is_db_object(node.func.value):
            found.append((node.lineno, f"{ast.unparse(node.func)}(…)"))
    return found


@pytest.mark.parametrize("package", ["crawlers", "flows"])
def test_only_storage_knows_sqlite(package: str) -> None:
    offences = []
    for path in _modules(package):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        rel = path.relative_to(ROOT)
        offences += [f"{rel}:{line}: imports sqlite3" for line, name in _imported(tree) if name == "sqlite3"]
        offences += [f"{rel}:{line}: uses the database: {what}" for line, what in sorted(_sql_uses(tree))]
    assert not offences, "SQLite outside storage/:\n" + "\n".join(offences)


def test_storage_does_not_import_upward() -> None:
    offences = []
    for path in _modules("storage"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        offences += [f"{path.relative_to(ROOT)}:{line}: imports {name}"
                     for line, name in _imported(tree) if name in ("crawlers", "flows")]
    assert not offences, "storage/ depends on an upper layer:\n" + "\n".join(offences)


def test_only_the_demo_imports_the_test_sites() -> None:
    allowed = {ROOT / "flows" / "demo.py"}
    offences = []
    for package in ("crawlers", "flows", "storage"):
        for path in _modules(package):
            if path in allowed:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            offences += [f"{path.relative_to(ROOT)}:{line}: imports testing"
                         for line, name in _imported(tree) if name == "testing"]
    assert not offences, "the test sites imported outside flows/demo.py:\n" + "\n".join(offences)


def test_the_check_sees_what_it_forbids() -> None:
    """The checks above are not vacuous: they flag each form they forbid."""
    tree = ast.parse("import sqlite3\nfrom sqlite3 import Error\ndef f(self, corpus, db):\n"
                     "    corpus.index.db\n    db.execute('SELECT 1')\n    self.index.executemany('x', [])\n")
    assert [name for _, name in _imported(tree)] == ["sqlite3", "sqlite3"]
    assert [line for line, _ in _sql_uses(tree)] == [4, 5, 6]
    assert _sql_uses(ast.parse("loop.run_in_executor(None, f)\npool.execute(job)\n")) == []
