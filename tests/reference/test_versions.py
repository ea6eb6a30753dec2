"""One versioning engine for every kind of reference item: a draft is edited, a published version never
changes, the next version is drafted from the latest one; who reads what."""

import pytest

from app.core.auth import ANONYMOUS, MINISTRY_ADMIN, SYSTEM, TENANT_ADMIN, Actor
from app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.reference import services as refdata
from tests.masterplan.conftest import page_login, page_post

MINISTRY = Actor(user_id=None, platform_role=MINISTRY_ADMIN)


@pytest.fixture
def ministry_actor(app_ctx):
    from app.accounts import services as accounts

    user = accounts.create_user(
        "direktorat@komdigi.test", "Direktorat", "correct-horse-battery", MINISTRY_ADMIN
    )
    db.session.commit()
    return Actor(user_id=user.id, platform_role=MINISTRY_ADMIN)


def _kominfo(actor) -> refdata.FrameworkVersion:
    return next(f for f in refdata.list_frameworks(actor=actor) if f.code == "KOMINFO-SC-2021")


def test_the_next_version_is_drafted_from_the_latest_and_one_draft_at_a_time(reference, ministry_actor):
    first = _kominfo(ministry_actor)
    draft = refdata.draft_framework_version(first.id, actor=ministry_actor)
    assert (draft.version, draft.state) == (2, "draft")
    tree = refdata.framework_tree(draft.id, actor=ministry_actor)
    assert [d.code for d in tree.dimensions] == ["GOV", "BRA", "ECO", "LIV", "SOC", "ENV"]
    with pytest.raises(Conflict):
        refdata.draft_framework_version(first.id, actor=ministry_actor)
    refdata.save_dimension(
        draft.id, {"code": "MOB", "name_id": "Mobilitas", "name_en": "Mobility"}, actor=ministry_actor
    )
    refdata.publish_framework(draft.id, actor=ministry_actor)
    # Drafted from version 1, the third version is a copy of the latest one: version 2.
    third = refdata.draft_framework_version(first.id, actor=ministry_actor)
    assert third.version == 3
    assert "MOB" in [d.code for d in refdata.framework_tree(third.id, actor=ministry_actor).dimensions]
    # The published versions are frozen, the first one untouched.
    with pytest.raises(Conflict):
        refdata.save_dimension(draft.id, {"code": "X", "name_id": "X", "name_en": "X"}, actor=ministry_actor)
    assert "MOB" not in [d.code for d in refdata.framework_tree(first.id, actor=ministry_actor).dimensions]


def test_a_version_is_published_only_when_complete_and_retired_only_once_published(reference, ministry_actor):
    empty = refdata.create_framework(
        {"code": "DESA-X", "name_id": "Desa", "name_en": "Village"}, actor=ministry_actor
    )
    with pytest.raises(ValidationFailed):
        refdata.publish_framework(empty.id, actor=ministry_actor)
    with pytest.raises(Conflict):
        refdata.retire_framework(empty.id, actor=ministry_actor)
    refdata.delete_framework(empty.id, actor=ministry_actor)
    with pytest.raises(NotFound):
        refdata.get_framework(empty.id, actor=ministry_actor)


def test_members_read_published_versions_and_never_a_draft(reference, ministry_actor):
    draft = refdata.draft_framework_version(_kominfo(ministry_actor).id, actor=ministry_actor)
    member = Actor(user_id=ministry_actor.user_id, tenant_role=TENANT_ADMIN)
    assert draft.id not in {f.id for f in refdata.list_frameworks(actor=member)}
    with pytest.raises(NotFound):
        refdata.get_framework(draft.id, actor=member)
    with pytest.raises(PermissionDenied):
        refdata.list_frameworks(actor=ANONYMOUS)
    with pytest.raises(PermissionDenied):
        refdata.draft_framework_version(draft.id, actor=member)
    assert len(refdata.list_regions(actor=member)) == 514
    assert refdata.get_region("73.73", actor=member).name == "Kota Palopo"


def test_loading_the_carried_data_again_adds_nothing(reference):
    assert refdata.load_carried_data(actor=SYSTEM) == {"frameworks": 0, "code_lists": 0, "regions": 0}
    with pytest.raises(PermissionDenied):
        refdata.load_carried_data(actor=MINISTRY)


def test_a_ministry_admin_versions_a_code_list_through_the_pages(client, ministry_actor):
    refdata.load_carried_data(actor=SYSTEM)
    db.session.commit()
    page_login(client, "direktorat@komdigi.test", "correct-horse-battery")
    page = client.get("/ministry/code-lists").get_data(as_text=True)
    assert 'value="new_version"' in page and 'name="name_id"' not in page  # version 1 is read only
    page_post(client, "/ministry/code-lists/horizon/1/state", {"action": "new_version"})
    page_post(
        client,
        "/ministry/code-lists",
        {
            "list_name": "horizon",
            "code": "SANGAT_PANJANG",
            "name_id": "Sangat panjang",
            "name_en": "Very long",
        },
    )
    page = client.get("/ministry/code-lists").get_data(as_text=True)
    assert "SANGAT_PANJANG" in page and "v2" in page
    page_post(client, "/ministry/code-lists/horizon/2/state", {"action": "publish"})
    offered = refdata.code_lists(actor=SYSTEM)["horizon"]
    assert "SANGAT_PANJANG" in offered
