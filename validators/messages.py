"""Reviewer-facing wording for every issue code, in Chinese and English.

The code is the stable key (dashboards and tests use it); the wording is for
a bank reviewer who never reads our source, so it says what is wrong on the
form, not what the program did.
"""

from __future__ import annotations

from validators.types import Issue

# code -> (English, Chinese). `{label_en}` / `{label_zh}` name the field.
MESSAGES: dict[str, tuple[str, str]] = {
    "required_missing": (
        "{label_en} is required but is empty or could not be read.",
        "必填项“{label_zh}”为空或无法识别。",
    ),
    "choice_missing": (
        "No box is ticked for {label_en}.",
        "“{label_zh}”没有勾选任何选项。",
    ),
    "choice_ambiguous": (
        "More than one box is ticked for {label_en}.",
        "“{label_zh}”勾选了多个选项。",
    ),
    "choice_unknown": (
        "The box ticked for {label_en} is not one of the form's options.",
        "“{label_zh}”勾选的选项不在表格选项之内。",
    ),
    "date_invalid": (
        "{label_en} is not a valid calendar date.",
        "“{label_zh}”不是有效日期。",
    ),
    "value_unreadable": (
        "{label_en} could not be read in the expected format.",
        "“{label_zh}”无法按规定格式识别。",
    ),
    "country_unknown": (
        "{label_en} is not a country name or code we recognise.",
        "“{label_zh}”不是可识别的国家或地区名称。",
    ),
    "low_confidence": (
        "The system is not sure it read {label_en} correctly; please compare with the scan.",
        "系统对“{label_zh}”的识别把握不足，请对照原件核对。",
    ),
    "id_format": (
        "The ID number does not have the format of the ticked ID type.",
        "证件号码不符合所选证件类型的格式。",
    ),
    "id_legacy": (
        "The ID number is a first-generation 15-digit number, no longer valid.",
        "证件号码为已停用的第一代15位身份证号码。",
    ),
    "id_checksum": (
        "The ID number's check character is wrong (a digit may be misread or miswritten).",
        "证件号码校验位错误（可能有数字识别或填写错误）。",
    ),
    "id_region": (
        "The ID number's first six digits are not a known region code.",
        "证件号码前六位不是有效的行政区划代码。",
    ),
    "id_birth_date_invalid": (
        "The birth date inside the ID number is impossible or in the future.",
        "证件号码中的出生日期无效或晚于今天。",
    ),
    "dob_mismatch": (
        "The date of birth on the form differs from the one in the ID number.",
        "表格填写的出生日期与证件号码中的出生日期不一致。",
    ),
    "gender_mismatch": (
        "The ticked gender differs from the gender encoded in the ID number.",
        "勾选的性别与证件号码中的性别不一致。",
    ),
    "id_expired": (
        "The ID document had expired by the signing date.",
        "证件在签署日期前已过期。",
    ),
    "id_validity_span": (
        "The ID's expiry date does not fit the validity period the law sets for"
        " the holder's age (5/10/20 years or long-term).",
        "证件有效期与持证人年龄对应的法定有效期（5年/10年/20年/长期）不符。",
    ),
    "minor": (
        "The applicant is under {min_age} on the signing date; a guardian's documents are needed.",
        "申请人签署时未满{min_age}周岁，需要监护人证明材料。",
    ),
    "mobile_invalid": (
        "The mobile number is not a valid mainland China mobile number.",
        "手机号码不是有效的中国大陆手机号码。",
    ),
    "email_invalid": (
        "The e-mail address is not a valid address.",
        "电子邮箱地址格式无效。",
    ),
    "postal_code_invalid": (
        "The postal code must be exactly 6 digits.",
        "邮政编码必须为6位数字。",
    ),
    "sign_date_future": (
        "The signing date is later than today.",
        "签署日期晚于今天。",
    ),
    "sign_date_stale": (
        "The form was signed more than {max_days} days ago.",
        "表格签署日期距今已超过{max_days}天。",
    ),
    "signature_missing": (
        "The customer's signature is missing.",
        "缺少客户签名。",
    ),
    "amount_invalid": (
        "Financial assets must be a non-negative number (in units of 10,000 CNY).",
        "预计金融资产须为非负数（单位：万元）。",
    ),
    "pep_edd": (
        "The applicant declares being a politically exposed person:"
        " enhanced due diligence and a second approval are required.",
        "申请人声明为政治公众人物，须进行强化尽职调查并经第二人审批。",
    ),
}


def split_label(label: str) -> tuple[str, str]:
    """`"姓名 Full Name"` -> `("Full Name", "姓名")`: form labels put the
    Chinese first, then the English after the first space."""
    zh, _, en = label.partition(" ")
    return (en or zh), zh


def make_issue(code: str, fields: tuple[str, ...], label: str = "", **extra: object) -> Issue:
    """Build an Issue with both messages; unknown codes are a programming
    error, so they raise KeyError instead of producing an empty message."""
    en_tpl, zh_tpl = MESSAGES[code]
    label_en, label_zh = split_label(label or (fields[0] if fields else ""))
    params = {"label_en": label_en, "label_zh": label_zh, **extra}
    return Issue(code, fields, en_tpl.format(**params), zh_tpl.format(**params))
