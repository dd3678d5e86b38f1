"""Finding and loading definition files, one ``<key>.toml`` per form.

Every function takes an optional ``directory`` so tests (and future
per-tenant form sets) can point at another folder; None means the packaged
``forms/definitions``.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

from .definition import DefinitionError, FormDefinition, parse_definition
from .errors import UnknownForm
from .parsing import IDENTIFIER

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"


def definitions_dir(directory: str | Path | None = None) -> Path:
    """The directory to read definitions from."""
    return Path(directory) if directory is not None else DEFINITIONS_DIR


def load_definition_file(path: str | Path) -> FormDefinition:
    """Parse and check one definition file (uncached); DefinitionError names the file."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DefinitionError(f"{path}: not valid TOML: {exc}") from None
    definition = parse_definition(raw, str(path))
    # The file name is what the BPMN formKey points at, so they must agree.
    if definition.key != path.stem:
        raise DefinitionError(f"{path}: key '{definition.key}' does not match the file name")
    return definition


@functools.lru_cache(maxsize=None)
def _load_cached(path: str) -> FormDefinition:
    return load_definition_file(path)


def form_keys(directory: str | Path | None = None) -> list[str]:
    """Sorted keys of all definition files in the directory."""
    files = definitions_dir(directory).glob("*.toml")
    return sorted(p.stem for p in files if IDENTIFIER.fullmatch(p.stem))


def form_exists(key: object, directory: str | Path | None = None) -> bool:
    """Whether a definition file exists for ``key`` (it is not parsed)."""
    return _path_for(key, directory) is not None


def load_form(key: str, directory: str | Path | None = None) -> FormDefinition:
    """The definition for ``key``, parsed once and cached; UnknownForm if absent."""
    path = _path_for(key, directory)
    if path is None:
        raise UnknownForm(key)
    return _load_cached(str(path.resolve()))


def clear_cache() -> None:
    """Forget parsed definitions, e.g. after editing files in a running dev server."""
    _load_cached.cache_clear()


def misnamed_files(directory: str | Path | None = None) -> list[Path]:
    """``*.toml`` files whose name is not a valid key; form_keys() skips them silently."""
    files = definitions_dir(directory).glob("*.toml")
    return sorted(p for p in files if not IDENTIFIER.fullmatch(p.stem))


def _path_for(key: object, directory: str | Path | None) -> Path | None:
    # The identifier check also keeps keys like "../secret" out of the file system.
    if not isinstance(key, str) or not IDENTIFIER.fullmatch(key):
        return None
    path = definitions_dir(directory) / f"{key}.toml"
    return path if path.is_file() else None
