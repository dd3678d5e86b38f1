"""The README's Python walk-through runs as written (a doctest), so it cannot drift."""
from __future__ import annotations

import doctest
import re

from click.testing import CliRunner

from api.cli import main
from support import PDF, ROOT


def test_readme_walk_through(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INVOICEFLOW_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("INVOICEFLOW_DATABASE_URL", raising=False)
    (tmp_path / "invoice.pdf").write_bytes(PDF)
    (tmp_path / "invoice-v2.pdf").write_bytes(PDF + b"% v2\n")
    runner = CliRunner()
    for command in (["db", "upgrade"], ["deploy", "--bundled"], ["demo"]):
        assert runner.invoke(main, command).exit_code == 0

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## One invoice, start to close.*?```python\n(.*?)```", readme, re.S).group(1)
    test = doctest.DocTestParser().get_doctest(block, {}, "README", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0 and runner.tries > 10
