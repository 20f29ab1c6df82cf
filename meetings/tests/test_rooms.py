"""Unit admins keep their unit's meeting rooms (name, location, capacity)."""

from __future__ import annotations

from conftest import login
from meetings.models import Room


def test_unit_admin_creates_and_edits_a_room(client, snv_admin, province) -> None:
    login(client, snv_admin)
    data = {
        "unit": str(province["snv"].pk),
        "name": "Phòng họp A",
        "location": "Tầng 2",
        "capacity": "25",
        "is_active": "on",
    }
    assert client.post("/rooms/new/", data).status_code == 302
    room = Room.objects.get(name="Phòng họp A")
    assert room.unit == province["snv"] and room.capacity == 25
    data["capacity"] = "40"
    client.post(f"/rooms/{room.pk}/", data)
    room.refresh_from_db()
    assert room.capacity == 40


def test_duplicate_name_and_bad_capacity_are_refused(client, snv_admin, province) -> None:
    Room.objects.create(unit=province["snv"], name="Phòng họp A")
    login(client, snv_admin)
    base = {"unit": str(province["snv"].pk), "location": "", "is_active": "on"}
    assert client.post("/rooms/new/", {**base, "name": "Phòng họp A", "capacity": "10"}).status_code == 200
    assert client.post("/rooms/new/", {**base, "name": "Phòng B", "capacity": "0"}).status_code == 200
    assert Room.objects.count() == 1


def test_rooms_of_another_unit_are_out_of_reach(client, stc_admin, snv_member, province) -> None:
    room = Room.objects.create(unit=province["snv"], name="Phòng họp A")
    login(client, stc_admin)
    assert client.get(f"/rooms/{room.pk}/").status_code == 404
    client.post("/rooms/new/", {"unit": str(province["snv"].pk), "name": "Chen ngang", "capacity": "5"})
    assert not Room.objects.filter(name="Chen ngang").exists()
    assert "Phòng họp A" not in client.get("/rooms/").content.decode()
    login(client, snv_member)
    assert client.get("/rooms/").status_code == 404
