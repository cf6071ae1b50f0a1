"""SQLAlchemy models: the tables of DESIGN.md's Storage section.

Instants are stored as naive UTC (``UTCDateTime`` converts at the edge, because SQLite keeps
no offsets); calendar days (``new_on``, ``daily_count.day``) are days in the configured zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# The daily_count conventions, re-exported for the storage code.
from monitor.storage.schema import ALL_SOURCES as ALL_SOURCES
from monitor.storage.schema import ALL_TAGS as ALL_TAGS

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime in Python, naive UTC in the database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Source(Base):
    __tablename__ = "source"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(50))
    query_filtered: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set by `sources accept`: runs before it no longer define the expected level.
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ScrapeRun(Base):
    __tablename__ = "scrape_run"
    __table_args__ = (Index("ix_scrape_run_source_started", "source_id", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # ok | partial | failed | suspect | unchanged
    status: Mapped[str] = mapped_column(String(20))
    requests: Mapped[int] = mapped_column(Integer, default=0)
    bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    returned: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    skipped_detail: Mapped[str | None] = mapped_column(Text, nullable=True)
    error_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class Posting(Base):
    __tablename__ = "posting"
    __table_args__ = (
        UniqueConstraint("source_id", "external_id", name="uq_posting_source_external"),
        Index("ix_posting_source_open", "source_id", "closed_at"),
        Index("ix_posting_job", "job_id"),
        Index("ix_posting_dedup_key", "dedup_key"),
        # Every column a read of sighting spans takes (the counts and their parts, the
        # phrases of a period): such reads go through this narrow index, not the table and
        # its descriptions (migration 0012).
        Index(
            "ix_posting_life",
            "last_seen_at",
            "closed_at",
            "active_from",
            "first_seen_at",
            "new_on",
            "source_id",
            "job_id",
            "level",
            "country",
            "remote",
            "company",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    company: Mapped[str] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(Text, nullable=True)
    country: Mapped[str | None] = mapped_column(String(20), nullable=True)
    remote: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    employment_type: Mapped[str | None] = mapped_column(String(100), nullable=True)
    description: Mapped[str] = mapped_column(Text, default="")
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Start of the current sighting span: first_seen_at, or when it came back after closing
    # (earlier spans are in posting_span, so the gap between them is not active).
    active_from: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    new_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    dedup_key: Mapped[str] = mapped_column(Text, default="")
    job_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Closes by itself at this instant (a Hacker News comment at the end of its month).
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # entry | experienced | None (query --level), and the years asked: from the source's
    # structured fields, else the title (monitor.level).
    level: Mapped[str | None] = mapped_column(String(20), nullable=True)
    years_min: Mapped[int | None] = mapped_column(Integer, nullable=True)
    years_max: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Job(Base):
    """A de-duplicated job: postings of the same key that overlap or repost within 60 days."""

    __tablename__ = "job"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedup_key: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PostingSpan(Base):
    """An earlier sighting span of a posting that closed and came back."""

    __tablename__ = "posting_span"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    posting_id: Mapped[int] = mapped_column(
        ForeignKey("posting.id", ondelete="CASCADE"), index=True
    )
    job_id: Mapped[int] = mapped_column(Integer)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)  # its last sighting
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    new_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class PostingTag(Base):
    __tablename__ = "posting_tag"
    __table_args__ = (Index("ix_posting_tag_tag", "tag", "posting_id"),)

    posting_id: Mapped[int] = mapped_column(
        ForeignKey("posting.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(100), primary_key=True)


class PostingWords(Base):
    """A posting's distinct words as the matcher folds its title and description
    (``monitor.search.matcher.text_words``): what the word index of ``monitor.search.index``
    is built on."""

    __tablename__ = "posting_words"

    posting_id: Mapped[int] = mapped_column(
        ForeignKey("posting.id", ondelete="CASCADE"), primary_key=True
    )
    words: Mapped[str] = mapped_column(Text)


class Phrase(Base):
    """A candidate phrase of ``jobtrend trending`` and ``skills`` (``monitor.phrases``), once."""

    __tablename__ = "phrase"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text, unique=True)


class PostingPhrases(Base):
    """A posting's distinct candidate phrases as ``phrase`` ids (``monitor.storage.phrases``:
    sorted, packed as little-endian 32-bit integers), so counting them reads no text."""

    __tablename__ = "posting_phrases"

    posting_id: Mapped[int] = mapped_column(
        ForeignKey("posting.id", ondelete="CASCADE"), primary_key=True
    )
    ids: Mapped[bytes] = mapped_column(LargeBinary)


class DailyCount(Base):
    """Per day, tag and source: distinct jobs active, new and closed.

    ``source_id = 0`` rows are all sources together (jobs counted once across them);
    ``tag = '*'`` rows are all jobs, the denominator of shares, without query-filtered sources.
    """

    __tablename__ = "daily_count"
    # The counts ride in the index, so a trend of tags reads the index alone.
    __table_args__ = (
        Index("ix_daily_count_tag_source_day", "tag", "source_id", "day", "active", "new"),
    )

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    tag: Mapped[str] = mapped_column(String(100), primary_key=True)
    source_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    active: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)


class DailyPartCount(Base):
    """``daily_count``'s all-sources rows for one part of the postings: a region (Korea,
    elsewhere, unknown) or a level group (entry, experienced, unknown), as
    ``monitor.numbers.filters.PARTS`` names them, so the report's splits and ``--level`` read
    stored rows. Each day of each part has its ``tag = '*'`` row, so a day is filled or not."""

    __tablename__ = "daily_part_count"
    __table_args__ = (
        Index("ix_daily_part_count_part_tag_day", "part", "tag", "day", "active", "new"),
    )

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    part: Mapped[str] = mapped_column(String(40), primary_key=True)
    tag: Mapped[str] = mapped_column(String(100), primary_key=True)
    active: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)


class WeeklyPhrases(Base):
    """One ISO week's candidate phrases (``monitor.numbers.weekly``), as packed arrays: per
    phrase of ``phrase_ids`` (uint32, ascending) the week's jobs with it (``counts``). The
    ``tag = '*'`` row is all the week's jobs (``jobs``; their stored ids in ``job_ids``, int64)
    with, per phrase, the distinct companies of its jobs and a hash of their set; a tag's row
    counts only the jobs carrying the tag. ``through`` is the last day counted: the week's
    Sunday once it is over."""

    __tablename__ = "weekly_phrases"

    week: Mapped[date] = mapped_column(Date, primary_key=True)  # its Monday
    tag: Mapped[str] = mapped_column(String(100), primary_key=True)
    through: Mapped[date] = mapped_column(Date)
    jobs: Mapped[int] = mapped_column(Integer)
    job_ids: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    phrase_ids: Mapped[bytes] = mapped_column(LargeBinary)
    counts: Mapped[bytes] = mapped_column(LargeBinary)
    companies: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    hashes: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class TermMatch(Base):
    """The postings an ad-hoc term matched, valid while ``stamp`` (the newest run and posting)
    is the data's (``monitor.search.index``)."""

    __tablename__ = "term_match"

    term: Mapped[str] = mapped_column(String(200), primary_key=True)
    stamp: Mapped[str] = mapped_column(String(100))
    posting_ids: Mapped[str] = mapped_column(Text)  # a JSON array, ascending
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class HttpCache(Base):
    __tablename__ = "http_cache"

    url: Mapped[str] = mapped_column(Text, primary_key=True)
    etag: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_modified: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReportRun(Base):
    """One weekly report's sending: claimed (``sending``) before the mail goes out, so two
    ``report --send`` runs never both mail a period (``monitor.storage.reports``)."""

    __tablename__ = "report_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(20), unique=True)  # 2026-W19
    status: Mapped[str] = mapped_column(String(20), default="sending")  # sending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    recipients: Mapped[str] = mapped_column(Text, default="")


