"""Agreement across documents: OCR look-alikes are put right, a different VIN never is."""

from extractors.fields import extract
from tests.pages import page
from verifier.agreement import _confusions, agree_on_text, agree_on_vin, locate_unread
from verifier.models import DocType, Document, Fields, Source
from verifier.read import ReadResult

REAL = "LS5RTN5N2L2183505"


def _doc(name, method="text_layer", conf=1.0, **fields):
    sources = {k: Source(page=1, confidence=conf, raw=str(v), method=method)
               for k, v in fields.items()}
    return ReadResult(Document(file=name, sha256="0" * 64, fields=Fields(**fields),
                               sources=sources), [])


def test_an_ocr_misread_vin_is_put_right_by_the_other_documents():
    results = [_doc("a.pdf", vin=REAL), _doc("b.pdf", vin=REAL),
               _doc("plate.jpg", "ocr", 0.41, vin="LSSRTNSN2L2183505")]
    agree_on_vin(results)
    plate = results[2].document
    assert plate.fields.vin == REAL
    assert "S→5 at 3" in plate.sources["vin"].corrections
    assert plate.sources["vin"].raw == "LSSRTNSN2L2183505"
    assert plate.sources["vin"].agreement == 2


def test_a_text_layers_vin_outweighs_scans_that_misread_the_same_font():
    # the contract's text layer: KMHR5…; every scan and photo read the font's 5 as S
    real, misread = "KMHR5NHT1PT786092", "KMHRSNHT1PT786092"
    results = [_doc("contract.pdf", vin=real)] + [
        _doc(f"scan{i}.jpg", "ocr", 0.96, vin=misread) for i in range(4)
    ]
    agree_on_vin(results)
    for r in results[1:]:
        assert r.document.fields.vin == real
        assert "S→5 at 5" in r.document.sources["vin"].corrections
    # one text layer puts right only letters read for the digits they look like; other
    # confusions (a T read as 7) wait for two documents, as without a text layer
    other = "KMHR5NH71PT786092"
    results = [_doc("contract.pdf", vin=real), _doc("plate.jpg", "ocr", 0.5, vin=other)]
    agree_on_vin(results)
    assert results[1].document.fields.vin == other
    # text layers that disagree among themselves decide nothing
    results = [_doc("contract.pdf", vin=real), _doc("licence.pdf", vin=misread),
               _doc("plate.jpg", "ocr", 0.96, vin=misread)]
    agree_on_vin(results)
    assert results[2].document.fields.vin == misread


def test_a_cloned_vin_one_serial_digit_apart_is_never_corrected():
    clone = REAL[:-1] + "8"
    results = [_doc("a.pdf", vin=REAL), _doc("b.pdf", vin=REAL),
               _doc("plate.jpg", "ocr", 0.41, vin=clone)]
    agree_on_vin(results)
    assert results[2].document.fields.vin == clone
    assert results[2].document.sources["vin"].agreement == 0


def test_a_confident_photo_reading_is_put_right_only_for_look_alike_shapes():
    korean = "KMTJR5SA9RC286666"  # no mandatory check digit: "as read" could be real
    results = [_doc("a.pdf", vin=korean), _doc("b.pdf", vin=korean),
               _doc("photo.jpg", "ocr", 0.96, vin="KMTJRSSA9RC286666")]
    agree_on_vin(results)
    assert results[2].document.fields.vin == korean
    assert "S→5 at 6" in results[2].document.sources["vin"].corrections
    # A confident reading differing in a letter for another letter (M/N) is what it says.
    other = "KNTJR5SA9RC286666"
    results = [_doc("a.pdf", vin=korean), _doc("b.pdf", vin=korean),
               _doc("photo.jpg", "ocr", 0.96, vin=other)]
    agree_on_vin(results)
    assert results[2].document.fields.vin == other


def _vin_agreed(real: str, read: str, conf: float):
    """A photo that read ``read``, after two other documents stating ``real`` had their say."""
    results = [_doc("a.pdf", vin=real), _doc("b.pdf", vin=real),
               _doc("photo.jpg", "ocr", conf, vin=read)]
    agree_on_vin(results)
    return results[2].document


