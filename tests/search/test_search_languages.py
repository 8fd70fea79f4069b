"""Matching in every language: unspaced scripts, two-syllable Korean words, Vietnamese
with or without diacritics, English plurals, numbers in any written form; ranking."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from ipcoop.search.services import search
from tests.search.conftest import found, post

pytestmark = pytest.mark.django_db


def test_korean_two_syllable_word_is_found_inside_longer_words(personas):
    update = post(personas, title="특허청 심사 지침 개정", summary="특허출원의 우선심사 대상 확대")
    assert found(None, "특허") == {("update", update.pk)}
    assert found(None, "심사") == {("update", update.pk)}
    assert found(None, "특허청") == {("update", update.pk)}


def test_thai_word_is_found_inside_unspaced_text(personas):
    update = post(personas, title="ประกาศกรมทรัพย์สินทางปัญญา", summary="การตรวจสอบสิทธิบัตรการประดิษฐ์")
    other = post(personas, title="Trademark fees", summary="New fee table.")
    assert found(None, "สิทธิบัตร") == {("update", update.pk)}
    assert ("update", other.pk) not in found(None, "สิทธิบัตร")


def test_khmer_and_lao_words_are_found_inside_unspaced_text(personas):
    khmer = post(personas, title="សេចក្តីជូនដំណឹង", summary="ការចុះបញ្ជីម៉ាកពាណិជ្ជកម្មថ្មី")
    lao = post(personas, title="ແຈ້ງການ", summary="ການຈົດທະບຽນສິດທິບັດ")
    assert found(None, "ម៉ាកពាណិជ្ជកម្ម") == {("update", khmer.pk)}
    assert found(None, "ສິດທິບັດ") == {("update", lao.pk)}


def test_vietnamese_is_found_with_and_without_diacritics(personas):
    update = post(personas, title="Hướng dẫn thẩm định sáng chế", summary="Đơn đăng ký sáng chế AI")
    assert found(None, "sáng chế") == {("update", update.pk)}
    assert found(None, "sang che") == {("update", update.pk)}
    assert found(None, "Don dang ky") == {("update", update.pk)}  # đ -> d
    hit = search(user=AnonymousUser(), query="sang che").hits[0]
    assert "<mark>sáng</mark> <mark>chế</mark>" in hit.title


def test_english_plural_and_singular_find_each_other(personas):
    singular = post(personas, title="Who may be an inventor", summary="One natural person.")
    plural = post(personas, title="Patent policies", summary="Our policies on joint applicants.")
    assert found(None, "inventors") == {("update", singular.pk)}
    assert found(None, "policy") == {("update", plural.pk)}
    assert found(None, "applicant") == {("update", plural.pk)}


def test_application_number_is_found_in_any_written_form(personas):
    update = post(personas, title="Decision on an appeal", summary="Application 10-2023-0012345.")
    for query in ("10-2023-0012345", "1020230012345", "10 2023 0012345", "10.2023.0012345"):
        assert found(None, query) == {("update", update.pk)}, query


def test_one_character_query_still_finds(personas):
    update = post(personas, title="商标 guideline", summary="x")
    assert ("update", update.pk) in found(None, "商")


def test_snippet_escapes_html_and_marks_the_match(personas):
    post(personas, title="Notice <script>alert(1)</script>", summary="Use <b>bold</b> blockchain.")
    hit = search(user=AnonymousUser(), query="blockchain").hits[0]
    assert "<script>" not in hit.title and "&lt;script&gt;" in hit.title
    assert hit.snippet == "Use &lt;b&gt;bold&lt;/b&gt; <mark>blockchain</mark>."


def test_exact_title_first_then_user_language_then_newest(personas):
    older_ko = post(personas, title="특허 수수료 AI", summary="AI")
    exact = post(personas, title="AI", summary="Short title.")
    newer_en = post(personas, title="AI examination", summary="AI")
    order = [h.object_id for h in search(user=AnonymousUser(), query="AI", user_language="ko").hits]
    assert order == [exact.pk, older_ko.pk, newer_en.pk]
    order = [h.object_id for h in search(user=AnonymousUser(), query="AI", user_language="en").hits]
    assert order == [exact.pk, newer_en.pk, older_ko.pk]


def test_documents_carry_the_language_of_their_script(personas):
    post(personas, title="특허 제도", summary="특허")
    post(personas, title="Sáng chế mới", summary="Thẩm định")
    post(personas, title="สิทธิบัตรใหม่", summary="สิทธิบัตร")
    results = search(user=AnonymousUser(), query="ใหม่")
    assert [(v.value, v.count) for v in results.facets["language"]] == [("th", 1)]
    assert [h.language for h in search(user=AnonymousUser(), query="che moi").hits] == ["vi"]
    assert [h.language for h in search(user=AnonymousUser(), query="제도").hits] == ["ko"]


@pytest.mark.parametrize(
    "query", ['"quoted" OR bar*', "NEAR(a b)", "50%_off", "'; DROP TABLE x; --", "!!!", "a" * 300]
)
def test_query_syntax_characters_are_searched_as_text(personas, query):
    post(personas, title="Fees: 50%_off for SMEs")
    results = search(user=AnonymousUser(), query=query)
    assert results.total == (1 if query == "50%_off" else 0)
