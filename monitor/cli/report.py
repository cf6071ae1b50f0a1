"""``jobtrend report``: the weekly report, written to a folder and optionally mailed once."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from monitor.cli.app import App, BadUsage, RunFailed, console


@click.command()
@click.option("--period", metavar="YYYY-Www", help="The ISO week (default: the last complete one).")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write index.html, its charts, report.txt and report.eml here "
    "(default: [report] out_dir/YYYY-Www, with an archive index.html).",
)
@click.option("--send", is_flag=True, help="Mail it to [report] to, once per period.")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Write the files (to --out, else a temporary folder) without mailing or recording.",
)
@click.option("--force", is_flag=True, help="With --send: mail a period already sent again.")
@click.option(
    "--scheduled",
    is_flag=True,
    help="With --send, for a crontab: send only for the latest [report] schedule slot (within "
    "12 hours) not yet taken by a daemon or another --scheduled run.",
)
@click.option(
    "--lang",
    type=click.Choice(["ko", "en"]),
    help="The report's language (default: [report] language).",
)
@click.option(
    "--svg",
    is_flag=True,
    help="Also write each chart as SVG beside its PNG (the page and the mail keep the PNGs, "
    "which every mail client shows).",
)
@click.pass_obj
def report(
    app: App,
    period: str | None,
    out: Path | None,
    send: bool,
    dry_run: bool,
    force: bool,
    scheduled: bool,
    lang: str | None,
    svg: bool,
) -> None:
    """The weekly report: what moved for each of [report] tags, as HTML, text and e-mail.

    Without --out the report goes to [report] out_dir/YYYY-Www/ and out_dir/index.html lists
    every week kept, newest first. A second --send of the same week prints "already sent"
    and exits 0, unless --force.
    """
    from monitor.numbers.periods import last_complete_week
    from reports.content import parse_week
    from reports.email import check_settings
    from reports.weekly import FAILED, archive_root, send_once, write_week

    config, clock = app.config, app.clock
    err = console(stderr=True)
    if scheduled and not (send and not dry_run):
        raise BadUsage("--scheduled goes with --send (and without --dry-run).")
    today = clock.today()
    if scheduled:
        from monitor.schedule import MISFIRE_GRACE, parse
        from monitor.storage.claims import REPORT_JOB, claim

        now = clock.now()
        slot = parse(config.report.schedule, config.zone).latest_slot(now)
        if slot is None:
            hours = MISFIRE_GRACE.total_seconds() / 3600
            err.print(f"No [report] schedule slot in the last {hours:g} hours; nothing sent.")
            return
        if not claim(app.db, REPORT_JOB, slot, now):
            err.print("This scheduled report slot has already been taken; nothing sent.")
            return
        today = clock.local_day(slot)
    language = lang or config.report.language
    week = parse_week(period) if period else last_complete_week(today)
    mailing = send and not dry_run
    if mailing:
        check_settings(config.smtp, config.report.to)

    archive: Path | None = None
    if out is not None:
        folder = out
    elif dry_run:
        folder = Path(tempfile.mkdtemp(prefix=f"jobtrend-report-{week.label}-"))
    else:
        archive = archive_root(config)
        folder = archive / week.label

    built = write_week(
        config, app.db, clock, week, folder, language, svg_copies=svg, drawing_process=True
    )
    err.print(f"wrote the {week.label} report to {built.index}")
    if archive is not None:
        from reports.build import write_archive

        err.print(f"archive: {write_archive(archive, language)}")
    if send and dry_run:
        err.print("--dry-run: nothing mailed, nothing recorded.")
    if not mailing:
        return
    outcome = send_once(config, app.db, clock, week.label, built, force)
    if outcome.status == FAILED:
        raise RunFailed(outcome.message)
    err.print(outcome.message)


def register(group: click.Group) -> None:
    group.add_command(report)