def test_a_small_photos_vin_with_a_hooked_j_read_as_u_is_put_right():
    real = "LJ15LJ0W6PJ789214"
    got = _vin_agreed(real, "LU1SLJ0W6PJT89214", 0.7)
    assert got.fields.vin == real
    assert "U→J at 2" in got.sources["vin"].corrections


def test_a_text_layer_vin_is_never_changed():
    results = [_doc("a.pdf", vin=REAL), _doc("b.pdf", vin=REAL),
               _doc("c.pdf", vin="LSSRTNSN2L2183505")]
    agree_on_vin(results)
    assert results[2].document.fields.vin == "LSSRTNSN2L2183505"


def test_alignment_allows_a_shift_but_not_a_disguised_substitution():
    assert _confusions("J1RKHDH91NG305720", "LJ1RKHDH9NG305720") == [
        "restored lost L at 1", "dropped stray 1 at 9"]
    assert _confusions(REAL[:-1] + "8", REAL) is None  # 8 and 5: two digits
    assert _confusions("LS5RTN5N2L2183595", REAL) is None


def test_shared_names_keep_their_case_and_record_the_change():
    results = [_doc("a.pdf", model="ET5"), _doc("b.pdf", model="ET5"),
               _doc("c.jpg", "ocr", 0.8, model="ETS"),
               _doc("d.pdf", consignee="AutoImport Odesa LLC"),
               _doc("e.pdf", consignee="AutoImport Odesa LLC"),
               _doc("f.jpg", "ocr", 0.8, consignee="Autolmport Odesa LLC")]
    agree_on_text(results)
    assert results[2].document.fields.model == "ET5"
    assert results[5].document.fields.consignee == "AutoImport Odesa LLC"
    assert "l→I at 5" in results[5].document.sources["consignee"].corrections


def test_a_party_is_checked_against_the_names_it_bears_on_other_documents():
    # The B/L alone states a shipper; the contract and the licence name the same company
    # as seller and exporter, and the buyer is named more often: each name is a candidate.
    seller = "CHONGQING MINGYUAN AUTOMOBILE EXPORT CO., LTD."
    results = [_doc("contract.pdf", seller=seller.title(), buyer="Al Noor LLC"),
               _doc("licence.pdf", exporter=seller, consignee="Al Noor LLC"),
               _doc("invoice.pdf", buyer="Al Noor LLC"),
               _doc("bl.jpg", "ocr", 0.8, shipper="CHONGOING MINGYUAN AUTOMOBILE EXPORT CO., LTD.",
                    consignee="Al Noor LLC")]
    agree_on_text(results)
    assert results[3].document.fields.shipper == seller
    assert "O→Q at 6" in results[3].document.sources["shipper"].corrections
    # one other document read by OCR too is no consensus
    results = [_doc("contract.jpg", "ocr", 0.9, seller=seller),
               _doc("bl.jpg", "ocr", 0.8, shipper="CHONGOING MINGYUAN AUTOMOBILE EXPORT CO., LTD.")]
    agree_on_text(results)
    assert results[1].document.fields.shipper.startswith("CHONGOING")


def test_a_text_layer_outweighs_scans_that_misread_the_same_font():
    # the contract's text layer says ET5; the licence, B/L and registration scans all read
    # the font's 5 as S: no OCR in a text layer, so it wins however many scans disagree
    results = [_doc("contract.pdf", model="ET5")] + [
        _doc(f"scan{i}.pdf", "ocr", 0.93, model="ETS") for i in range(4)
    ]
    agree_on_text(results)
    for r in results[1:]:
        assert r.document.fields.model == "ET5"
        assert r.document.sources["model"].corrections[0] == "S→5 at 3"
        assert r.document.sources["model"].corrections[1].endswith("other documents state ET5")
    # a text layer stating the scans' reading too: nothing is decided
    results = [_doc("contract.pdf", model="ET5"), _doc("licence.pdf", model="ETS"),
               _doc("scan.pdf", "ocr", 0.93, model="ETS")]
    agree_on_text(results)
    assert results[2].document.fields.model == "ETS"


def test_a_different_name_is_not_a_misreading():
    results = [_doc("a.pdf", model="H6"), _doc("b.pdf", model="H6"),
               _doc("c.jpg", "ocr", 0.5, model="H9")]
    agree_on_text(results)
    assert results[2].document.fields.model == "H9"


