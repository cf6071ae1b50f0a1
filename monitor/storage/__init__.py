"""Storage: the database and its migrations, the tables, and writing a run's outcome.

``db`` (engine, connection settings, migrations), ``models`` (the tables), ``ingest`` (one
run written in one short transaction), ``idlist`` (an id list bound as one parameter).
"""
