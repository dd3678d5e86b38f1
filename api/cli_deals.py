"""``invoiceflow deals ...``: getting CRM deals in from files (CSV, Bitrix24 exports)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from engine import Engine
from engine.settings import Settings
from reports import Reports, ReportsSettings

SHOWN_PROBLEMS = 50


@click.group()
def deals() -> None:
    """CRM deals for the conversion reports."""


@deals.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--stage-map", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Bitrix24 -> pipeline mapping (TOML); default: the shipped reports/bitrix_mapping.toml.")
@click.option("--show", default=SHOWN_PROBLEMS, show_default=True, help="How many rejected rows to list per file.")
def import_deals(files: tuple[Path, ...], stage_map: Path | None, show: int) -> None:
    """Import deals and stage histories: CSV files (UTF-8 with or without BOM, ';' or ',') and
    Bitrix24 JSON (crm.deal.list, crm.stagehistory.list). Deals files go first; importing the
    same data again changes nothing. Rows with a problem are listed and left out; the exit
    status is 1 when any row or file was left out. Stage automation does not run on imports."""
    engine = Engine.from_settings(Settings.from_env())
    reports = Reports(engine.session_factory(), ReportsSettings.from_env())
    with click.progressbar(length=sum(path.stat().st_size for path in files), label="Importing",
                           file=sys.stderr) as bar:
        results = reports.import_files(files, stage_map, bar.update)
    incomplete = False
    for result in results:
        click.echo(_summary(result))
        for line, reason in sorted(result.problems)[:show]:
            click.echo(f"  {result.label} {line}: {reason}")
        if len(result.problems) > show:
            click.echo(f"  ... and {len(result.problems) - show} more")
        incomplete |= bool(result.failure or result.problems)
    if incomplete:
        raise SystemExit(1)


def _summary(result) -> str:
    if result.failure:
        return f"{result.path}: not imported: {result.failure}"
    totals = result.totals
    if result.kind == "deals":
        done = f"{totals.created} created, {totals.updated} updated, {totals.unchanged} unchanged"
    else:
        done = f"{totals.added} stage entries added, {totals.known} already recorded"
    return f"{result.path}: {result.rows} rows: {done}, {len(result.problems)} left out"