def test_a_reading_that_cannot_be_a_vin_may_differ_by_four_look_alikes():
    chery = "LVVVA5877MS724821"  # Chinese: the check digit is mandatory
    results = [_doc("a.pdf", vin=chery), _doc("b.pdf", vin=chery),
               _doc("photo.jpg", "ocr", 0.96, vin="LVWVA5BT7MS7Z4821")]
    agree_on_vin(results)
    assert results[2].document.fields.vin == chery
    assert "Z→2 at 13" in results[2].document.sources["vin"].corrections
    # A misreading that happens to be a valid VIN, read with confidence, stays what it says.
    results = [_doc("a.pdf", vin=chery), _doc("b.pdf", vin=chery),
               _doc("photo.jpg", "ocr", 0.96, vin="LVWVASBT7MS724821")]
    agree_on_vin(results)
    assert results[2].document.fields.vin == "LVWVASBT7MS724821"
    # Four look-alikes where the reading could be a real VIN (no mandatory check digit): kept.
    korean = "KMTJR5SA9RC286666"
    results = [_doc("a.pdf", vin=korean), _doc("b.pdf", vin=korean),
               _doc("photo.jpg", "ocr", 0.5, vin="KMTJRSSABRCZB6666")]
    agree_on_vin(results)
    assert results[2].document.fields.vin == "KMTJRSSABRCZB6666"


def test_a_vin_read_with_a_stray_character_is_chosen_from_the_page_by_the_others():
    # "LMGS5K…" (18 characters): the window read as a VIN leaves the L out; the deletion that
    # validates is a candidate, which the other documents choose
    real = "LMG5KMJS5MZ754059"
    p = page((60, "VEHICLE INSPECTION REPORT"), (100, 50, "VIN: LMGS5KMJS5MZ754059"), method="ocr")
    ex = extract([p], DocType.inspection_report)
    assert ex.values["vin"].value != real
    photo = _doc("photo.jpg", "ocr", 0.9, vin=ex.values["vin"].value)
    photo.vin_candidates = ex.vin_candidates
    results = [_doc("a.pdf", vin=real), _doc("b.pdf", vin=real), photo]
    agree_on_vin(results)
    assert photo.document.fields.vin == real
    assert photo.document.sources["vin"].corrections[0] == "dropped stray S at 4"
    # a single other document is not enough
    photo = _doc("photo.jpg", "ocr", 0.9, vin=ex.values["vin"].value)
    photo.vin_candidates = ex.vin_candidates
    agree_on_vin([_doc("a.pdf", vin=real), photo])
    assert photo.document.fields.vin != real


def test_a_vin_with_a_stray_character_under_an_unread_caption_is_chosen_by_the_others():
    # "Frame No." read as "Figen ie": the VIN is found in free text, 18 characters long; the
    # 17 picked from it lose the L, the deletion that validates is a candidate
    real = "L6TEUVDT0NJ033174"
    p = page((60, 200, "EXPORT LICENCE"), (100, 250, "Figen ie"),
             (115, 250, "L6ETEUVDTONJO33174"), method="ocr")
    ex = extract([p], DocType.export_license)
    assert ex.values["vin"].value != real
    assert real in {c.value for c in ex.vin_candidates}
    photo = _doc("photo.jpg", "ocr", 0.44, vin=ex.values["vin"].value)
    photo.vin_candidates = ex.vin_candidates
    agree_on_vin([_doc("a.pdf", vin=real), _doc("b.pdf", vin=real), photo])
    assert photo.document.fields.vin == real
    assert photo.document.sources["vin"].corrections[0] == "dropped stray E at 3"


def test_a_korean_vin_plate_read_with_a_stray_character_is_put_right_by_the_others():
    # Hyundai's exports carry a check digit though Korea does not require one: the deletion
    # that validates under a maker's WMI is a candidate too (here the plate's O)
    real = "KMHE9XF67JF240463"
    p = page((60, "VIN PLATE"), (100, 50, "VIN KMHE9OXF67JF 240463"), method="ocr")
    ex = extract([p], DocType.vin_verification)
    assert [c.value for c in ex.vin_candidates] == [real]
    photo = _doc("plate.jpg", "ocr", 0.9)
    photo.document.type = DocType.vin_verification
    photo.vin_candidates = ex.vin_candidates
    results = [_doc("a.pdf", vin=real), _doc("b.pdf", vin=real), photo]
    agree_on_vin(results)
    assert photo.document.fields.vin == real
    assert photo.document.sources["vin"].corrections[0] == "dropped stray O at 6"


