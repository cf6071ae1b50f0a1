"""The simulated job market: board shapes, the local HTTP server, and the demo runner.

``model`` (a seeded market: companies, jobs, postings, faults), ``truth`` (the figures it must
give, counted from its own event log), ``server`` (a real HTTP server on 127.0.0.1 with fault
injection), ``shapes`` (one module per board format it can serve), ``market`` (the model served
in those shapes, day by day), ``runner`` (``jobtrend demo``: the whole pipeline, offline, and
the check). The
core never imports this package; the tests and the demo do.
"""
