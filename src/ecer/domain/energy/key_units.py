"""Key energy-using units (重点用能单位): the credit-code check and the category by annual energy.

The unified social credit code (统一社会信用代码) is 18 characters from a 31-character set; the last
one is a check character over the first 17 (GB 32100-2015 clause 4 and Annex A). The category
follows 重点用能单位节能管理办法 (2018, 国家发展改革委等七部门令第15号) article 2.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from ecer.domain.errors import EcerError

# GB 32100-2015 Annex A: the code set is 0-9 and A-Z without I, O, Z, S, V (31 characters); a
# character's value is its position in this string.
CODE_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# GB 32100-2015 Annex A: weight of position i (1-based) is 3^(i-1) mod 31.
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
CODE_LENGTH = 18

# 重点用能单位节能管理办法 article 2: (一) 年综合能源消费量一万吨标准煤及以上; (二) 国务院有关部门或省级
# 管理节能工作的部门指定的年综合能源消费量五千吨以上不满一万吨标准煤的用能单位.
NATIONAL_THRESHOLD_TCE = Decimal(10000)
DESIGNATED_THRESHOLD_TCE = Decimal(5000)


class Category(StrEnum):
    """Who manages the unit: ``national`` ≥ 10 000 tce, ``designated`` 5 000–10 000 tce, else ``other``."""

    NATIONAL = "national"
    DESIGNATED = "designated"
    OTHER = "other"

    @property
    def label_zh(self) -> str:
        return {"national": "重点用能单位（≥1万吨标准煤）", "designated": "指定重点用能单位（5千～1万吨标准煤）",
                "other": "一般用能单位"}[self.value]


def credit_code_check_character(first17: str) -> str:
    """The GB 32100-2015 check character of the first 17 characters of a credit code.

    Parameters
    ----------
    first17 : str
        Registration authority, organisation type, division code and subject identifier. [-]

    Returns
    -------
    str
        The 18th character.

    Notes
    -----
    .. math:: C_{18} = 31 - \\left(\\sum_{i=1}^{17} C_i W_i \\bmod 31\\right), \\quad W_i = 3^{i-1} \\bmod 31

    with 31 written as ``0``.

    References
    ----------
    .. [1] GB 32100-2015 法人和其他组织统一社会信用代码编码规则, Annex A (校验码计算方法).

    Examples
    --------
    >>> credit_code_check_character("91110108551385082")
    'Q'
    """
    text = first17.strip().upper()
    if len(text) != CODE_LENGTH - 1 or any(c not in CODE_CHARACTERS for c in text):
        raise EcerError("CREDIT_CODE_INVALID", f"{first17!r}：前17位须为数字或除 I、O、Z、S、V 外的大写字母",
                        field="credit_code", value=first17)
    total = sum(CODE_CHARACTERS.index(c) * w for c, w in zip(text, WEIGHTS, strict=True))
    return CODE_CHARACTERS[(31 - total % 31) % 31]


def validate_credit_code(code: str) -> str:
    """The code in upper case when it is well formed and its check character is right.

    A wrong check character is refused with ``CREDIT_CODE_CHECK`` naming the expected one.
    """
    text = str(code).strip().upper()
    if len(text) != CODE_LENGTH:
        raise EcerError("CREDIT_CODE_INVALID", f"{code!r}：应为18位，实为{len(text)}位", field="credit_code",
                        value=code)
    expected = credit_code_check_character(text[:17])
    if text[17] != expected:
        raise EcerError("CREDIT_CODE_CHECK", f"{text}：第18位应为 {expected}，实为 {text[17]}",
                        field="credit_code", value=code)
    return text


def category(annual_energy_tce: Decimal | None) -> Category | None:
    """The unit's category from its annual comprehensive energy consumption [tce]; None when unknown.

    ECER applies the thresholds to 当量值 (calorific) comprehensive energy consumption; the 办法 does
    not say which basis, so the choice is documented in docs/key-energy-units.md.
    """
    if annual_energy_tce is None:
        return None
    if annual_energy_tce >= NATIONAL_THRESHOLD_TCE:
        return Category.NATIONAL
    if annual_energy_tce >= DESIGNATED_THRESHOLD_TCE:
        return Category.DESIGNATED
    return Category.OTHER
