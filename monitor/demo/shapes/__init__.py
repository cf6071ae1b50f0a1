"""Real job-board API shapes served by the local ``BoardServer``, one module per kind.

Each module has ``install(server)`` (adds its routes), a ``set_<kind>(server, key, items)``
setter and builders of items in the real API's shape. Tests install what they need; the demo
installs them all.
"""
