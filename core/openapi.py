"""OpenAPI descriptions of request input that an app's validators check.

A body or query string checked by plain validator functions (`portfolio.validation`,
`alerts.services.clean_rule`, ...) has no serializer: its view describes it to the schema with
`described_input`, beside the route, so nothing looks like a check that is not one.
"""

from __future__ import annotations

from rest_framework import serializers


def described_input(
    name: str, fields: dict[str, serializers.Field], *, description: str | None = None, partial: bool = False
) -> serializers.Serializer:
    """The schema of an input named `name`, for `extend_schema(request=...)` or `parameters=[...]`.

    A body is the component `name` (`Patched<name>` when `partial`: every field optional), with
    `description`. Never used to validate anything.
    """
    # A one-off class, as drf-spectacular reads a serializer: its docstring is the description.
    shape = type(name, (serializers.Serializer,), {"__doc__": description, **fields})
    return shape(partial=partial)
