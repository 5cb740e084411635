"""Rules of product variants that need no database: combinations of attribute items, names, price ranges."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from bosonline.catalog.schemas import MAX_VARIANTS, AttributeIn, VariantIn
from bosonline.models import ProductVariant

DEFAULT_VARIANT_NAME = "Default"


def option_key(options: Sequence[str]) -> tuple[str, ...]:
    """Options compare case-insensitively: `Merah` and `merah` are the same item."""
    return tuple(option.casefold() for option in options)


def combinations(attributes: Sequence[AttributeIn]) -> list[tuple[str, ...]]:
    """Every combination of one item per attribute, in attribute order; `[()]` without attributes."""
    return list(itertools.product(*(attribute.items for attribute in attributes)))


def combination_errors(attributes: Sequence[AttributeIn], variants: Sequence[VariantIn]) -> dict[str, str]:
    """Field errors when `variants` are not exactly one per combination of the attribute items."""
    expected_count = 1
    for attribute in attributes:
        expected_count *= len(attribute.items)
    if expected_count > MAX_VARIANTS:
        return {"attributes": f"make {expected_count} combinations; a product has at most {MAX_VARIANTS} variants"}
    expected = {option_key(combo): combo for combo in combinations(attributes)}
    errors: dict[str, str] = {}
    seen: set[tuple[str, ...]] = set()
    for index, variant in enumerate(variants):
        key = option_key(variant.options)
        if len(variant.options) != len(attributes):
            errors[f"variants.{index}.options"] = f"must name one item of each of the {len(attributes)} attributes"
        elif key not in expected:
            errors[f"variants.{index}.options"] = "is not a combination of the attribute items"
        elif key in seen:
            errors[f"variants.{index}.options"] = "this combination is listed twice"
        seen.add(key)
    missing = [combo for key, combo in expected.items() if key not in seen]
    if missing and not errors:
        shown = ", ".join(" / ".join(combo) or DEFAULT_VARIANT_NAME for combo in missing[:5])
        errors["variants"] = f"missing {len(missing)} combination(s): {shown}; send them with status inactive"
    return errors


def canonical_options(attributes: Sequence[AttributeIn], options: Sequence[str]) -> list[str]:
    """The items as spelled in the attributes (the variant may have sent `merah` for `Merah`)."""
    return [
        next(item for item in attribute.items if item.casefold() == option.casefold())
        for attribute, option in zip(attributes, options, strict=True)
    ]


def variant_name(options: Sequence[str], given: str | None) -> str:
    return given or " / ".join(options) or DEFAULT_VARIANT_NAME


def sku_errors(product_sku: str | None, variants: Sequence[VariantIn]) -> dict[str, str]:
    """SKUs repeated inside one request (the database checks the rest of the store)."""
    errors: dict[str, str] = {}
    seen: dict[str, str] = {}
    if product_sku:
        seen[product_sku.upper()] = "sku"
    for index, variant in enumerate(variants):
        if not variant.sku:
            continue
        key = variant.sku.upper()
        if key in seen:
            errors[f"variants.{index}.sku"] = f"is the same as {seen[key]}"
        else:
            seen[key] = f"variants.{index}.sku"
    return errors


def price_ranges(variants: Sequence[ProductVariant]) -> tuple[int, int, int, int]:
    """(price_min, price_max, cogs_min, cogs_max) over the active variants, or all of them when none is active."""
    shown = [variant for variant in variants if variant.status == "active"] or list(variants)
    if not shown:
        return 0, 0, 0, 0
    prices = [variant.price for variant in shown]
    costs = [variant.cogs for variant in shown]
    return min(prices), max(prices), min(costs), max(costs)
