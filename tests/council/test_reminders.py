"""The daily reminder job reminds the people of an overdue action item (the owner OPD's operators, or
the member who owns it) once per item, with the item, its due date and a link to the overdue list."""

from datetime import UTC, datetime, time, timedelta

from app.core.auth import Actor
from app.council import services
from app.jobs.schedules import fire
from tests.mail.test_mail_delivery import smtp  # noqa: F401 - fixture
from tests.support.demo import palopo  # noqa: F401 - fixture


def _overdue(city, day):
    with city.inside():
        return services.overdue_action_items(actor=Actor.system(city.tenant_id), today=day)


def test_the_people_of_an_overdue_action_item_are_reminded_once(app, palopo, smtp):  # noqa: F811
    today = datetime.now(UTC).date()
    overdue = _overdue(palopo, today)
    assert overdue, "the demo has an overdue action item in Palopo"
    expected = {person.email for item in overdue for person in item.people}

    fire("reminders", datetime.combine(today, time(1, 0), UTC), app)
    reminded = {m["To"]: m for m in smtp.messages}
    assert expected <= set(reminded)
    first = overdue[0]
    mail = reminded[first.people[0].email]
    assert "tindak lanjut" in mail["Subject"]
    assert first.item.title in mail.get_content()
    assert "/t/kota-palopo/council/action-items?overdue=1" in mail.get_content()

    smtp.messages.clear()
    fire("reminders", datetime.combine(today + timedelta(days=1), time(1, 0), UTC), app)
    # Items that fall due today are reminded tomorrow; this one is not reminded again.
    assert not any(first.item.title in m.get_content() for m in smtp.messages)
