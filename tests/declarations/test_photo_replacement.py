"""A draft's picture that no longer counts is deleted, file and row, once the change is saved: a
photo taken again, or the card's sides after the ID document type changed."""
import pytest
from django.core.files.storage import storages

from vssid.declarations import services, steps
from vssid.declarations.models import Declaration
from vssid.photos.models import Photo
from tests.support.images import make_card_jpeg

pytestmark = pytest.mark.django_db


def stored(photo: Photo) -> bool:
    return storages["private"].exists(photo.storage_name) and Photo.objects.filter(pk=photo.pk).exists()


def test_a_photo_taken_again_replaces_the_first_one_entirely(django_capture_on_commit_callbacks):
    draft = services.start_declaration()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.attach_photo(draft, Photo.Kind.ID_FRONT, make_card_jpeg(seed=1))
    assert stored(first)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.attach_photo(draft, Photo.Kind.ID_FRONT, make_card_jpeg(seed=2))
    assert not stored(first) and not storages["private"].exists(first.storage_name)
    assert stored(second)
    draft.refresh_from_db()
    assert draft.id_front_id == second.pk


def test_changing_the_document_type_drops_the_card_photos(django_capture_on_commit_callbacks):
    draft = services.start_declaration()
    services.save_step_answers(draft, steps.BY_SLUG["id-document"],
                               {"id_document_type": Declaration.DocumentType.CCCD, "id_document_number": "001190012345"})
    with django_capture_on_commit_callbacks(execute=True):
        front = services.attach_photo(draft, Photo.Kind.ID_FRONT, make_card_jpeg(seed=3))
        back = services.attach_photo(draft, Photo.Kind.ID_BACK, make_card_jpeg(seed=4))
    with django_capture_on_commit_callbacks(execute=True):
        services.save_step_answers(draft, steps.BY_SLUG["id-document"],
                                   {"id_document_type": Declaration.DocumentType.PASSPORT, "id_document_number": "C1234567"})
    assert not stored(front) and not stored(back)
    draft.refresh_from_db()
    assert draft.id_front_id is None and draft.id_back_id is None


def test_a_failed_change_keeps_the_photo_it_would_have_replaced(django_capture_on_commit_callbacks):
    """The old picture goes only when the change commits: a refused upload leaves it in place."""
    from vssid.photos.errors import PhotoRejected

    draft = services.start_declaration()
    with django_capture_on_commit_callbacks(execute=True):
        front = services.attach_photo(draft, Photo.Kind.ID_FRONT, make_card_jpeg(seed=5))
        back = services.attach_photo(draft, Photo.Kind.ID_BACK, make_card_jpeg(seed=6))
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PhotoRejected) as caught:
        services.attach_photo(draft, Photo.Kind.ID_BACK, make_card_jpeg(seed=5))  # the front again
    assert caught.value.kind == Photo.Kind.ID_BACK
    assert str(caught.value.message) == "Ảnh mặt sau giống hệt ảnh mặt trước – hãy chụp mặt sau của giấy tờ"
    assert stored(front) and stored(back)


def photo_files_in_storage() -> set[str]:
    try:
        return {f"photos/{name}" for name in storages["private"].listdir("photos")[1]}
    except FileNotFoundError:
        return set()


def test_three_photos_sent_together_are_saved_with_one_insert_and_one_update():
    """The image work happens before the draft is locked; the rows then take one statement each way."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.support.images import make_portrait_jpeg

    draft = services.start_declaration()
    uploads = {Photo.Kind.PORTRAIT: make_portrait_jpeg(), Photo.Kind.ID_FRONT: make_card_jpeg(seed=7),
               Photo.Kind.ID_BACK: make_card_jpeg(seed=8)}
    with CaptureQueriesContext(connection) as captured:
        saved, refused = services.attach_photos(draft, uploads)

    assert refused == {}
    statements = [query["sql"].split()[0] for query in captured.captured_queries]
    assert statements.count("INSERT") == 1 and statements.count("UPDATE") == 1
    draft.refresh_from_db()
    assert {draft.portrait_id, draft.id_front_id, draft.id_back_id} == {saved.portrait.pk, saved.id_front.pk, saved.id_back.pk}
    assert all(stored(photo) for photo in (saved.portrait, saved.id_front, saved.id_back))


def test_a_front_that_repeats_the_stored_back_is_refused_and_the_portrait_beside_it_kept(django_capture_on_commit_callbacks):
    from vssid.photos.errors import RejectionCode
    from tests.support.images import make_portrait_jpeg

    draft = services.start_declaration()
    files_before = photo_files_in_storage()
    with django_capture_on_commit_callbacks(execute=True):
        back = services.attach_photo(draft, Photo.Kind.ID_BACK, make_card_jpeg(seed=9))
        saved, refused = services.attach_photos(draft, {Photo.Kind.PORTRAIT: make_portrait_jpeg(),
                                                        Photo.Kind.ID_FRONT: make_card_jpeg(seed=9)})

    assert list(refused) == [Photo.Kind.ID_FRONT]
    assert refused[Photo.Kind.ID_FRONT].code == RejectionCode.SAME_AS_BACK
    draft.refresh_from_db()
    assert draft.id_back_id == back.pk and draft.id_front_id is None and draft.portrait_id == saved.portrait.pk
    # Nothing of the refused front stays in storage: only the back's file and the portrait's.
    assert photo_files_in_storage() - files_before == {back.storage_name, saved.portrait.storage_name}


def test_photos_sent_for_a_declaration_already_sent_leave_no_file_behind():
    draft = services.start_declaration()
    Declaration.objects.filter(pk=draft.pk).update(status=Declaration.Status.CANCELLED)
    files_before = photo_files_in_storage()

    with pytest.raises(services.DeclarationNotEditable):
        services.attach_photos(draft, {Photo.Kind.ID_FRONT: make_card_jpeg(seed=10)})

    assert photo_files_in_storage() == files_before
    assert not Photo.objects.exists()