def test_a_names_stops_and_commas_blurred_on_a_photo_are_as_the_others_print_them():
    real = "Ningbo Oriental Motors Trading Co., Ltd."
    for read in ("NINGBO ORIENTAL MOTORS TRADING CO.. LTD.",
                 "NINGBO ORIENTAL MOTORS TRADING CO. LTD",
                 "Ningbo Oriental Motors Trading Co, Ltd."):
        results = [_doc("a.pdf", seller=real), _doc("b.pdf", exporter=real),
                   _doc("bl.jpg", "ocr", 0.8, shipper=read)]
        agree_on_text(results)
        got = results[2].document
        assert got.fields.shipper.upper() == real.upper(), read
        assert got.fields.shipper.isupper() == read.isupper()  # the document's case kept
        assert got.sources["shipper"].corrections == [
            f"punctuation read as {read!r}", f"2 other documents state {got.fields.shipper}"]
    # Another word is another name, and one other scan (no text layer) is not enough.
    for docs, read in (([real, real], "Ningbo Oriental Motor Trading Co., Ltd."),
                       ([real], "Ningbo Oriental Motors Trading Co. Ltd.")):
        results = [*(_doc(f"{i}.jpg", "ocr", 0.9, seller=n) for i, n in enumerate(docs)),
                   _doc("bl.jpg", "ocr", 0.8, shipper=read)]
        agree_on_text(results)
        assert results[-1].document.fields.shipper == read


def test_names_misread_in_a_letter_of_the_same_shape_are_put_right():
    for read, real in [("Chongging Mingyuan Automobile Export Co., Ltd.",
                        "Chongqing Mingyuan Automobile Export Co., Ltd."),
                       ("Aion ¥", "Aion Y"), ("Ric", "Rio"), ("Arrizo §", "Arrizo 5")]:
        field = "model" if len(real) < 10 else "seller"
        results = [_doc("a.pdf", **{field: real}), _doc("b.pdf", **{field: real}),
                   _doc("c.jpg", "ocr", 0.8, **{field: read})]
        agree_on_text(results)
        assert getattr(results[2].document.fields, field) == real
    # a different model is no misreading
    results = [_doc("a.pdf", model="Rio"), _doc("b.pdf", model="Rio"),
               _doc("c.jpg", "ocr", 0.8, model="Ray")]
    agree_on_text(results)
    assert results[2].document.fields.model == "Ray"


def test_a_blurred_photos_3_6_and_0_read_as_s_s_and_c_are_put_right_by_the_others():
    for real, read in [("LMGA3HGF4NV295130", "LMGASHGF4NV295130"),
                       ("LRWBE61N1PC311739", "LRWBES1N1PC311739"),
                       ("JTM0TK9F4BY660038", "JTMCTKSF48Y660038")]:
        results = [_doc("a.pdf", vin=real), _doc("b.pdf", vin=real),
                   _doc("photo.jpg", "ocr", 0.41, vin=read)]
        agree_on_vin(results)
        assert results[2].document.fields.vin == real, read
    # a 9 read as Q, which the reader then took for a 0: the raw reading is compared
    real = "KNA9RK1F7LF242228"
    photo = _doc("photo.jpg", "ocr", 0.87, vin="KNA0RK1F7LF242228")
    photo.document.sources["vin"] = photo.document.sources["vin"].model_copy(
        update={"raw": "KNAQRK1F7LF242228"})
    results = [_doc("a.pdf", vin=real), _doc("b.pdf", vin=real), photo]
    agree_on_vin(results)
    assert photo.document.fields.vin == real
    assert "Q→9 at 4" in photo.document.sources["vin"].corrections
    # a digit for another digit is never a misreading: a clone differs in a serial digit
    results = [_doc("a.pdf", vin="LMGA3HGF4NV295130"), _doc("b.pdf", vin="LMGA3HGF4NV295130"),
               _doc("photo.jpg", "ocr", 0.41, vin="LMGA3HGF4NV295136")]
    agree_on_vin(results)
    assert results[2].document.fields.vin == "LMGA3HGF4NV295136"


