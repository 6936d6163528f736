"""The plan of the house (docs/architecture.md) holds: the import contracts in pyproject.toml are kept, no import
inside a function dodges a circle, nothing below the app factory creates the app, and the tasks the queues name
by their dotted path exist."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("assessment", "reports", "rubrics")

#: Imports of our own modules made inside a function, each with the reason it cannot stand at the top of its
#: module: (file, function, imported module) -> reason. An import inside a function hides a dependency from the
#: contracts and the reader, and is how an import circle gets dodged instead of mended; keep this list empty
#: unless the reason is real (never "to avoid a circular import": move the shared part down instead).
ALLOWED_FUNCTION_IMPORTS: dict[tuple[str, str, str], str] = {}


def _modules():
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def _own(node: ast.Import | ast.ImportFrom) -> list[str]:
    """The modules of this project that an import statement names (relative imports are always ours)."""
    if isinstance(node, ast.ImportFrom):
        if node.level or (node.module or "").split(".")[0] in PACKAGES:
            return ["." * node.level + (node.module or "")]
        return []
    return [alias.name for alias in node.names if alias.name.split(".")[0] in PACKAGES]


def _function_imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(function):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    for module in _own(node):
                        yield function.name, module, node.lineno


def test_no_function_imports_one_of_our_modules():
    """Every import of assessment/, reports/ or rubrics/ stands at the top of its module, where the import
    contracts and a reader see it."""
    found = []
    for path in _modules():
        relative = path.relative_to(ROOT).as_posix()
        for function, module, line in _function_imports(path):
            if (relative, function, module) not in ALLOWED_FUNCTION_IMPORTS:
                found.append(f"{relative}:{line} {function}() imports {module}")
    assert not found, "imports inside functions (move them to the top; mend a circle by moving the shared part " \
                      "down):\n" + "\n".join(found)


def test_the_check_finds_an_import_inside_a_function(tmp_path):
    """The check above is not blind: it sees a relative and an absolute import of ours, not a library's."""
    sample = tmp_path / "sample.py"
    sample.write_text("import json\n\ndef f():\n    from .models import User\n    import rubrics.model\n"
                      "    import redis\n    return User\n")
    assert [(f, m) for f, m, _line in _function_imports(sample)] == [("f", ".models"), ("f", "rubrics.model")]


def test_every_allowed_function_import_still_exists_and_says_why():
    present = {(path.relative_to(ROOT).as_posix(), function, module)
               for path in _modules() for function, module, _line in _function_imports(path)}
    for key, reason in ALLOWED_FUNCTION_IMPORTS.items():
        assert key in present, f"{key} is allowed but no longer there: take it off the list"
        assert len(reason.split()) >= 5, f"{key}: say why it cannot stand at the top of its module"


def test_the_import_contracts_are_kept():
    """lint-imports (also run by `make test` before pytest): layers point down, no circles, plain rubrics/reports."""
    result = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                             "sys.argv = ['lint-imports', '--no-logo', '--no-cache']; lint_imports_command()"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_contracts_cover_every_package_of_assessment():
    """The layers contract is exhaustive: a new package or module of assessment/ must be given its layer."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'containers = ["assessment"]\nexhaustive = true' in text
    assert 'ancestors = ["assessment", "reports", "rubrics"]' in text


def _absolute(path: Path, node: ast.ImportFrom) -> str:
    """The module a ``from ... import`` statement in ``path`` takes its names from, as an absolute name."""
    if not node.level:
        return node.module or ""
    package = list(path.relative_to(ROOT).parts[:-1])  # a module's package; an __init__.py's own
    base = package[:len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def test_nothing_inside_assessment_imports_the_package_root():
    """The factory is reached through ``assessment.app`` by the entry points only (wsgi, ``app.main``, worker);
    ``from assessment import create_app`` (or ``from . import create_app``) below them would run back up."""
    found = []
    for path in sorted((ROOT / "assessment").rglob("*.py")):
        if path == ROOT / "assessment" / "__init__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and _absolute(path, node) == "assessment":
                names = [alias.name for alias in node.names if not (ROOT / "assessment" / f"{alias.name}.py").exists()
                         and not (ROOT / "assessment" / alias.name).is_dir()]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names if alias.name == "assessment"]
            else:
                continue
            found += [f"{path.relative_to(ROOT)}:{node.lineno} imports {name} from the package root" for name in names]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("holder, name", [("assessment.services.exports", "EXPORT_TASK"),
                                          ("assessment.mail.outbox", "DELIVERY_TASK")])
def test_the_tasks_the_queues_name_exist_in_the_worker(holder, name):
    """RQ is given a task by its dotted name (the worker sits above the code that enqueues): the name resolves."""
    dotted = getattr(importlib.import_module(holder), name)
    module, _, function = dotted.rpartition(".")
    assert module == "assessment.worker"
    assert callable(getattr(importlib.import_module(module), function))
