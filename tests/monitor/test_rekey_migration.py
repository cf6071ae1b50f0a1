"""Migration 0006 re-keys JSON-LD postings stored under a company's registration number."""

from __future__ import annotations

from runs import run
from sqlalchemy import select, update

from monitor.posting import RawPosting
from monitor.storage.db import Database, _alembic_config, make_engine
from monitor.storage.models import Posting, ScrapeRun, Source

PAGE = "https://linkareer.example/activity/348333"


def migrate(url: str, target: str) -> None:
    from alembic import command

    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            step = command.upgrade if target == "head" else command.downgrade
            step(_alembic_config(engine, connection), target)
    finally:
        engine.dispose()


def test_a_registration_number_id_becomes_the_page_url_without_events(db: Database) -> None:
    posting = RawPosting(external_id="104-86-39742", title="[NH] 신규직원 채용", url=PAGE)
    other = RawPosting(external_id="R-1", title="연구원", url="https://x.example/r1")
    run(db, 1, [posting, other], source="careers")
    with db.session() as session, session.begin():
        session.execute(update(Source).values(kind="jsonld"))
    migrate(db.url, "0005")
    migrate(db.url, "head")
    with db.session() as session:
        ids = session.execute(select(Posting.external_id).order_by(Posting.id)).scalars().all()
        runs = session.execute(select(ScrapeRun.new, ScrapeRun.closed)).all()
    assert ids == [f"{PAGE}#1", "R-1"]
    assert [tuple(r) for r in runs] == [(0, 0)]  # the first run's; the migration adds none
    # The next run of the page finds it under its new id: nothing new, nothing closed.
    fixed = RawPosting(external_id=f"{PAGE}#1", title="[NH] 신규직원 채용", url=PAGE)
    result = run(db, 2, [fixed, other], source="careers")
    assert (result.new, result.closed) == (0, 0)