def test_a_vin_read_with_marks_for_characters_is_chosen_from_the_page_by_the_others():
    # "LWTPPJG4)1306889": W for VV and ")" for J, or for 1 (the same weight in the check
    # digit); the page yields no VIN of its own, the others choose between its candidates
    real = "LVVTPPJG4J1306889"
    p = page((60, 200, "MAINTENANCE RECORD"), (100, 50, "VS / VIN: LWTPPJG4)1306889"),
             conf=0.7, method="ocr")
    ex = extract([p], DocType.mileage_record)
    assert "vin" not in ex.values
    photo = ReadResult(Document(file="photo.jpg", sha256="0" * 64, type=DocType.mileage_record,
                                fields=Fields()), [])
    photo.vin_candidates = ex.vin_candidates
    agree_on_vin([_doc("a.pdf", vin=real), _doc("b.pdf", vin=real), photo])
    assert photo.document.fields.vin == real
    assert photo.document.sources["vin"].corrections[:2] == [")→J at 9", "W→VV at 2"]


def test_digits_misread_in_a_vin_no_maker_could_have_are_put_right_by_the_others():
    # L0T and STH are no maker's WMIs: a 6 read as 0 in Geely's L6T, a J read as S and a 6
    # as 0 in Lexus's JTH6K…, each outside the serial
    for real, read in (("L6TVV0GF2NU661645", "L0TVV06F2NU661645"),
                       ("JTH6K73W1L9125407", "STH0K73W1L9125407")):
        results = [_doc("a.pdf", vin=real), _doc("b.pdf", vin=real),
                   _doc("photo.jpg", "ocr", 0.6, vin=read)]
        agree_on_vin(results)
        assert results[2].document.fields.vin == real, read
        assert results[2].document.sources["vin"].raw == read
    # a digit of the serial is where a clone differs: never, even from a VIN no maker has
    for read in ("L0TVV0GF2NU661648", "L0TVV0GF2NU661605"):
        results = [_doc("a.pdf", vin="L6TVV0GF2NU661645"), _doc("b.pdf", vin="L6TVV0GF2NU661645"),
                   _doc("photo.jpg", "ocr", 0.5, vin=read)]
        agree_on_vin(results)
        assert results[2].document.fields.vin == read
    # nor a digit of a VIN a maker could have (L6T, Geely's): a 0 for a 6 in its model code
    read = "L6TVV00F2NU661645"
    results = [_doc("a.pdf", vin="L6TVV06F2NU661645"), _doc("b.pdf", vin="L6TVV06F2NU661645"),
               _doc("photo.jpg", "ocr", 0.5, vin=read)]
    agree_on_vin(results)
    assert results[2].document.fields.vin == read


def _photo(name, doc_type, *rows, **fields):
    """An OCR'd photo of ``doc_type`` whose page shows ``rows`` and whose reading found
    ``fields``."""
    result = _doc(name, "ocr", 0.8, **fields)
    result.document.type = doc_type
    result.pages = [page(*rows, conf=0.9, method="ocr")]
    return result


def test_a_model_under_an_unread_caption_is_found_where_the_others_say():
    licence = _photo("licence.jpg", DocType.export_license,
                     (400, 50, "VN Neo"), (420, 50, "LGWJRVBV1MS146697 Haval"),
                     (440, 50, "Woon:"), (460, 50, "Jolion"))
    results = [_doc("contract.pdf", model="Jolion"), _doc("spec.pdf", model="Jolion"), licence]
    locate_unread(results)
    doc = licence.document
    assert doc.fields.model == "Jolion"
    source = doc.sources["model"]
    assert source.method == "ocr" and source.box[1] == 460 and source.raw == "Jolion"
    assert "2 other documents" in source.corrections[0]
    # Spread over two words, after a garbled caption in the same line.
    bl = _photo("bl.jpg", DocType.bill_of_lading, (300, 50, "1 (ONE) UNIT USED VEHICLE"),
                (320, 50, "Hyundai Santa Fe"))
    results = [_doc("a.pdf", model="Santa Fe"), _doc("b.jpg", "ocr", 0.9, model="Santa Fe"), bl]
    locate_unread(results)
    assert bl.document.fields.model == "Santa Fe"
    assert bl.document.sources["model"].raw == "Santa Fe"


