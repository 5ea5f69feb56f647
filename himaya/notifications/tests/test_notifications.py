"""Each user reads only their own notifications; texts are rendered from references in their language."""

from __future__ import annotations

from himaya.accounts.testing import login
from himaya.notifications import messages
from himaya.notifications.services import notify

messages.register("tests.hello", "Case %(reference)s needs you.")


def test_a_user_sees_only_their_own_notifications(cast, client) -> None:
    notify(recipients=[cast.carol], verb="tests.hello", params={"reference": "C-2026-000007"}, email=False)
    notify(recipients=[cast.bob], verb="tests.hello", params={"reference": "C-2026-000008"}, email=False)
    login(client, cast.carol)
    html = client.get("/notifications/").content.decode()
    assert "C-2026-000007" in html and "C-2026-000008" not in html


def test_the_bell_counts_unread_notifications(cast, client) -> None:
    notify(recipients=[cast.bob, cast.bob], verb="tests.hello", params={"reference": "C-1"}, email=False)
    login(client, cast.bob)
    html = client.get("/notifications/").content.decode()
    assert 'id="notification-count">1<' in html
    client.post("/notifications/read/", {"all": "1"})
    assert 'id="notification-count"' not in client.get("/notifications/").content.decode()


def test_deactivated_users_are_not_notified(cast) -> None:
    assert notify(recipients=[cast.gone], verb="tests.hello", params={"reference": "C-1"}, email=False) == []


def test_the_badge_counts_what_the_list_shows_unread(cast) -> None:
    from himaya.notifications.selectors import my_notifications, unread_count
    from himaya.notifications.services import notification_mark_read

    for n in range(3):
        notify(recipients=[cast.bob], verb="tests.hello", params={"reference": f"C-{n}"}, email=False)
    notify(recipients=[cast.carol], verb="tests.hello", params={"reference": "C-9"}, email=False)
    assert unread_count(actor=cast.bob) == 3 == my_notifications(actor=cast.bob, unread_only=True).count()
    first = my_notifications(actor=cast.bob).first()
    notification_mark_read(actor=cast.bob, notification_ids=[first.pk])
    assert unread_count(actor=cast.bob) == 2 == my_notifications(actor=cast.bob, unread_only=True).count()
    assert unread_count(actor=cast.carol) == 1
