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
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PhotoRejected):
        services.attach_photo(draft, Photo.Kind.ID_BACK, make_card_jpeg(seed=5))  # the front again
    assert stored(front) and stored(back)