def test_a_model_is_not_found_in_part_of_a_word_nor_where_the_others_disagree():
    def record():
        return _photo("record.jpg", DocType.mileage_record,
                      (300, 50, "VIN: LMXP7N1DXP2535898 CX-50"), (320, 50, "SMHS: P7"))
    # "P7" stated once, "CX-5" by two: the page's "CX-50" is another model, and "P7" has
    # only one document behind it.
    results = [_doc("a.pdf", model="CX-5"), _doc("b.pdf", model="CX-5"),
               _doc("c.pdf", model="P7"), record()]
    locate_unread(results)
    assert results[3].document.fields.model is None
    # Two documents each side: no one model the others state.
    results = [_doc("a.pdf", model="P7"), _doc("b.pdf", model="P7"),
               _doc("c.pdf", model="G6"), _doc("d.pdf", model="G6"), record()]
    locate_unread(results)
    assert results[4].document.fields.model is None
    # Agreed: found after its garbled caption; a model already read is left to agree_on_text.
    read = record()
    read.document.fields.model = "F7"
    results = [_doc("a.pdf", model="P7"), _doc("b.pdf", model="P7"), record(), read]
    locate_unread(results)
    assert results[2].document.fields.model == "P7"
    assert results[3].document.fields.model == "F7"
    # A type that states no model is not searched.
    photo = _photo("car.jpg", DocType.photo, (300, 50, "P7"))
    locate_unread([_doc("a.pdf", model="P7"), _doc("b.pdf", model="P7"), photo])
    assert photo.document.fields.model is None


def test_a_vin_no_reading_found_is_located_in_a_line_by_the_others():
    vin = "LGW3JZ4L0NH911562"

    def registration(line):
        return _photo("registration.jpg", DocType.registration_certificate,
                      (300, 50, "CHEN JING PA017BS2"), (320, 50, line))

    # Misread past the check digit's help and split: no reading, no candidate.
    found = registration("Wingie 7 LGW3JZ4LONHG1 1562")
    results = [_doc("a.pdf", vin=vin), _doc("b.jpg", "ocr", 0.9, vin=vin), found]
    agree_on_vin(results)
    source = found.document.sources["vin"]
    assert found.document.fields.vin == vin
    assert source.raw == "Wingie 7 LGW3JZ4LONHG1 1562" and source.box[1] == 320
    assert "O→0 at 9" in source.corrections and "G→9 at 12" in source.corrections
    assert source.agreement == 2
    # Another vehicle's VIN, a serial digit apart, is not what the others state.
    clone = registration("Wingie 7 LGW3JZ4LONHG1 1563")
    agree_on_vin([_doc("a.pdf", vin=vin), _doc("b.pdf", vin=vin), clone])
    assert clone.document.fields.vin is None
    # One other document is no consensus.
    alone = registration("Wingie 7 LGW3JZ4LONHG1 1562")
    agree_on_vin([_doc("a.jpg", "ocr", 0.9, vin=vin), alone])
    assert alone.document.fields.vin is None


def test_a_model_found_but_for_a_look_alike_is_written_as_the_others_write_it():
    def registration():
        return _photo("registration.jpg", DocType.registration_certificate,
                      (300, 50, "LINA PA 0B6291 1 Jan 2023"),
                      (320, 50, "Guangrhou Automebie Group Co. Lid. GSB"), (340, 50, "PT"))
    found = registration()
    locate_unread([_doc("a.pdf", model="GS8"), _doc("b.pdf", model="GS8"), found])
    source = found.document.sources["model"]
    assert found.document.fields.model == "GS8"
    assert source.raw == "GSB" and "B→8 at letter 3" in source.corrections
    # Two characters leave no room for a look-alike: "PT" is not P7.
    short = registration()
    locate_unread([_doc("a.pdf", model="P7"), _doc("b.pdf", model="P7"), short])
    assert short.document.fields.model is None


