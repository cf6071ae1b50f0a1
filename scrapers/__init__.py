"""The fetch layer (HTTP policy) and one module per source kind."""
