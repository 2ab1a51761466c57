"""A bench is run as a script (`.venv/bin/python bench/x.py`), so Python puts bench/ first on
sys.path, before site-packages: a bench named like an installed package is imported instead of
it by anything that asks for that package. bench/coverage.py did so: numba imports the coverage
tool as `coverage`, and every bench that set Django up failed at once. (Each bench puts the
repository root first, so the project's own packages, such as `api`, win over bench/api.py.)"""
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"


def _shadowed(stem: str, path: list[str]) -> str | None:
    """Where `stem` is found on `path` outside bench/ and the repository, if it is."""
    saved = sys.path[:]
    try:
        sys.path[:] = path
        spec = importlib.util.find_spec(stem)
    except (ImportError, ValueError):
        return None
    finally:
        sys.path[:] = saved
    origin = Path(spec.origin).resolve() if spec and spec.origin not in (None, "built-in", "frozen") else None
    # the repository's own packages, not the virtualenv that may live inside it
    if spec is None or (origin is not None and ROOT in origin.parents
                        and "site-packages" not in origin.parts):
        return None
    return str(origin or stem)


# Modules that installed packages import when present, whether or not they are installed here:
# numba's coverage support does `import coverage`, and the tests' machine may not have it.
OPTIONAL_IMPORTS = {"coverage"}


def test_no_bench_is_named_like_an_installed_module():
    path = [p for p in sys.path if Path(p or ".").resolve() not in (BENCH, ROOT)]
    clashes = {f.name: where for f in BENCH.glob("*.py") if f.stem != "__init__"
               if (where := _shadowed(f.stem, path) or
                   ("optionally imported" if f.stem in OPTIONAL_IMPORTS else None))}
    assert clashes == {}


def test_the_check_finds_a_clash():
    path = [p for p in sys.path if Path(p or ".").resolve() not in (BENCH, ROOT)]
    assert _shadowed("numba", path) is not None
    assert _shadowed("django", path) is not None
    assert _shadowed("locate", path) is None