def test_the_selling_companys_name_is_found_where_its_caption_was_not_read():
    seller = "Shanghai Autostar Export Co., Ltd."

    def licence(line):
        return _photo("licence.jpg", DocType.export_license,
                      (300, 50, "MANUFACTURER Ningbo Geely Co., Ltd."), (320, 50, line))

    # The contract's seller and the B/L's shipper: the licence's exporter, its "Ltd." read
    # "Lid." under a caption read as nothing.
    found = licence("Shanghai Autostar Export Co., Lid. LSSYMJZJ6L 1485816")
    results = [_doc("contract.pdf", seller=seller, buyer="Kwame Mensah"),
               _doc("bl.jpg", "ocr", 0.9, shipper=seller.upper()), found]
    locate_unread(results)
    source = found.document.sources["exporter"]
    assert found.document.fields.exporter == seller
    assert source.raw == "Shanghai Autostar Export Co., Lid."
    assert "I→T at letter 26" in source.corrections
    # The buyer is never searched for: a B/L names it to notify whoever the consignee is.
    bl = _photo("bl2.jpg", DocType.bill_of_lading, (300, 50, "TO ORDER"),
                (320, 50, "NOTIFY Kwame Mensah"))
    locate_unread([_doc("a.pdf", buyer="Kwame Mensah"), _doc("b.pdf", consignee="Kwame Mensah"),
                   bl])
    assert bl.document.fields.consignee is None
    # Another company's name on the page is not the seller's.
    other = licence("Shanghai Autostar Trading Co., Ltd.")
    locate_unread([_doc("contract.pdf", seller=seller), _doc("bl.pdf", shipper=seller), other])
    assert other.document.fields.exporter is None


def test_a_name_blurred_in_its_spaces_and_letters_at_once_is_as_the_others_print_it():
    seller = "CHONGQING MINGYUAN AUTOMOBILE EXPORT CO., LTD."
    bl = _doc("bl.jpg", "ocr", 0.6, shipper="CHONGOING MINGYUAN AUTOMOBILE EXPORTCO.LTO.")
    agree_on_text([_doc("contract.pdf", seller=seller), _doc("licence.pdf", exporter=seller), bl])
    assert bl.document.fields.shipper == seller
    assert "look-alike" in bl.document.sources["shipper"].corrections[-2]
    # three look-alikes are a name of its own
    other = _doc("bl.jpg", "ocr", 0.6, shipper="CHONGOING MINGYUAN AUTOMOBILE EXPORTCO.LTO.L")
    agree_on_text([_doc("contract.pdf", seller=seller), _doc("licence.pdf", exporter=seller),
                   other])
    assert other.document.fields.shipper.endswith("LTO.L")


def test_the_exporter_named_on_a_registration_is_its_owner():
    seller = "Chongqing Mingyuan Automobile Export Co., Ltd."
    reg = _photo("registration.jpg", DocType.registration_certificate,
                 (300, 50, "Nam of Owe"), (320, 50, seller), (340, 50, "LI NA"))
    locate_unread([_doc("contract.pdf", seller=seller), _doc("licence.pdf", exporter=seller),
                   reg])
    assert reg.document.fields.owner == seller
    # a registration naming only a person: no owner found for it
    person = _photo("registration.jpg", DocType.registration_certificate,
                    (300, 50, "Nam of Owe"), (320, 50, "LI NA"))
    locate_unread([_doc("contract.pdf", seller=seller), _doc("licence.pdf", exporter=seller),
                   person])
    assert person.document.fields.owner is None


def test_a_photos_vin_with_three_5s_read_as_s_and_one_more_look_alike_is_put_right():
    # an F read as P, and three 5s as S: four confusions, the three of shape counting half
    real = "JTEAF5CB1EK551719"
    got = _vin_agreed(real, "JTEAPSCB1EKSS1719", 0.6)
    assert got.fields.vin == real
    assert "P→F at 5" in got.sources["vin"].corrections
    # four confusions none of them of shape are too many: A as 4, F as P, 7 as T, 1 as L
    read = "JTE4P5CB1EK551TL9"
    assert _vin_agreed(real, read, 0.6).fields.vin == read


def test_a_wmi_naming_another_maker_than_its_page_is_misread_in_its_letters():
    # JAM is Isuzu's; the page states a Honda, and the others JHM…, Honda's
    real, read = "JHMNTR5G3NA488657", "JAMNTRSG3NA488657"

    def photo(make):
        doc = _doc("vin.jpg", "ocr", 0.8, vin=read, make=make)
        doc.document.sources["make"] = doc.document.sources["make"].model_copy(
            update={"method": "ocr"})
        return doc

    results = [_doc("a.pdf", vin=real), _doc("b.pdf", vin=real), photo("Honda")]
    agree_on_vin(results)
    assert results[2].document.fields.vin == real
    assert "A→H at 2" in results[2].document.sources["vin"].corrections
    # a page stating no make, or Isuzu's, keeps what it reads
    for make in (None, "Isuzu"):
        results = [_doc("a.pdf", vin=real), _doc("b.pdf", vin=real), photo(make)]
        agree_on_vin(results)
        assert results[2].document.fields.vin == read, make


