"""The numbers: daily counts, trends, share and its interval, periods, filters, job listings.

``shares`` (rows per term and period: active, new, share, Wilson interval; no database),
``daily`` (distinct jobs active, new and closed per day; the ``daily_count`` table, and
``daily_part_count`` per region and level group),
``trends`` (``query``'s rows from stored or computed counts, with filters and groups),
``listing`` (the jobs behind a number), ``periods`` (days, ISO weeks, months),
``fastquery`` (the common query read straight from SQLite's ``daily_count``).
"""
