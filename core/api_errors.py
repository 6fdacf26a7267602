"""What the API's error answers are made of, for every app's views and streams.

`InvalidInput` is the 422 of a value outside a declared bound; `error_messages` flattens DRF
field errors into readable sentences (the one flattener: the exception handler's `detail`, the
pages' messages); `INTERNAL_ERROR_DETAIL` is all a client learns of an unexpected failure. The
handler that answers them is `pmresearch.errors`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import exceptions, status

NON_FIELD_ERRORS = "non_field_errors"

INTERNAL_ERROR_DETAIL = "Internal server error; the failure has been logged."


class InvalidInput(exceptions.ValidationError):
    """A value outside a declared bound or of the wrong type: 422, as the earlier API answered.

    The earlier system split bad input by who checked it: its handlers' own checks
    (ticker format, an empty update) were 400, the declared bounds of a query,
    path or body field were 422. `validated_or_422` keeps that split.
    """

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY


def validated_or_422(serializer: Any) -> dict[str, Any]:
    """The serializer's validated data, or a 422 whose detail names each field and why."""
    if not serializer.is_valid():
        raise InvalidInput(serializer.errors)
    return dict(serializer.validated_data)


def error_messages(errors: Any) -> list[str]:
    """Every message of DRF field errors, in order, each after its field ("limit: Ensure ...";
    nested fields "tickers: 0: ..."); `non_field_errors` messages stand alone."""
    if isinstance(errors, Mapping):
        return [
            message if field == NON_FIELD_ERRORS else f"{field}: {message}"
            for field, value in errors.items()
            for message in error_messages(value)
        ]
    if isinstance(errors, list):
        return [message for item in errors for message in error_messages(item)]
    return [str(errors)]
