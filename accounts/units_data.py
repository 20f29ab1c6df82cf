"""The province's units: the PPC, its Office, departments after NĐ 45/2025, communes and wards."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from accounts.models import UnitKind

PROVINCE_CODE = 37  # Ninh Bình in vietnam-provinces
ROOT_CODE = "UBND37"


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    short_name: str
    kind: str
    parent_code: str | None
    sort_order: int


PROVINCIAL_UNITS: list[tuple[str, str, str, str]] = [
    ("VPUBND", "Văn phòng Ủy ban nhân dân tỉnh", "VP UBND tỉnh", UnitKind.OFFICE),
    ("SNV", "Sở Nội vụ", "Sở Nội vụ", UnitKind.DEPARTMENT),
    ("STP", "Sở Tư pháp", "Sở Tư pháp", UnitKind.DEPARTMENT),
    ("STC", "Sở Tài chính", "Sở Tài chính", UnitKind.DEPARTMENT),
    ("SCT", "Sở Công Thương", "Sở Công Thương", UnitKind.DEPARTMENT),
    ("SNNMT", "Sở Nông nghiệp và Môi trường", "Sở NN&MT", UnitKind.DEPARTMENT),
    ("SXD", "Sở Xây dựng", "Sở Xây dựng", UnitKind.DEPARTMENT),
    ("SKHCN", "Sở Khoa học và Công nghệ", "Sở KH&CN", UnitKind.DEPARTMENT),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "Sở VHTT&DL", UnitKind.DEPARTMENT),
    ("SGDDT", "Sở Giáo dục và Đào tạo", "Sở GD&ĐT", UnitKind.DEPARTMENT),
    ("SYT", "Sở Y tế", "Sở Y tế", UnitKind.DEPARTMENT),
    ("TTT", "Thanh tra tỉnh", "Thanh tra tỉnh", UnitKind.DEPARTMENT),
    ("SNGV", "Sở Ngoại vụ", "Sở Ngoại vụ", UnitKind.DEPARTMENT),
    ("SDTTG", "Sở Dân tộc và Tôn giáo", "Sở DT&TG", UnitKind.DEPARTMENT),
    ("BQLKCN", "Ban Quản lý các khu công nghiệp tỉnh", "BQL các KCN", UnitKind.DEPARTMENT),
]


def province_units() -> Iterator[UnitSpec]:
    from vietnam_provinces import Province, ProvinceCode, Ward

    province = Province.from_code(ProvinceCode(PROVINCE_CODE))
    yield UnitSpec(ROOT_CODE, f"Ủy ban nhân dân tỉnh {province.name}", "UBND tỉnh", UnitKind.PROVINCE, None, 0)
    for order, (code, name, short, kind) in enumerate(PROVINCIAL_UNITS, start=1):
        yield UnitSpec(code, name, short, kind, ROOT_CODE, order)
    wards = sorted((w for w in Ward.iter_all() if int(w.province_code) == PROVINCE_CODE), key=lambda w: int(w.code))
    for order, ward in enumerate(wards, start=100):
        kind = UnitKind.WARD if str(ward.division_type.value) == "phường" else UnitKind.COMMUNE
        yield UnitSpec(str(int(ward.code)), ward.name, ward.name, kind, ROOT_CODE, order)
