"""Reading JSON columns back fast, to the very same Python values.

Profiled, decoding the stored analyses' JSON columns with the standard library was about 40 %
of `/history/detailed` (50 analyses, four JSON columns each). `FastJSONDecoder`, given as a
JSONField's `decoder`, parses with orjson and falls back to the standard library wherever the
two could differ, so every value read is the one `json.loads` gives:

- orjson refuses `NaN`, `Infinity`, numbers that overflow a double and lone surrogates: it
  raises, and the standard library reads the text;
- orjson reads an integer beyond 64 bits as a float without complaint, so a text holding a run
  of 19 digits or more outside a fraction (an integer that may not fit, or a string of digits)
  goes to the standard library without trying orjson.

Encoding is untouched: a JSONField writes with `json.dumps`, and responses keep the standard
library's text (orjson writes some floats differently, `1e-7` for `1e-07`).
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

# A run of 19 digits, found fast: the text's bytes with every digit made "d", searched for 19 of
# them (a regular expression tried at every position cost 8x orjson's parse).
_DIGITS_AS_D = bytes(ord("d") if ord("0") <= byte <= ord("9") else ord(".") for byte in range(256))
_DIGIT_RUN = b"d" * 19
# Of those, the runs an integer may hide in: an integer part (or a digit string), not a fraction.
_LONG_DIGIT_RUN = re.compile(r"(?<![\d.])[0-9]{19}")


def _may_hold_a_long_integer(text: str) -> bool:
    if _DIGIT_RUN not in text.encode("utf-8", "surrogatepass").translate(_DIGITS_AS_D):
        return False
    return _LONG_DIGIT_RUN.search(text) is not None


class FastJSONDecoder(json.JSONDecoder):
    """`json.JSONDecoder` with orjson doing the work when the result cannot differ."""

    def decode(self, s: str, *args: Any, **kwargs: Any) -> Any:
        if self._plain() and isinstance(s, str) and not _may_hold_a_long_integer(s):
            try:
                return orjson.loads(s)
            except orjson.JSONDecodeError:
                pass  # NaN, Infinity, an overflowing number, a lone surrogate, or not JSON
        return super().decode(s, *args, **kwargs)

    def _plain(self) -> bool:
        """No hook or non-default parsing asked for (orjson has none of them)."""
        return (
            self.object_hook is None
            and self.object_pairs_hook is None
            and self.parse_float is float
            and self.parse_int is int
            and self.strict
        )


_FAST = FastJSONDecoder()


def loads(body: bytes | str) -> Any:
    """`json.loads(body)` for a UTF-8 body, parsed by orjson where the value cannot differ.

    For the sources' large bodies (SEC's companyfacts, 4 MB for NVIDIA, parsed in half the time).
    """
    text = body.decode("utf-8") if isinstance(body, bytes | bytearray) else body
    return _FAST.decode(text)