class JobClaim(Base):
    """A scheduled job's slot, claimed once across daemons sharing a database."""

    __tablename__ = "job_claim"
    __table_args__ = (UniqueConstraint("job", "slot", name="uq_job_claim_job_slot"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job: Mapped[str] = mapped_column(String(200))
    slot: Mapped[datetime] = mapped_column(UTCDateTime)
    owner: Mapped[str] = mapped_column(String(200))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DaemonState(Base):
    """One row per running daemon, its heartbeat refreshed every 30 seconds."""

    __tablename__ = "daemon_state"

    owner: Mapped[str] = mapped_column(String(200), primary_key=True)  # host:pid
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WatchSent(Base):
    """A job notified by a watch: each job is mailed once per watch (``monitor.storage.
    watches``). ``sending`` while its digest is out, ``sent`` once delivered."""

    __tablename__ = "watch_sent"
    __table_args__ = (UniqueConstraint("watch", "job_id", name="uq_watch_sent_watch_job"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    watch: Mapped[str] = mapped_column(String(200))
    job_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="sending")  # sending | sent
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class DaemonJob(Base):
    """A live daemon's scheduled job and its next run, rewritten with each heartbeat."""

    __tablename__ = "daemon_job"

    owner: Mapped[str] = mapped_column(String(200), primary_key=True)  # daemon_state.owner
    job: Mapped[str] = mapped_column(String(200), primary_key=True)  # scrape:NAME | report
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
