"""Wire shapes of /public/regions."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from bosonline.kit.schemas import RowOut

RegionType = Literal["provinsi", "kabupaten", "kota", "kecamatan", "distrik", "kelurahan", "desa", "desa_adat"]


class RegionOut(RowOut):
    code: str = Field(
        description='Dotted Kemendagri code: "32", "32.76", "32.76.01", "32.76.01.1006".', examples=["32.76"]
    )
    name: str = Field(examples=["Kota Depok"])
    level: int = Field(ge=1, le=4, description="1 province, 2 regency or city, 3 district, 4 village.")
    type: RegionType
    path: str = Field(description="The region and its parents, nearest first.", examples=["Kota Depok, Jawa Barat"])
    postal_code: str | None = Field(description="Kode pos of a village; null above village level.")
