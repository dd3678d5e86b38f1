"""A plain ``pip install .`` ships the pages' templates, static files and the catalogs:
every such file matches a ``package_data`` pattern of setup.cfg."""
from __future__ import annotations

import configparser
from fnmatch import fnmatch

import pytest

from support import ROOT

SHIPPED = [("api", "web/templates"), ("api", "web/static"), ("forms", "templates"),
           ("translations", "en"), ("translations", "ru")]


def patterns(package: str) -> list[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    return [item.strip() for item in config["options.package_data"][package].split(",")]


@pytest.mark.parametrize("package, folder", SHIPPED)
def test_every_page_file_and_catalog_is_package_data(package, folder):
    files = [path for path in (ROOT / package / folder).rglob("*") if path.is_file()
             and "__pycache__" not in path.parts]
    assert files
    unshipped = [str(path) for path in files
                 if not any(fnmatch(str(path.relative_to(ROOT / package)), pattern) for pattern in patterns(package))]
    assert unshipped == []


def test_translations_is_a_package_of_the_distribution():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    assert "translations" in config["options.packages.find"]["include"].split()
