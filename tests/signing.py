"""A throw-away PKI and signed PDFs for the signature tests: a CA and signers made with
``cryptography`` (EC P-256, fast), PDFs drawn with PyMuPDF and signed with pyHanko, and the
tampering the attack corpus shows, done here by hand.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pymupdf
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigFieldSpec
from pyhanko_certvalidator.registry import SimpleCertificateStore

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
# Inside every certificate's validity below (the signers are valid 2026-01-01 .. 2027-01-01).
MOMENT = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


@dataclass
class Party:
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def asn1(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.cert.public_bytes(serialization.Encoding.DER))


def _name(cn: str, org: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    return x509.Name(attrs)


def make_ca(cn: str = "Test Escrow Root") -> Party:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn, "Test Escrow"))
        .issuer_name(_name(cn, "Test Escrow"))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2035, 1, 1, tzinfo=dt.UTC))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    return Party(cert, key)


def make_signer(
    ca: Party,
    cn: str,
    org: str,
    *,
    digital_signature: bool = True,
    non_repudiation: bool = True,
    not_before: dt.datetime = dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    not_after: dt.datetime = dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
) -> Party:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn, org))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=digital_signature, content_commitment=non_repudiation,
                key_encipherment=not (digital_signature or non_repudiation),
                data_encipherment=False, key_agreement=False, key_cert_sign=False,
                crl_sign=False, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca.key, hashes.SHA256())
    )  # fmt: skip
    return Party(cert, key)


def contract_pdf(with_text_field: bool = True) -> bytes:
    """A one-page purchase contract, optionally with a fillable text field ``Price``."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 100), "VEHICLE PURCHASE CONTRACT No. PC-2026-0042", fontsize=14)
    page.insert_text((72, 140), "Seller: Hanbit Motors Co., Ltd.", fontsize=11)
    page.insert_text((72, 160), "Buyer: Accra Prime Autos Ltd", fontsize=11)
    page.insert_text((72, 180), "VIN: KMHD841CBLU123456  Price: USD 18,500", fontsize=11)
    if with_text_field:
        widget = pymupdf.Widget()
        widget.field_name = "Price"
        widget.field_type = pymupdf.PDF_WIDGET_TYPE_TEXT
        widget.rect = pymupdf.Rect(72, 200, 300, 220)
        widget.field_value = "USD 18,500"
        page.add_widget(widget)
    return doc.tobytes()


def sign(data: bytes, party: Party, ca: Party, field: str = "Sig1") -> bytes:
    """Append an approval signature in a new field (an incremental update)."""
    signer = signers.SimpleSigner(
        signing_cert=party.asn1(),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            party.key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs([ca.asn1()]),
    )
    w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    out = io.BytesIO()
    signers.sign_pdf(
        w,
        signers.PdfSignatureMetadata(field_name=field),
        signer=signer,
        new_field_spec=SigFieldSpec(sig_field_name=field, box=(400, 700, 550, 760)),
        output=out,
    )
    return out.getvalue()


def _writer(data: bytes) -> IncrementalPdfFileWriter:
    return IncrementalPdfFileWriter(io.BytesIO(data), strict=False)


def _finish(w: IncrementalPdfFileWriter) -> bytes:
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def _page(w: IncrementalPdfFileWriter):
    ref = w.root["/Pages"].raw_get("/Kids")[0]
    return ref, ref.get_object()


def add_page_content(data: bytes, text: bytes = b"PRICE: USD 1,850") -> bytes:
    """Incremental update drawing new text on page 1 (gen_signed_then_modified)."""
    w = _writer(data)
    page_ref, page = _page(w)
    stream = generic.StreamObject(stream_data=b"BT /Helv 30 Tf 72 400 Td (" + text + b") Tj ET")
    new_ref = w.add_object(stream)
    old = page.raw_get("/Contents")
    contents = list(old) if isinstance(old, generic.ArrayObject) else [old]
    page["/Contents"] = generic.ArrayObject([*contents, new_ref])
    w.update_container(page)
    return _finish(w)


def add_annotation(data: bytes) -> bytes:
    """Incremental update adding a FreeText annotation over the price."""
    w = _writer(data)
    page_ref, page = _page(w)
    annot = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/FreeText"),
            generic.NameObject("/Rect"): generic.ArrayObject(
                [generic.NumberObject(n) for n in (72, 170, 400, 190)]
            ),
            generic.NameObject("/Contents"): generic.TextStringObject("Price: USD 1,850"),
            generic.NameObject("/DA"): generic.TextStringObject("/Helv 12 Tf 0 g"),
            generic.NameObject("/P"): page_ref,
        }
    )
    annot_ref = w.add_object(annot)
    annots = page.get("/Annots", generic.ArrayObject())
    page["/Annots"] = (
        generic.ArrayObject([*annots, annot_ref]) if annots else generic.ArrayObject([annot_ref])
    )
    w.update_container(page)
    return _finish(w)


