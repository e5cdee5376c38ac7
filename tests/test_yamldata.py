"""The data tables' YAML reader: safe, and the same data as PyYAML's safe loader."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from verifier.yamldata import load_yaml

ROOT = Path(__file__).resolve().parents[1]
TABLES = sorted(
    p
    for d in ("checks/data", "extractors/data", "extractors/templates")
    for p in (ROOT / d).glob("*.yaml")
)


def test_every_table_is_found():
    names = {p.name for p in TABLES}
    assert {"wmi.yaml", "makes.yaml", "fields.yaml", "doctypes.yaml", "ports.yaml"} <= names


@pytest.mark.parametrize("path", TABLES, ids=lambda p: p.name)
def test_same_data_as_the_pure_python_safe_loader(path):
    text = path.read_text(encoding="utf-8")
    assert load_yaml(text) == yaml.safe_load(text)


def test_python_objects_are_refused():
    with pytest.raises(yaml.YAMLError):
        load_yaml("!!python/object/apply:os.system ['echo pwned']")


def test_malformed_text_raises_yaml_error():
    with pytest.raises(yaml.YAMLError):
        load_yaml("brands: [unclosed")


def test_uses_libyaml_where_pyyaml_has_it():
    from verifier import yamldata

    if yaml.__with_libyaml__:
        assert yamldata._LOADER is yaml.CSafeLoader
