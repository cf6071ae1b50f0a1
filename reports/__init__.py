"""Charts, report assembly and e-mail; reads numbers from ``monitor.numbers.trends``."""
