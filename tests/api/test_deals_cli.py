"""``invoiceflow deals import``: a summary per file, rejected rows by line, exit status 1 when
anything was left out, and the same files again change nothing."""
from __future__ import annotations

from click.testing import CliRunner

from api.cli import main


def test_import_from_the_command_line(database, tmp_path, monkeypatch):
    monkeypatch.setenv("INVOICEFLOW_DATABASE_URL", database.url)
    monkeypatch.setenv("INVOICEFLOW_DATA_DIR", str(tmp_path))
    deals = tmp_path / "deals.csv"
    deals.write_bytes("\ufeffID;Название;Стадия;Источник;Ответственный;Дата создания;Сумма;Валюта\r\n"
                      "B1;Праздник;Консультация;site;petrov;10.01.2026 10:00;15 000,00;RUB\r\n"
                      "B2;Праздник;new;site;petrov;10.01.2026 10:00;пятьсот;RUB\r\n".encode("utf-8"))
    history = tmp_path / "history.csv"
    history.write_text("deal,stage,entered_at\nB1,new,2026-01-10 10:00\nB1,consultation,2026-01-11 10:00\n",
                       encoding="utf-8")
    runner = CliRunner()
    first = runner.invoke(main, ["deals", "import", str(history), str(deals)])
    assert first.exit_code == 1, first.output
    assert f"{deals}: 2 rows: 1 created, 0 updated, 0 unchanged, 1 left out" in first.output
    assert "  line 3: amount 'пятьсот' is not a number" in first.output
    assert f"{history}: 2 rows: 2 stage entries added, 0 already recorded, 0 left out" in first.output
    again = runner.invoke(main, ["deals", "import", str(deals), str(history)])
    assert "1 unchanged" in again.output and "0 stage entries added, 2 already recorded" in again.output
    deals.write_bytes(deals.read_bytes().replace("пятьсот".encode("utf-8"), b"500"))
    fixed = runner.invoke(main, ["deals", "import", str(deals)])
    assert fixed.exit_code == 0 and "1 created, 0 updated, 1 unchanged, 0 left out" in fixed.output


def test_a_missing_file_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["deals", "import", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2 and "does not exist" in result.output
