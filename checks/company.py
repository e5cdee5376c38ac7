"""Company and person names as parties state them: is ``a`` the same party as ``b``?

The same company is written many ways across a contract, a bill of lading and an export
licence: ``Shanghai Autostar Export Co., Ltd.``, ``SHANGHAI AUTOSTAR EXPORT CO LTD``,
``Shanghai Autostar Export Company Limited``. Names are compared on their *core* — case,
punctuation, accents and the legal-form suffix removed — and the legal forms must not
contradict each other (``Ltd`` vs ``LLC`` are different legal entities; a missing suffix is
only a shorter way of writing the name). Person names compare the same way, word order aside
(``OKAFOR Chukwuemeka`` on a B/L is ``Chukwuemeka Okafor`` on the contract).

No library does this for us: ``cleanco`` (PyPI) strips suffixes but knows no Chinese or
Japanese forms and would treat ``Ltd`` and ``LLC`` as interchangeable.

>>> same_company("Shanghai Autostar Export Co., Ltd.", "SHANGHAI AUTOSTAR EXPORT CO LTD")
True
>>> same_company("Al Noor Used Cars Trading LLC", "Al Noor Used Cars Trading")
True
>>> same_company("Desert Line Motors FZE", "Desert Line Motors LLC")
False
>>> same_company("Adebayo Motors Ltd", "Lekki Auto Imports Ltd")
False
>>> normalize_company("Cape Auto Traders (Pty) Ltd")
'cape auto traders'
"""

from __future__ import annotations

import re
import unicodedata

# Legal forms, longest first, each mapped to its class: two names whose forms are of
# different classes are different entities. Written as word sequences after normalisation.
_FORMS: dict[str, str] = {
    "company limited": "ltd",
    "co ltd": "ltd",
    "co limited": "ltd",
    "pty ltd": "ltd",
    "pvt ltd": "ltd",
    "private limited": "ltd",
    "limited": "ltd",
    "ltd": "ltd",
    "plc": "plc",
    "public limited company": "plc",
    "limited liability company": "llc",
    "llc": "llc",
    "l l c": "llc",
    "fze": "fze",
    "fzco": "fzco",
    "fz llc": "llc",
    "incorporated": "inc",
    "inc": "inc",
    "corporation": "corp",
    "corp": "corp",
    "gmbh": "gmbh",
    "ag": "ag",
    "kk": "kk",
    "kabushiki kaisha": "kk",
    "co inc": "inc",
    "sarl": "sarl",
    "sa": "sa",
    "sas": "sas",
    "bv": "bv",
    "nv": "nv",
    "ltda": "ltda",
    "srl": "srl",
    "spa": "spa",
    "oy": "oy",
    "ab": "ab",
    "as": "as",
    "pte ltd": "ltd",
    "sdn bhd": "ltd",
    "company": "co",
    "co": "co",
}
# CJK legal forms, matched on the raw name (no word boundaries in Chinese or Japanese).
_CJK_FORMS: dict[str, str] = {
    "股份有限公司": "ltd",
    "有限责任公司": "ltd",
    "有限公司": "ltd",
    "株式会社": "kk",
    "有限会社": "ltd",
    "주식회사": "kk",
}
# Classes that are one legal form written differently ("Co." alone is how "Co., Ltd." ends
# up after a careless clerk; Corp. and Inc. are both US corporations).
_COMPATIBLE = [{"ltd", "co"}, {"inc", "corp", "co"}, {"kk", "ltd"}]
_FORM_WORDS = sorted(_FORMS, key=lambda f: -len(f.split()))


def _ascii_words(name: str) -> list[str]:
    text = unicodedata.normalize("NFKC", name).casefold().replace("&", " and ")
    text = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    )
    # "(Pty)" and "Co.," lose their punctuation; letters, digits and CJK stay.
    return re.findall(r"[^\W_]+", text)


def split_form(name: str) -> tuple[str, str | None]:
    """The core name and the class of its legal form (None when it states none).

    >>> split_form("Ningbo Oriental Motors Trading Co., Ltd.")
    ('ningbo oriental motors trading', 'ltd')
    >>> split_form("上海汽车进出口有限公司")
    ('上海汽车进出口', 'ltd')
    """
    raw = unicodedata.normalize("NFKC", name or "").strip()
    for form, cls in _CJK_FORMS.items():
        if raw.endswith(form):
            return " ".join(_ascii_words(raw[: -len(form)])), cls
    words = _ascii_words(raw)
    form_class: str | None = None
    changed = True
    while changed and words:
        changed = False
        for form in _FORM_WORDS:
            parts = form.split()
            if len(words) > len(parts) and words[-len(parts) :] == parts:
                form_class = form_class or _FORMS[form]
                words = words[: -len(parts)]
                changed = True
                break
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words), form_class


def normalize_company(name: str) -> str:
    """The core of a company or person name: lower case, no punctuation, no legal form."""
    return split_form(name)[0]


def _forms_agree(a: str | None, b: str | None) -> bool:
    if a is None or b is None or a == b:
        return True
    return any(a in group and b in group for group in _COMPATIBLE)


def same_company(a: str | None, b: str | None) -> bool:
    """True when ``a`` and ``b`` name the same party. Empty names are never the same party:
    the caller decides what an absent name means."""
    if not a or not b:
        return False
    core_a, form_a = split_form(a)
    core_b, form_b = split_form(b)
    if not core_a or not core_b or not _forms_agree(form_a, form_b):
        return False
    if core_a == core_b or core_a.replace(" ", "") == core_b.replace(" ", ""):
        return True
    # People: the same words in another order ("OKAFOR Chukwuemeka"), no legal form.
    return form_a is None and form_b is None and sorted(core_a.split()) == sorted(core_b.split())
