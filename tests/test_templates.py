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
