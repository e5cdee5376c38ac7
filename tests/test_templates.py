import pytest

from extractors import templates
from verifier.models import DocType


def test_every_contract_document_type_but_media_has_a_template():
    have = set(templates.doctype_templates())
    media = {DocType.photo, DocType.video, DocType.unknown}
    assert have == set(DocType) - media


def test_a_type_lists_only_contract_fields_with_labels():
    for tpl in templates.doctype_templates().values():
        for f in tpl.fields:
            assert f.labels, (tpl.type, f.name)


@pytest.mark.parametrize("yaml_text, message", [
    ("fields:\n  vin: {parser: vin, labels: ['VIN(']}\n", "does not compile"),
    ("fields:\n  vin: {parser: nope, labels: ['VIN']}\n", "parser must be"),
    ("fields:\n  vinn: {parser: vin, labels: ['VIN']}\n", "not a contract field"),
    ("fields:\n  vin: {parser: vin, labels: ['(?:x)?']}\n", "matches the empty string"),
    ("nope: 1\n", "expected a mapping"),
])
def test_a_malformed_template_fails_loudly(tmp_path, monkeypatch, yaml_text, message):
    (tmp_path / "fields.yaml").write_text(yaml_text)
    monkeypatch.setattr(templates, "TEMPLATE_DIR", tmp_path)
    templates.field_templates.cache_clear()
    try:
        with pytest.raises(templates.TemplateError, match=message):
            templates.field_templates()
    finally:
        monkeypatch.undo()
        templates.field_templates.cache_clear()
        templates.doctype_templates.cache_clear()


def test_by_shape_names_only_fields_a_value_can_name_alone(tmp_path, monkeypatch):
    # a type's by_shape lists fields it states, among those whose value names itself
    assert templates.doctype_templates()[DocType.export_license].by_shape == {
        "document_number", "destination_country", "port_of_loading"}
    assert not templates.doctype_templates()[DocType.bill_of_lading].by_shape
    real = (templates.TEMPLATE_DIR / "doctypes.yaml").read_text()
    for bad in ("[seller]", "[port_of_discharge]"):
        (tmp_path / "doctypes.yaml").write_text(
            real.replace("by_shape: [document_number]", f"by_shape: {bad}", 1))
        (tmp_path / "fields.yaml").write_text(
            (templates.TEMPLATE_DIR / "fields.yaml").read_text())
        monkeypatch.setattr(templates, "TEMPLATE_DIR", tmp_path)
        templates.doctype_templates.cache_clear()
        try:
            with pytest.raises(templates.TemplateError, match="by_shape may name only"):
                templates.doctype_templates()
        finally:
            monkeypatch.undo()
            templates.field_templates.cache_clear()
            templates.doctype_templates.cache_clear()
