"""The simulated job market: board shapes, the local HTTP server, and the demo runner.

``server`` (a real HTTP server on 127.0.0.1 with fault injection), ``shapes`` (one module per
board format it can serve), ``runner`` (``jobtrend demo``: the whole pipeline, offline). The
core never imports this package; the tests and the demo do.
"""
