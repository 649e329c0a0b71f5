"""GB 32100-2015 check character and the 重点用能单位节能管理办法 categories, hand-worked."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecer.domain.energy.key_units import (
    CODE_CHARACTERS,
    WEIGHTS,
    Category,
    category,
    credit_code_check_character,
    validate_credit_code,
)
from ecer.domain.errors import EcerError


def test_weights_are_powers_of_three_mod_31():
    """GB 32100-2015 Annex A: W_i = 3^(i-1) mod 31."""
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def test_code_set_has_31_characters_without_i_o_z_s_v():
    assert len(CODE_CHARACTERS) == 31 and not set("IOZSV") & set(CODE_CHARACTERS)


def test_weighted_sum_hand_worked():
    """91110108551385082: Σ C_i·W_i = 999; 999 mod 31 = 7; 31 − 7 = 24 → 'Q' (position 24)."""
    first17 = "91110108551385082"
    total = sum(CODE_CHARACTERS.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    assert total == 999
    assert 31 - total % 31 == 24
    assert CODE_CHARACTERS[24] == "Q"
    assert credit_code_check_character(first17) == "Q"


@pytest.mark.parametrize("code", ["91110108551385082Q", "914403001922038216", "91330100799655058B"])
def test_published_codes_validate(code):
    """Codes printed on public business licences (published company registrations)."""
    assert validate_credit_code(code.lower()) == code


def test_wrong_check_character_is_refused_with_the_expected_one():
    with pytest.raises(EcerError) as caught:
        validate_credit_code("91110108551385082A")
    assert caught.value.code == "CREDIT_CODE_CHECK"
    assert "应为 Q" in caught.value.problems[0].message


@pytest.mark.parametrize("code", ["9111010855138508Q", "91110108551385O82Q", "9111010855138508ZQ"])
def test_malformed_codes_are_refused(code):
    with pytest.raises(EcerError) as caught:
        validate_credit_code(code)
    assert caught.value.code == "CREDIT_CODE_INVALID"


@given(st.text(alphabet=CODE_CHARACTERS, min_size=17, max_size=17))
def test_appending_the_check_character_always_validates(first17):
    code = first17 + credit_code_check_character(first17)
    assert validate_credit_code(code) == code


@pytest.mark.parametrize(("energy", "expected"), [
    ("10000", Category.NATIONAL), ("250000", Category.NATIONAL), ("9999.99", Category.DESIGNATED),
    ("5000", Category.DESIGNATED), ("4999.9", Category.OTHER),
])
def test_category_thresholds(energy, expected):
    """办法 article 2: ≥ 10 000 tce; 5 000 to < 10 000 tce designated."""
    assert category(Decimal(energy)) is expected


def test_category_unknown_without_energy():
    assert category(None) is None