def change_field_value(data: bytes, name: str = "Price", value: str = "USD 1,850") -> bytes:
    """Incremental update re-valuing a text field (pdf-insecurity.org "replace")."""
    w = _writer(data)
    for ref in w.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        if field.get("/T") == name:
            field["/V"] = generic.TextStringObject(value)
            w.update_container(field)
            return _finish(w)
    raise LookupError(name)


def remove_signature_field(data: bytes) -> bytes:
    """Incremental update dropping every signature field from the AcroForm (the signed bytes
    stay in the file, no field refers to them)."""
    w = _writer(data)
    acro = w.root["/AcroForm"]
    acro["/Fields"] = generic.ArrayObject(
        [r for r in acro.raw_get("/Fields") if r.get_object().get("/FT") != "/Sig"]
    )
    w.update_container(acro)
    page_ref, page = _page(w)
    if "/Annots" in page:
        page["/Annots"] = generic.ArrayObject(
            [a for a in page.raw_get("/Annots") if a.get_object().get("/FT") != "/Sig"]
        )
        w.update_container(page)
    return _finish(w)


def append_empty_xref_update(data: bytes, *, point_to_empty: bool = False) -> bytes:
    """iText ISA-3: a page body appended after signing with an EMPTY xref section. The final
    ``startxref`` names the signed revision's xref (as pyHanko reads isa-3.pdf), so readers
    that follow the xref chain see nothing new while repairing viewers show the page; with
    ``point_to_empty`` it names the empty section instead."""
    import re

    prev = re.findall(rb"startxref\s+(\d+)", data)[-1]
    body = (
        b"\n3 0 obj\n<< /Type /Page >>\nendobj\n"
        b"40 0 obj\n<< /Length 44 >>\nstream\nBT /Helv 30 Tf 72 400 Td (Manipulated) Tj ET\n"
        b"endstream\nendobj\n"
    )
    xref_at = str(len(data) + len(body)).encode()
    return (
        data + body + b"xref\ntrailer\n<< /Root 1 0 R >>\nstartxref\n"
        + (xref_at if point_to_empty else prev) + b"\n%%EOF\n"
    )  # fmt: skip


def flip_signed_byte(data: bytes) -> bytes:
    """Same length, one byte changed inside the first signed byte range: the binary comment
    on the second line of the file, which no parser reads (gen_signed_bytes_tampered)."""
    i = data.index(b"\n%", 0, 64) + 2
    assert i < data.index(b"/ByteRange")
    return data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1 :]


def rename_subfilter(data: bytes) -> bytes:
    """The signature's /SubFilter made unknown (pyHanko would skip such a signature)."""
    old = b"/adbe.pkcs7.detached"
    assert old in data
    return data.replace(old, b"/adbe.pkcs7.detacheX", 1)


def free_object(data: bytes, idnum: int) -> bytes:
    """Incremental update whose xref section only frees object ``idnum`` (deletes it)."""
    import re

    prev = re.findall(rb"startxref\s+(\d+)", data)[-1]
    size = re.findall(rb"/Size\s+(\d+)", data)[-1]
    body = (
        b"xref\n0 1\n0000000000 65535 f \n"
        + f"{idnum} 1\n0000000000 00001 f \n".encode()
        + b"trailer\n<< /Size " + size + b" /Root 1 0 R /Prev " + prev + b" >>\n"
    )  # fmt: skip
    return data + body + b"startxref\n" + str(len(data)).encode() + b"\n%%EOF\n"


def make_tsa(ca: Party) -> Party:
    """A time-stamping authority (EKU timeStamping, critical, RFC 3161 §2.3); RSA, because
    pyHanko's DummyTimeStamper signs with RSA only."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("Test TSA", "Test Escrow"))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
        .sign(ca.key, hashes.SHA256())
    )
    return Party(cert, key)


def _timestamper(tsa: Party, ca: Party):
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    return DummyTimeStamper(
        tsa_cert=tsa.asn1(),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            tsa.key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        certs_to_embed=SimpleCertificateStore.from_certs([ca.asn1()]),
        fixed_dt=NOW,
    )


def add_document_timestamp(data: bytes, tsa: Party, ca: Party) -> bytes:
    """A PAdES document timestamp (/DocTimeStamp) appended in a new revision."""
    out = io.BytesIO()
    signers.PdfTimeStamper(_timestamper(tsa, ca)).timestamp_pdf(_writer(data), "sha256", output=out)
    return out.getvalue()
