"""Wire envelopes shared by every domain: {"data": …} and {"data": [...], "meta": {...}}; and `from_row`, which reads a
wire shape from a row."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Generic, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, GetJsonSchemaHandler, field_validator, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

T = TypeVar("T")
B = TypeVar("B", bound=BaseModel)


class Envelope(BaseModel, Generic[T]):
    data: T


class ListMeta(BaseModel):
    next_cursor: str | None = Field(None, description="Pass as `?cursor=` for the next page; null on the last.")
    total: int | None = Field(None, description="Number of matching records, where cheap to count.")


class ListEnvelope(BaseModel, Generic[T]):
    data: list[T]
    meta: ListMeta

    @classmethod
    def whole(cls, items: list[T]) -> Self:
        """A list that comes in one page: no cursor, and its length is the total."""
        return cls(data=items, meta=ListMeta(next_cursor=None, total=len(items)))

    @classmethod
    def page(cls, items: list[T], next_cursor: str | None, total: int | None = None) -> Self:
        """One page of a keyset-paginated list (`total` where it is cheap to count)."""
        return cls(data=items, meta=ListMeta(next_cursor=next_cursor, total=total))


class StrictBody(BaseModel):
    """Base of request bodies: unknown keys are refused, strings trimmed (but passwords: kit.fields.Password)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PatchBody(StrictBody):
    """Base of partial edits: only the fields sent change; at least one is sent, and none as null."""

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        return refuse_null(value)

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("send at least one field to change")
        return self

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return partial_edit_schema(schema, handler)


def partial_edit_schema(schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
    """The JSON schema of a partial edit as its validators see it: no field null, at least one sent."""
    json_schema = not_null_schema(schema, handler)
    handler.resolve_ref_schema(json_schema)["minProperties"] = 1
    return json_schema


def refuse_null(value: object) -> object:
    """A `mode="before"` field validator of a field that may be left out but not sent as null."""
    if value is None:
        raise ValueError("must not be null; leave the field out to keep it")
    return value


def not_null_schema(
    schema: CoreSchema, handler: GetJsonSchemaHandler, *, nullable: Collection[str] = ()
) -> JsonSchemaValue:
    """The JSON schema of a body whose fields may be left out but are refused as null (`X | None = None` only
    makes them optional), but for those named `nullable`: for a `__get_pydantic_json_schema__`."""
    json_schema = handler(schema)
    for name, prop in handler.resolve_ref_schema(json_schema).get("properties", {}).items():
        if name in nullable:
            continue
        branches = [branch for branch in prop.pop("anyOf", []) if branch != {"type": "null"}]
        if len(branches) == 1:
            prop.update(branches[0])
        elif branches:
            prop["anyOf"] = branches
        if "default" in prop and prop["default"] is None:
            del prop["default"]
    return json_schema


class DeletedOut(BaseModel):
    id: int
    deleted: bool = True


class RowOut(BaseModel):
    """Base of response shapes read from a row (an ORM object, a dataclass) attribute by attribute:
    `Model.model_validate(row)`; fields shown differently than stored say so with their validators and
    `validation_alias`, fields the row does not hold are given through `from_row`."""

    model_config = ConfigDict(from_attributes=True)


class _Given:
    """`row`'s attributes, with the names of `given` answered from it instead."""

    __slots__ = ("_given", "_row")

    def __init__(self, row: object, given: dict[str, Any]) -> None:
        self._row = row
        self._given = given

    def __getattr__(self, name: str) -> Any:
        return self._given[name] if name in self._given else getattr(self._row, name)


def from_row(model: type[B], row: object, **given: Any) -> B:
    """`model` read from `row`'s attributes, `given` supplying (or replacing) some of them."""
    return model.model_validate(_Given(row, given), from_attributes=True)
