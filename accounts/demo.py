"""Demo accounts for `seed_demo`: every role, Vietnamese names, one shared demo password."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from accounts.actions.passwords import do_change_own_password
from accounts.actions.rights import do_grant_right
from accounts.actions.transfers import do_request_transfer
from accounts.actions.units import do_load_province_units, do_set_document_receiver
from accounts.actions.users import do_bootstrap_system_admin, do_create_user
from accounts.models import OrgUnit, Right, TransferRequest, User

DEMO_PASSWORD = "Hophanhchinh2026"  # noqa: S105 - printed by `make run`; demo machines only


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    position: str
    unit_code: str
    rights: tuple[Right, ...] = ()
    role: str = ""
    external: bool = False
    organisation: str = ""
    receiver: bool = False
    extra: dict = field(default_factory=dict)


WARD_CODE = "14338"  # Phường Hoa Lư (looked up by name below if codes change)

DEMO_USERS: list[DemoUser] = [
    DemoUser("admin", "Trần Quốc Huy", "Chuyên viên CNTT", "VPUBND", (Right.SYSTEM_ADMIN,), "Quản trị hệ thống"),
    DemoUser(
        "vp.quantri", "Phạm Thị Lan", "Chuyên viên", "VPUBND", (Right.UNIT_ADMIN,), "Quản trị đơn vị (VP UBND tỉnh)"
    ),
    DemoUser(
        "vp.lanhdao", "Nguyễn Văn Thành", "Chánh Văn phòng", "VPUBND", (Right.LEADER,), "Lãnh đạo đơn vị (VP UBND tỉnh)"
    ),
    DemoUser(
        "vp.daumoi",
        "Lê Thu Hà",
        "Chuyên viên tổng hợp",
        "VPUBND",
        (Right.ORGANISER,),
        "Đầu mối chuẩn bị cuộc họp",
        receiver=True,
    ),
    DemoUser("ubnd.chutich", "Đinh Công Minh", "Chủ tịch UBND tỉnh", "UBND37", (Right.LEADER,), "Lãnh đạo UBND tỉnh"),
    DemoUser("snv.quantri", "Đỗ Minh Tuấn", "Chuyên viên", "SNV", (Right.UNIT_ADMIN,), "Quản trị đơn vị (Sở Nội vụ)"),
    DemoUser("snv.giamdoc", "Vũ Thị Hồng", "Giám đốc Sở", "SNV", (Right.LEADER,), "Lãnh đạo đơn vị (Sở Nội vụ)"),
    DemoUser(
        "snv.daumoi",
        "Hoàng Anh Dũng",
        "Chánh Văn phòng Sở",
        "SNV",
        (Right.ORGANISER, Right.OPINION_COLLECTOR),
        "Đầu mối chuẩn bị cuộc họp",
        receiver=True,
    ),
    DemoUser("snv.chuyenvien", "Bùi Thị Mai", "Chuyên viên", "SNV", (), "Cán bộ, công chức"),
    DemoUser(
        "stc.quantri", "Ngô Đức Long", "Chuyên viên", "STC", (Right.UNIT_ADMIN,), "Quản trị đơn vị (Sở Tài chính)"
    ),
    DemoUser("stc.chuyenvien", "Trịnh Thị Thu", "Chuyên viên", "STC", (), "Cán bộ, công chức"),
    DemoUser(
        "hoalu.quantri",
        "Mai Văn Sơn",
        "Công chức Văn phòng",
        "WARD",
        (Right.UNIT_ADMIN,),
        "Quản trị đơn vị (Phường Hoa Lư)",
    ),
    DemoUser(
        "hoalu.chutich",
        "Lương Thị Nga",
        "Chủ tịch UBND phường",
        "WARD",
        (Right.LEADER,),
        "Lãnh đạo đơn vị (Phường Hoa Lư)",
        receiver=True,
    ),
    DemoUser(
        "khach.minhphat",
        "Ngô Văn Bình",
        "Giám đốc",
        "VPUBND",
        (),
        "Khách mời bên ngoài",
        external=True,
        organisation="Công ty TNHH Minh Phát",
    ),
]


def _unit(code: str) -> OrgUnit:
    if code == "WARD":
        return OrgUnit.objects.filter(name="Phường Hoa Lư").first() or OrgUnit.objects.get(code=WARD_CODE)
    return OrgUnit.objects.get(code=code)


def seed_demo() -> list[tuple[DemoUser, User, bool]]:
    """Idempotent: existing demo accounts are left as they are (passwords included)."""
    do_load_province_units()
    results: list[tuple[DemoUser, User, bool]] = []
    with transaction.atomic():
        admin_spec = DEMO_USERS[0]
        admin = User.objects.filter(username=admin_spec.username).first()
        created = admin is None
        if admin is None:
            admin = do_bootstrap_system_admin(
                username=admin_spec.username,
                full_name=admin_spec.full_name,
                unit=_unit(admin_spec.unit_code),
                password=DEMO_PASSWORD,
                position=admin_spec.position,
                email="admin@ninhbinh.gov.vn",
            )
            do_change_own_password(admin, DEMO_PASSWORD)
        results.append((admin_spec, admin, created))
        for spec in DEMO_USERS[1:]:
            user = User.objects.filter(username=spec.username).first()
            created = user is None
            unit = _unit(spec.unit_code)
            if user is None:
                user = do_create_user(
                    admin,
                    username=spec.username,
                    unit=unit,
                    password=DEMO_PASSWORD,
                    full_name=spec.full_name,
                    position=spec.position,
                    email=f"{spec.username}@ninhbinh.gov.vn" if not spec.external else "lienhe@minhphat.example",
                    is_external=spec.external,
                    organisation=spec.organisation,
                )
                do_change_own_password(user, DEMO_PASSWORD)
                for right in spec.rights:
                    do_grant_right(admin, user, right)
                if spec.receiver:
                    do_set_document_receiver(admin, unit, user)
            results.append((spec, user, created))
        _seed_transfer()
    return results


def _seed_transfer() -> None:
    """A transfer waiting for the receiving unit (Điều 4.3a): Sở Tài chính proposes to move one of
    its officials to Sở Nội vụ, whose administrator accepts or declines it (once: a transfer
    already decided is not proposed again)."""
    user = User.objects.get(username="stc.chuyenvien")
    if TransferRequest.objects.filter(user=user).exists():
        return
    do_request_transfer(
        User.objects.get(username="stc.quantri"),
        user,
        _unit("SNV"),
        new_position="Chuyên viên Phòng Công chức, viên chức",
        note="Điều động theo Quyết định số 125/QĐ-STC ngày 02/12/2026 của Giám đốc Sở Tài chính.",
    )
