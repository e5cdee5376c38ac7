"""Parties: the B/L's shipper and the export licence's exporter are the contract's seller; the
consignee (B/L, export licence, compliance certificate) is its buyer; a seller declaration is
made by the seller to the buyer.

Company and person names are compared with :func:`checks.company.same_company` (case,
punctuation and legal-form suffixes aside: ``Co., Ltd.`` is ``CO LTD``). A B/L made out "to
order" names no consignee (the bank's document of title), so there is nothing to compare.

>>> from verifier.models import Document, Fields
>>> from verifier.context import CheckContext
>>> from verifier.policy import Policy
>>> c = Document(file='c.pdf', type='purchase_contract',
...              fields=Fields(seller='Hanbit Motors Co., Ltd.', buyer='Kwame Mensah'))
>>> bl = Document(file='bl.pdf', type='bill_of_lading',
...               fields=Fields(shipper='HANBIT MOTORS CO LTD', consignee='Accra Prime Autos Ltd'))
>>> [(f.code, f.found) for f in check_transaction([c, bl], CheckContext(), Policy())]
[('party.mismatch', 'Accra Prime Autos Ltd')]
"""

from __future__ import annotations

import re

from checks.company import normalize_company, same_company
from checks.facts import INDETERMINATE, basis, contracts, label, readable
from verifier.context import CheckContext
from verifier.models import DocType, Document, Finding
from verifier.policy import Policy

CODE = "party.mismatch"
# (field on the other document, the contract's field it must name, wording)
ROLES = (
    ("shipper", "seller", "shipper"),
    ("exporter", "seller", "exporter"),
    ("consignee", "buyer", "consignee"),
)
DECLARATION_ROLES = (("seller", "seller", "seller"), ("buyer", "buyer", "buyer"))
_TO_ORDER = re.compile(r"^\s*to\s+(the\s+)?order\b", re.IGNORECASE)


def check_transaction(
    documents: list[Document], ctx: CheckContext, policy: Policy
) -> list[Finding]:
    out: list[Finding] = []
    for contract in contracts(documents):
        for doc in readable(documents):
            if doc.type == DocType.purchase_contract:
                continue
            roles = DECLARATION_ROLES if doc.type == DocType.seller_declaration else ROLES
            for field, party, role in roles:
                stated = getattr(doc.fields, field)
                if not stated or _TO_ORDER.match(stated):
                    continue
                expected = getattr(contract.fields, party)
                if not expected:
                    out.append(
                        policy.finding(
                            CODE,
                            f"{label(doc)} names {role} {stated!r} but {label(contract)} "
                            f"states no {party} to compare it with",
                            [doc.file, contract.file],
                            found=stated,
                            basis=INDETERMINATE,
                        )
                    )
                    continue
                if not normalize_company(stated):
                    out.append(
                        policy.finding(
                            CODE,
                            f"{label(doc)}: {role} {stated!r} is not a name",
                            [doc.file],
                            found=stated,
                            basis=INDETERMINATE,
                        )
                    )
                    continue
                if same_company(stated, expected):
                    continue
                out.append(
                    policy.finding(
                        CODE,
                        f"{label(doc)} names {role} {stated!r} but the {party} of "
                        f"{label(contract)} is {expected!r}",
                        [doc.file, contract.file],
                        expected=expected,
                        found=stated,
                        basis=basis(policy, (doc, field), (contract, party)),
                    )
                )
    return out
