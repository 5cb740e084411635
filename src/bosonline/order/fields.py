"""Field types of an order's buyer, delivery and payment, as the checkout request and the order's edits take them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from bosonline.kit.fields import no_control_chars, no_control_chars_but_newlines

PaymentMethod = Literal["bank_transfer", "cod", "qris"]
RegionCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=2, max_length=16),
    Field(description='A district (kecamatan) or village code, e.g. "32.76.01" or "32.76.01.1006".'),
]
Address = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=5, max_length=500), AfterValidator(no_control_chars)
]
Notes = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=1000), AfterValidator(no_control_chars_but_newlines)
]
PostalCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{5}$")]