def test_small_letters_blurred_into_one_another_are_put_right_by_the_others():
    for field, read, real in [("seller", "Minato Treding Co., Ltd.", "Minato Trading Co., Ltd."),
                              ("port_of_discharge", "Mombese", "Mombasa"),
                              ("consignee", "Otena Kovaienko", "Olena Kovalenko"),
                              ("model", "Leat", "Leaf")]:
        results = [_doc("a.pdf", **{field: real}), _doc("b.pdf", **{field: real}),
                   _doc("c.jpg", "ocr", 0.8, **{field: read})]
        agree_on_text(results)
        assert getattr(results[2].document.fields, field) == real, read
    # their capitals do not look alike: "MOMBESE" is another word
    results = [_doc("a.pdf", port_of_discharge="MOMBASA"),
               _doc("b.pdf", port_of_discharge="MOMBASA"),
               _doc("c.jpg", "ocr", 0.8, port_of_discharge="MOMBESE")]
    agree_on_text(results)
    assert results[2].document.fields.port_of_discharge == "MOMBESE"


def test_a_make_under_an_unread_caption_is_found_where_the_others_say():
    # the registration's caption garbled ("SANS"), its manufacturer's name read
    reg = _photo("reg.jpg", DocType.registration_certificate,
                 (400, 50, "SANS Poer"), (420, 50, "Manufacturer Great Wall Motor Co., Ltd."))
    results = [_doc("contract.pdf", make="Great Wall"), _doc("spec.pdf", make="Great Wall"), reg]
    locate_unread(results)
    assert reg.document.fields.make == "Great Wall"
    assert reg.document.sources["make"].box[1] == 420
    # printed in capitals, it is still the make's common name, as the others state it
    caps = _photo("reg.jpg", DocType.registration_certificate,
                  (420, 50, "MANUFACTURER GREAT WALL MOTOR CO., LTD."))
    locate_unread([_doc("contract.pdf", make="Great Wall"), _doc("spec.pdf", make="Great Wall"),
                   caps])
    assert caps.document.fields.make == "Great Wall"
    assert caps.document.sources["make"].raw == "GREAT WALL"
    # a page that names another maker only keeps its make unread
    reg = _photo("reg.jpg", DocType.registration_certificate,
                 (420, 50, "Manufacturer Haval Motor Co., Ltd."))
    locate_unread([_doc("contract.pdf", make="Great Wall"), _doc("spec.pdf", make="Great Wall"),
                   reg])
    assert reg.document.fields.make is None


def test_a_3_read_as_a_brace_and_a_6_as_a_small_b_are_put_right_by_the_others():
    for read, real in [("Mazda}", "Mazda3"), ("Model }", "Model 3"), ("Gb", "G6")]:
        results = [_doc("a.pdf", model=real), _doc("b.pdf", model=real),
                   _doc("c.jpg", "ocr", 0.8, model=read)]
        agree_on_text(results)
        assert results[2].document.fields.model == real, read
    # a capital B is no 6
    results = [_doc("a.pdf", model="G6"), _doc("b.pdf", model="G6"),
               _doc("c.jpg", "ocr", 0.8, model="GB")]
    agree_on_text(results)
    assert results[2].document.fields.model == "GB"


def test_a_check_digit_that_fails_where_the_others_holds_is_the_misreading():
    # China's WMIs must hold their check digit: an S where only a digit or X stands, a 1
    # for a 9 beside a D read as 0
    for real, read in (("LGW0JEA04NR988838", "LGW0JEA0SNR988838"),
                       ("LSJD6GBF9N7658228", "LSJ06GBF1N7658228")):
        got = _vin_agreed(real, read, 0.6)
        assert got.fields.vin == real, read
        assert any(c.endswith("at 9") for c in got.sources["vin"].corrections)
    # a serial digit too is another car's VIN, its check digit wrong or not
    read = "LGW0JEA05NR988839"
    assert _vin_agreed("LGW0JEA04NR988838", read, 0.6).fields.vin == read
