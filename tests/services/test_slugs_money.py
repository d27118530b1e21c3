"""Catalogue slugs (seed 003's rule) and VND money helpers. No database needed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aesp_app.services.catalog.slugs import (
    base36,
    is_valid_slug,
    slugify,
    unique_slug,
    with_time_suffix,
)
from aesp_app.services.money import format_vnd, parse_vnd, to_vnpay_amount

# ---------------------------------------------------------------------------------------------
# Slugs
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title, slug",
    [
        ("Tiếng Anh giao tiếp cơ bản", "tieng-anh-giao-tiep-co-ban"),
        ("Đường lên đỉnh IELTS 7.0", "duong-len-dinh-ielts-7-0"),
        ("ĐẶNG THỊ ÁNH TUYẾT", "dang-thi-anh-tuyet"),
        ("Luyện phát âm — chuẩn giọng Mỹ!!!", "luyen-phat-am-chuan-giong-my"),
        ("C++ & C# -- for   beginners", "c-c-for-beginners"),
        ("---Business English---", "business-english"),
        ("  ...Khóa học: TOEIC 900+ ...  ", "khoa-hoc-toeic-900"),
        ("a__b..c//d", "a-b-c-d"),
        ("Ｆｕｌｌ-width ＡＢＣ", "full-width-abc"),
        ("2024", "2024"),
        ("Ôn thi THPT Quốc gia", "on-thi-thpt-quoc-gia"),
        ("Ưu đãi", "uu-dai"),
    ],
)
def test_slugify(title, slug):
    assert slugify(title) == slug
    assert is_valid_slug(slug)


@pytest.mark.parametrize("title", ["", "   ", "---", "!!! ???", "日本語"])
def test_slugify_refuses_titles_without_letters_or_digits(title):
    with pytest.raises(ValueError, match="no letters or digits"):
        slugify(title)


def test_slugify_max_length_cuts_at_a_dash():
    assert slugify("abc def ghi", max_length=6) == "abc"
    assert slugify("abc def ghi", max_length=7) == "abc-def"
    assert slugify("abcdefghij", max_length=4) == "abcd"
    with pytest.raises(ValueError):
        slugify("abc", max_length=0)


@pytest.mark.parametrize(
    "slug, valid",
    [("ielts-7-0", True), ("a", True), ("-a", False), ("a-", False), ("a--b", False), ("A-b", False), ("", False)],
)
def test_is_valid_slug(slug, valid):
    assert is_valid_slug(slug) is valid


# Expected values from node: (n).toString(36), i.e. JavaScript's Date.now().toString(36).
@pytest.mark.parametrize(
    "number, text",
    [
        (0, "0"),
        (35, "z"),
        (36, "10"),
        (1700000000000, "loyw3v28"),
        (1710473400000, "lts3p680"),
        (1735689599999, "m5d4runz"),
    ],
)
def test_base36_matches_javascript(number, text):
    assert base36(number) == text


@pytest.mark.parametrize("bad", [-1, 1.5, "12", True])
def test_base36_refuses_non_counts(bad):
    with pytest.raises(ValueError):
        base36(bad)


def test_with_time_suffix():
    assert with_time_suffix("ielts-7-0", 1710473400000) == "ielts-7-0-lts3p680"
    with pytest.raises(ValueError):
        with_time_suffix("-bad-", 1)


def test_unique_slug_free_title_has_no_suffix():
    assert unique_slug("Tiếng Anh cơ bản", lambda slug: False, now_ms=1710473400000) == "tieng-anh-co-ban"


def test_unique_slug_clash_gets_the_time_suffix():
    taken = {"tieng-anh-co-ban"}
    assert unique_slug("Tiếng Anh cơ bản", taken.__contains__, now_ms=1710473400000) == "tieng-anh-co-ban-lts3p680"


def test_unique_slug_loops_until_free():
    taken = {"ielts", "ielts-lts3p680", "ielts-lts3p681"}
    asked: list[str] = []

    def exists(slug: str) -> bool:
        asked.append(slug)
        return slug in taken

    assert unique_slug("IELTS", exists, now_ms=1710473400000) == "ielts-lts3p682"
    assert asked == ["ielts", "ielts-lts3p680", "ielts-lts3p681", "ielts-lts3p682"]


def test_unique_slug_uses_the_clock_by_default():
    slug = unique_slug("IELTS", lambda s: s == "ielts")
    assert slug.startswith("ielts-") and is_valid_slug(slug)
    assert len(slug.removeprefix("ielts-")) == 8  # milliseconds of this era are 8 base-36 digits


def test_unique_slug_gives_up_eventually():
    with pytest.raises(RuntimeError, match="No free slug"):
        unique_slug("IELTS", lambda s: True, now_ms=0)


# ---------------------------------------------------------------------------------------------
# Money
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount, text",
    [
        (Decimal("0"), "0 ₫"),
        (Decimal("899000"), "899.000 ₫"),
        (Decimal("1975000"), "1.975.000 ₫"),
        (Decimal("24750000"), "24.750.000 ₫"),
        (Decimal("5199000.00"), "5.199.000 ₫"),
        (Decimal("999"), "999 ₫"),
        (Decimal("1000"), "1.000 ₫"),
        (Decimal("1234567890"), "1.234.567.890 ₫"),
        (Decimal("1999.5"), "2.000 ₫"),
        (Decimal("-150000"), "-150.000 ₫"),
        (899000, "899.000 ₫"),
    ],
)
def test_format_vnd(amount, text):
    assert format_vnd(amount) == text


def test_format_vnd_refuses_floats_and_non_numbers():
    with pytest.raises(TypeError):
        format_vnd(1975000.0)
    with pytest.raises(TypeError):
        format_vnd("1975000")
    with pytest.raises(ValueError):
        format_vnd(Decimal("Infinity"))


@pytest.mark.parametrize(
    "text, amount",
    [
        ("0", Decimal("0")),
        ("899000", Decimal("899000")),
        ("899.000", Decimal("899000")),
        ("1.975.000", Decimal("1975000")),
        ("1.975.000 ₫", Decimal("1975000")),
        ("1.975.000\u00a0₫", Decimal("1975000")),
        ("1.975.000đ", Decimal("1975000")),
        ("24.750.000 VND", Decimal("24750000")),
        ("  5.199.000 ₫ ", Decimal("5199000")),
    ],
)
def test_parse_vnd(text, amount):
    assert parse_vnd(text) == amount


@pytest.mark.parametrize(
    "text",
    ["", "   ", "abc", "-1000", "+1000", "1,5", "1.975.000,00", "1975000.00", "1.97.000", "1975.000.0",
     "1,975,000", "1 975 000", "1.975.000 USD", "₫ 1.000", "１２３", "1e6", ".000", "1.000."],
)
def test_parse_vnd_is_strict(text):
    with pytest.raises(ValueError, match="is not a VND amount"):
        parse_vnd(text)


def test_parse_vnd_round_trips_format_vnd():
    for amount in (Decimal("0"), Decimal("899000"), Decimal("24750000")):
        assert parse_vnd(format_vnd(amount)) == amount


def test_to_vnpay_amount():
    assert to_vnpay_amount(Decimal("1975000")) == 197500000
    assert to_vnpay_amount(Decimal("5199000.00")) == 519900000
    assert to_vnpay_amount(899000) == 89900000
    for bad in (Decimal("0"), Decimal("-1"), Decimal("10.5")):
        with pytest.raises(ValueError):
            to_vnpay_amount(bad)
