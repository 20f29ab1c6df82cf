"""The home page's "opinions requested" panel (issue 10, registered through core.home): an open
collection waits on the home of each consulted person and of the receiver of each consulted
unit until they answer; nobody else sees it, and nothing shows before the release."""

from __future__ import annotations

from conftest import login
from opinions.home import waiting_for_answer
from opinions.tests.conftest import answer, make, opened


def home(client) -> str:  # type: ignore[no-untyped-def]
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_open_collection_waits_on_the_home_of_the_people_consulted(client, team) -> None:
    collection = make(team)
    assert not waiting_for_answer(team["voter"]).exists()  # not released yet
    with opened(collection):
        login(client, team["voter"])
        html = home(client)
        panel = html[html.index('data-testid="home-opinions-panel"') :]
        assert f'data-collection-id="{collection.pk}"' in panel
        assert f'href="/opinions/{collection.pk}/"' in panel


def test_it_leaves_the_home_once_answered(team) -> None:
    collection = make(team)
    with opened(collection):
        assert list(waiting_for_answer(team["voter"])) == [collection]
        answer(team["voter"], collection, "agree", "agree")
        assert not waiting_for_answer(team["voter"]).exists()
        assert list(waiting_for_answer(team["silent"])) == [collection]


def test_the_unit_receiver_owes_the_unit_answer(team) -> None:
    collection = make(team)
    with opened(collection):
        assert list(waiting_for_answer(team["receiver"])) == [collection]
        answer(team["receiver"], collection, "agree", "agree", unit=team["stc"])
        assert not waiting_for_answer(team["receiver"]).exists()


def test_nobody_else_sees_it(client, team) -> None:
    collection = make(team)
    with opened(collection):
        for user in (team["member"], team["outsider"], team["follower"], team["creator"]):
            assert not waiting_for_answer(user).exists()
            login(client, user)
            assert 'data-testid="home-opinions-panel"' not in home(client)
