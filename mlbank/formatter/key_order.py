"""The canonical key order, read from the pydantic models: at every level, the order in which the
model declares its fields (mlbank.model.MODELS). Unknown keys are not the models' business: the
canonical walk keeps them after the known ones, in their own order."""

from __future__ import annotations

import typing
from collections.abc import Iterator
from functools import cache
from typing import Any

from mlbank.formatter.layout import Pattern


@cache
def key_orders(kind: str) -> dict[Pattern, list[str]]:
    """Field path pattern -> the model's field names there, for every model a `kind` file holds."""
    from mlbank.model import MODELS

    orders: dict[Pattern, list[str]] = {}
    _collect(MODELS[kind], (), orders)
    return orders


def _collect(model: Any, prefix: Pattern, orders: dict[Pattern, list[str]]) -> None:
    orders[prefix] = list(model.model_fields)
    for name, info in model.model_fields.items():
        for sub, suffix in _submodels(info.annotation):
            _collect(sub, (*prefix, name, *suffix), orders)


def _submodels(annotation: Any, suffix: Pattern = ()) -> Iterator[tuple[Any, Pattern]]:
    """Pydantic models reachable through an annotation, with '*' for each list level."""
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation, suffix
        return
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is list:
        for arg in args:
            yield from _submodels(arg, (*suffix, "*"))
    elif origin is not dict:
        for arg in args:
            yield from _submodels(arg, suffix)
