"""``signature.not_party``: a contract signed by someone who is neither its seller nor its buyer.

The escrow protocol has the parties sign the purchase contract "through digital signature and
company seal". A signature that verifies proves *who* signed; this check asks whether that
someone is a party: the certificate's organisation (X.509 subject ``O``, RFC 5280 §4.1.2.6)
or, for a private buyer, its common name (``CN``) must be the seller or the buyer the contract
states, compared with :func:`checks.company.same_company`.

Only purchase contracts and seller declarations are checked (an inspection report is signed
by its agency, which is no party), and only signatures that are not already ``invalid``
(the name in a broken signature proves nothing). A document that names no seller or buyer
is compared with the parties of the transaction's contracts; with no party stated anywhere
there is nothing to compare, and the missing contract is ``document.missing``'s business.

>>> from verifier.models import Document, Fields, Signature
>>> from verifier.context import CheckContext
>>> from verifier.policy import Policy
>>> sig = Signature(signer="Li Wei", organisation="Yangtze Car Brokers Ltd", intact=True,
...                 trusted=True, modified_after_signing=False, status="valid")
>>> c = Document(file='c.pdf', type='purchase_contract', signatures=[sig],
...              fields=Fields(seller='Hanbit Motors Co., Ltd.', buyer='Kwame Mensah'))
>>> [(f.code, f.found) for f in check_transaction([c], CheckContext(), Policy())]
[('signature.not_party', 'Yangtze Car Brokers Ltd')]
"""

from __future__ import annotations

from checks.company import same_company
from checks.facts import contracts, label, of_type
from checks.signature_inspector import describe
from verifier.context import CheckContext
from verifier.models import DocType, Document, Finding
from verifier.policy import Policy

CODE = "signature.not_party"


def check_transaction(
    documents: list[Document], ctx: CheckContext, policy: Policy
) -> list[Finding]:
    fallback = [p for c in contracts(documents) for p in _parties(c)]
    out: list[Finding] = []
    for doc in of_type(documents, DocType.purchase_contract, DocType.seller_declaration):
        parties = _parties(doc) or fallback
        if not parties:
            continue
        for sig in doc.signatures:
            if sig.status == "invalid" or sig.kind != "signature":
                continue
            names = [n for n in (sig.organisation, sig.signer) if n]
            if not names or any(same_company(n, p) for n in names for p in parties):
                continue
            out.append(
                policy.finding(
                    CODE,
                    f"{label(doc)}: {describe(sig)} belongs to neither party "
                    f"({' / '.join(parties)})",
                    [doc.file],
                    expected=" / ".join(parties),
                    found=sig.organisation or sig.signer,
                )
            )
    return out


def _parties(doc: Document) -> list[str]:
    return [p for p in (doc.fields.seller, doc.fields.buyer) if p]
