"""Documents attached to a question of an opinion collection (Điều 7.1i): one or several files per
question through the creation and edit form, each checked by content with the documents app's
rules; a bad file (wrong type by its bytes, too large) is refused with a clear message and
nothing is stored, neither the collection nor any file."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.tests.conftest import docx_bytes, pdf_bytes, png_bytes
from documents.tests.hostile import html_as_pdf_bytes
from opinions.actions.attachments import MAX_FILES_PER_QUESTION, do_attach_files
from opinions.models import Collection, QuestionAttachment
from opinions.tests.test_views import form_data, people, released

__all__ = ["people"]

pytestmark = pytest.mark.django_db

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(name: str, data: bytes, content_type: str = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files(media_root: Path) -> list[Path]:
    return [p for p in Path(media_root).rglob("*") if p.is_file()] if Path(media_root).exists() else []


def post_create(client: Any, people: dict[str, Any], province: dict[str, Any], **files: Any) -> Any:
    client.force_login(people["creator"])
    return client.post(reverse("opinions:create"), {**form_data(people, province), **files})


def test_one_file_is_attached_to_its_question(client, people, province, _media_root) -> None:
    data = pdf_bytes(2)
    response = post_create(client, people, province, files_1=upload("Du thao quy che.pdf", data))
    assert response.status_code == 302, response.content.decode()[:2000]
    item = QuestionAttachment.objects.get()
    assert (item.question.order, item.name, item.file_type, item.size) == (0, "Du thao quy che.pdf", "pdf", len(data))
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert item.file.read() == data and len(stored_files(_media_root)) == 1


def test_several_files_on_one_question_and_one_on_another(client, people, province) -> None:
    response = post_create(
        client,
        people,
        province,
        files_1=[upload("to-trinh.pdf", pdf_bytes(1)), upload("du-thao.docx", docx_bytes(1), DOCX)],
        files_2=[upload("so-do.png", png_bytes(40, 30), "image/png")],
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    attached = sorted((a.question.order, a.name, a.file_type) for a in QuestionAttachment.objects.all())
    assert attached == [(0, "du-thao.docx", "docx"), (0, "to-trinh.pdf", "pdf"), (1, "so-do.png", "png")]


def test_a_file_that_is_not_a_document_by_its_bytes_is_refused_and_nothing_is_stored(
    client, people, province, _media_root
) -> None:
    response = post_create(client, people, province, files_1=upload("to-trinh.pdf", html_as_pdf_bytes()))
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="opinion-file-error"' in page
    assert "Nội dung tệp “to-trinh.pdf” không phải là tệp PDF" in page
    assert "Chưa lưu được: vui lòng sửa các mục báo đỏ bên dưới." in page
    assert not Collection.objects.exists() and not QuestionAttachment.objects.exists()
    assert stored_files(_media_root) == []


def test_an_oversized_file_is_refused_with_the_limit_and_nothing_is_stored(
    client, people, province, settings, _media_root
) -> None:
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1000
    response = post_create(client, people, province, files_2=upload("bao-cao.pdf", pdf_bytes(3)))
    page = response.content.decode()
    assert response.status_code == 200
    assert "“bao-cao.pdf”" in page and "dung lượng tối đa được nhận là 1000" in page
    assert not Collection.objects.exists() and stored_files(_media_root) == []


def test_one_bad_file_among_good_ones_stores_none_of_them(client, people, province, _media_root) -> None:
    response = post_create(
        client,
        people,
        province,
        files_1=[upload("tot.pdf", pdf_bytes(1)), upload("xau.pdf", html_as_pdf_bytes())],
        files_2=[upload("tot-nua.pdf", pdf_bytes(1))],
    )
    assert response.status_code == 200 and "“xau.pdf”" in response.content.decode()
    assert not Collection.objects.exists() and stored_files(_media_root) == []


def test_files_on_a_row_without_a_question_are_refused(client, people, province) -> None:
    response = post_create(client, people, province, files_3=upload("le.pdf", pdf_bytes(1)))
    assert response.status_code == 200
    assert "Vui lòng nhập nội dung xin ý kiến trước khi đính kèm tài liệu." in response.content.decode()
    assert not Collection.objects.exists()


def test_more_than_ten_files_on_a_question_are_refused(client, people, province) -> None:
    files = [upload(f"tai-lieu-{n}.pdf", pdf_bytes(1)) for n in range(MAX_FILES_PER_QUESTION + 1)]
    response = post_create(client, people, province, files_1=files)
    assert response.status_code == 200 and "đính kèm tối đa 10 tài liệu" in response.content.decode()
    assert not Collection.objects.exists()


def test_the_action_checks_raw_uploads_too_and_stores_nothing_on_a_bad_one(client, people, province) -> None:
    assert post_create(client, people, province).status_code == 302
    collection = Collection.objects.get()
    with pytest.raises(ValidationError):
        do_attach_files(
            people["creator"], collection, {1: [upload("tot.pdf", pdf_bytes(1)), upload("x.pdf", b"MZ\x90\x00")]}
        )
    assert not QuestionAttachment.objects.exists()


def test_editing_keeps_the_documents_with_their_question_and_adds_new_ones(client, people, province) -> None:
    appendix = pdf_bytes(2)
    response = post_create(client, people, province, files_2=upload("phu-luc.pdf", appendix))
    assert response.status_code == 302
    collection = Collection.objects.get()
    edit = reverse("opinions:edit", args=[collection.pk])
    assert "phu-luc.pdf" in client.get(edit).content.decode()  # shown under its question on the form
    # The first question is removed: the second becomes the first and keeps its document.
    data = form_data(people, province, question_1="", files_2=upload("bo-sung.pdf", pdf_bytes(1)))
    assert client.post(edit, data).status_code == 302
    questions = list(collection.poll.questions.order_by("order"))
    assert [q.text for q in questions] == ["Đồng ý áp dụng từ 01/01/2027?"]
    assert sorted(a.name for a in questions[0].attachments.all()) == ["bo-sung.pdf", "phu-luc.pdf"]
    assert questions[0].attachments.get(name="phu-luc.pdf").file.read() == appendix


def test_voters_download_the_document_after_the_release_and_outsiders_get_404(client, people, province) -> None:
    data = pdf_bytes(1)
    assert post_create(client, people, province, files_1=upload("du-thao.pdf", data)).status_code == 302
    collection, item = Collection.objects.get(), QuestionAttachment.objects.get()
    url = reverse("opinions:attachment", args=[collection.pk, item.pk])
    with released(collection):
        client.force_login(people["voter"])
        page = client.get(reverse("opinions:detail", args=[collection.pk])).content.decode()
        assert url in page
        response = client.get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == data
        client.force_login(people["outsider"])
        assert client.get(url).status_code == 404


def test_only_the_creator_attaches_a_follower_gets_403_and_an_outsider_404(client, people, province) -> None:
    assert post_create(client, people, province).status_code == 302
    collection = Collection.objects.get()
    edit = reverse("opinions:edit", args=[collection.pk])
    data = form_data(people, province, files_1=upload("x.pdf", pdf_bytes(1)))
    client.force_login(people["follower"])
    assert client.post(edit, data).status_code == 403
    client.force_login(people["outsider"])
    assert client.post(edit, data).status_code == 404
    with pytest.raises(PermissionDenied):
        do_attach_files(people["follower"], collection, {1: [upload("x.pdf", pdf_bytes(1))]})
    assert not QuestionAttachment.objects.exists()


def test_documents_cannot_be_attached_after_the_release(client, people, province) -> None:
    assert post_create(client, people, province).status_code == 302
    collection = Collection.objects.get()
    with released(collection), pytest.raises(ValidationError, match="trước khi phát hành|before the release"):
        do_attach_files(people["creator"], collection, {1: [upload("x.pdf", pdf_bytes(1))]})
    assert not QuestionAttachment.objects.exists()
