"""Content-Encoding undone layer by layer, with the body cap held at every layer.

httpx decodes a chunk completely before handing it over, so a few kilobytes sent as
``Content-Encoding: gzip, gzip`` can become gigabytes in memory before any size check runs.
Here each layer inflates at most ``PIECE`` bytes at a time (zlib's ``max_length``), and every
layer's output, not only the last, is counted against the cap.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

# The encodings asked for (and so the only ones a polite server sends).
ACCEPT_ENCODING = "gzip, deflate"
PIECE = 64 * 1024
_IDENTITY = frozenset({"", "identity"})


class _Deflate:
    """``deflate`` as servers send it: zlib-wrapped, or (wrongly, but often) raw."""

    def __init__(self) -> None:
        self._inner: Any = None
        self._buffer = b""

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if self._inner is None:
            self._buffer += data
            if len(self._buffer) < 2:
                return b""
            first, second = self._buffer[0], self._buffer[1]
            wrapped = first & 0x0F == 8 and (first << 8 | second) % 31 == 0
            self._inner = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
            data, self._buffer = self._buffer, b""
        return self._inner.decompress(data, max_length)

    @property
    def unconsumed_tail(self) -> bytes:
        return self._inner.unconsumed_tail if self._inner is not None else b""

    def flush(self) -> bytes:
        return self._inner.flush() if self._inner is not None else b""


def _layer(encoding: str) -> Any:
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return _Deflate()
    raise ValueError(f"an unsupported Content-Encoding {encoding!r}")


def encodings_of(header: str) -> list[str]:
    """The layers of a Content-Encoding header, in the order they were applied."""
    return [e.strip().lower() for e in header.split(",") if e.strip().lower() not in _IDENTITY]


def decoded(
    raw: Iterable[bytes], encodings: list[str], limit: int, too_large: Callable[[], Exception]
) -> Iterator[bytes]:
    """The body ``raw`` (bytes off the wire) decoded through ``encodings``, in pieces; raises
    ``too_large()`` as soon as any layer's output passes ``limit`` bytes."""
    layers = [_layer(e) for e in reversed(encodings)]  # the last applied is undone first
    sizes = [0] * (len(layers) + 1)

    def push(index: int, data: bytes) -> Iterator[bytes]:
        sizes[index] += len(data)
        if sizes[index] > limit:
            raise too_large()
        if index == len(layers):
            if data:
                yield data
            return
        layer = layers[index]
        while data:
            piece = layer.decompress(data, PIECE)
            data = layer.unconsumed_tail
            if piece:
                yield from push(index + 1, piece)
            elif not data:
                break

    for chunk in raw:
        if chunk:
            yield from push(0, chunk)
    for index, layer in enumerate(layers):
        rest = layer.flush()
        if rest:
            yield from push(index + 1, rest)
