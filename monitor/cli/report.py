"""``jobtrend report``: the weekly report, written to a folder and optionally mailed once."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from monitor.cli.app import App, RunFailed, console


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
    lang: str | None,
    svg: bool,
) -> None:
    """The weekly report: what moved for each of [report] tags, as HTML, text and e-mail.

    Without --out the report goes to [report] out_dir/YYYY-Www/ and out_dir/index.html lists
    every week kept, newest first. A second --send of the same week prints "already sent"
    and exits 0, unless --force.
    """
    from monitor.config import data_dir
    from monitor.storage.reports import claim_send, mark_failed, mark_sent
    from reports.build import write_archive, write_report
    from reports.content import build_content, last_complete_week, parse_week
    from reports.email import check_settings
    from reports.email import send as send_mail

    config, clock = app.config, app.clock
    language = lang or config.report.language
    week = parse_week(period) if period else last_complete_week(clock.today())
    mailing = send and not dry_run
    if mailing:
        check_settings(config.smtp, config.report.to)

    archive_root: Path | None = None
    if out is not None:
        folder = out
    elif dry_run:
        folder = Path(tempfile.mkdtemp(prefix=f"jobtrend-report-{week.label}-"))
    else:
        archive_root = Path(config.report.out_dir or data_dir() / "reports").expanduser()
        folder = archive_root / week.label

    with app.db.session() as session:
        content = build_content(
            session,
            clock,
            config.tags,
            config.report.tags,
            week,
            language=language,
            stale_after_days=config.http.stale_after_days,
        )
    built = write_report(
        content, folder, sender=config.smtp.from_, to=config.report.to, svg_copies=svg
    )
    err = console(stderr=True)
    err.print(f"wrote the {week.label} report to {built.index}")
    if archive_root is not None:
        err.print(f"archive: {write_archive(archive_root, language)}")
    if send and dry_run:
        err.print("--dry-run: nothing mailed, nothing recorded.")
    if not mailing:
        return

    claim = claim_send(app.db, week.label, clock.now(), force=force)
    if not claim.won:
        if claim.status == "sent":
            when = f" at {claim.sent_at:%Y-%m-%d %H:%M} UTC" if claim.sent_at else ""
            err.print(f"The {week.label} report was already sent{when}; --force sends it again.")
        else:
            err.print(
                f"The {week.label} report is being sent by another run; "
                "--force takes it over if that run died."
            )
        return
    from monitor.errors import SendError

    try:
        send_mail(built.message, config.smtp, config.report.to)
    except SendError as exc:
        mark_failed(app.db, week.label, str(exc))
        raise RunFailed(f"{exc} The report is kept in {folder}.") from None
    mark_sent(app.db, week.label, clock.now(), list(config.report.to))
    err.print(f"sent the {week.label} report to {', '.join(config.report.to)}")


def register(group: click.Group) -> None:
    group.add_command(report)
