"""Benchmarks for jobtrend (``make bench``; not part of the test suite).

``python -m bench`` builds a synthetic corpus once (cached under ``bench/.data``), runs each
benchmark group in its own child process (so peak memory is measured per group) and prints a
table: name, measured, peer or goal, ratio, pass/fail. ``--only tagging,ingest`` picks groups,
``--quick`` uses corpora ten times smaller. Results also go to ``bench/.data/results.json``.
"""
