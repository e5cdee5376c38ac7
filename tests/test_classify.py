import pytest

from extractors.classify import classify
from tests.pages import page
from verifier.models import DocType

TITLES = [
    ("VEHICLE PURCHASE CONTRACT", ["Seller: A", "Buyer: B"], DocType.purchase_contract),
    ("购车合同 / Vehicle Purchase Contract", ["甲方", "乙方"], DocType.purchase_contract),
    ("机动车登记证书 / Motor Vehicle Registration Certificate", ["Owner: X"],
     DocType.registration_certificate),
    ("CERTIFICAT D'IMMATRICULATION", ["A AB-123-CD B 05/01/1998"],
     DocType.registration_certificate),
    ("Technical Specification Sheet", ["Wheelbase: 2720 mm", "Kerb Weight: 1750 kg"],
     DocType.spec_sheet),
    ("Service History", ["Oil change", "Workshop: Dealer"], DocType.mileage_record),
    ("Mileage Certification", ["We certify the odometer"], DocType.mileage_certificate),
    ("PRE-SHIPMENT INSPECTION REPORT", ["Inspector: J", "Exterior: no defects"],
     DocType.inspection_report),
    ("Certificate of Conformity", ["SONCAP", "complies with standards"],
     DocType.compliance_certificate),
    ("出口许可证 / EXPORT LICENCE", ["Exporter: X", "Licence No.: 1"], DocType.export_license),
    ("BILL OF LADING", ["Shipper:", "Consignee:", "Notify Party"], DocType.bill_of_lading),
    ("Seller's Declaration", ["I declare no accident"], DocType.seller_declaration),
    ("VIN Verification", ["Made in China"], DocType.vin_verification),
]


@pytest.mark.parametrize("title, body, expected", TITLES, ids=[t[2].value + ":" + t[0][:12]
                                                              for t in TITLES])
def test_titles_identify_every_type(title, body, expected):
    rows = [(60, 200, title)] + [(120 + 15 * i, line) for i, line in enumerate(body)]
    got = classify([page(*rows)], medium="pdf")
    assert got.type is expected, got
    assert got.confidence >= 0.5


def test_a_title_mentioned_in_the_body_does_not_outweigh_the_real_title():
    p = page((60, 200, "PRE-SHIPMENT INSPECTION REPORT"), (120, "Inspector: J. Smith"),
             (600, "This report is issued before the Bill of Lading is signed."))
    assert classify([p], medium="pdf").type is DocType.inspection_report


def test_nothing_recognisable_is_unknown_not_a_guess():
    p = page((60, "Dear Sir, please find attached our price list for spare parts."))
    got = classify([p], medium="pdf")
    assert got.type is DocType.unknown and got.confidence < 0.5


def test_an_image_with_no_legible_text_is_a_photo():
    p = page((300, "~ ,"), method="ocr")
    assert classify([p], medium="image").type is DocType.photo


def test_an_image_with_a_vin_and_little_text_is_a_vin_plate():
    p = page((100, "MANUFACTURED BY BYD AUTO CO., LTD"), (120, "VIN LGXCE4CB8N0012345"),
             (140, "MADE IN CHINA"), method="ocr")
    assert classify([p], medium="image").type is DocType.vin_verification


def test_video_is_classified_by_medium():
    assert classify([], medium="video").type is DocType.video


def test_a_wrapped_sentence_naming_another_document_near_the_top_is_not_its_title():
    # A contract clause wrapped so that "inspection report and photos." stands on a line of
    # its own in the top third: a sentence, not the title of an inspection report.
    p = page((60, 200, "Vehicle Purchase Contract"), (120, "Seller: Kobe Global Motors"),
             (150, "Buyer: Accra Prime Autos Ltd"),
             (200, "Claims must be filed within 3 days with an accredited agency's"),
             (215, "inspection report and photos."))
    got = classify([p], medium="pdf")
    assert got.type is DocType.purchase_contract and got.confidence >= 0.5, got


def test_a_japanese_plate_with_a_frame_number_and_few_words_is_a_vin_plate():
    p = page((500, "LEXUS"), (650, "CHASSIS NO. GGL15-2711896"),
             (800, "MAX. PERMISSIBLE MASS 1762 kg"), (950, "DATE OF MANUFACTURE 2021-03"),
             (1050, "MADE IN JAPAN"))
    got = classify([p], medium="image")
    assert got.type is DocType.vin_verification, got


def test_a_photographed_heading_no_larger_than_the_body_is_the_title():
    # A blurred photo: the heading reads no taller than the body, and the VIN beside few
    # legible words would otherwise make it a VIN plate.
    heading = (60, "Export License of the People's Republic of China")
    body = [(100, "23-CO-979598 Tianjin"), (120, "Adebayo Motors Ltd Nigeria"),
            (140, "LVVC3XSA5KG921011 Chery")]
    assert classify([page(heading, *body, method="ocr")], medium="image").type is (
        DocType.export_license)
    # The same words as a section heading further down the page are not its title.
    lower = [(60 + 15 * i, "Seller: A. Motors") for i in range(4)]
    got = classify([page(*lower, (130, "Export License of the People's Republic of China"),
                         *body[2:], method="ocr")], medium="image")
    assert got.type is not DocType.export_license


def test_a_heading_garbled_after_a_word_only_one_types_title_uses():
    # "Specification Sheet" read "specification | Sher"": the heading's first word, and the
    # spec sheet's keywords (Wheelbase, Curb Weight, Seats, Tyres), name the type
    body = ["Curb Weight: 1,513 kg", "Tyres: 205/55", "Seats: 4", "Wheelbase: 2891 mm"]
    rows = [(60, 50, "specification"), (60, 300, 'Sher"')]
    rows += [(120 + 15 * i, line) for i, line in enumerate(body)]
    assert classify([page(*rows, method="ocr")], medium="pdf").type is DocType.spec_sheet
    # the same word further down the page is no heading: the keywords alone are too few
    rows = [(60, 50, "Sher"), (80, 50, "ee"), (100, 50, "at")]
    rows += [(120 + 15 * i, line) for i, line in enumerate(body)]
    rows += [(300, 50, "specification")]
    assert classify([page(*rows, method="ocr")], medium="pdf").type is DocType.unknown
