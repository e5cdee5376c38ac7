"""Load and validate the label and document-type templates kept as data in ``templates/``.

Unlike invoice2data, a malformed template fails loudly at start-up (:class:`TemplateError`):
an unknown field, an unknown parser, a pattern that does not compile or matches the empty
string would otherwise quietly lose a field on every document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from verifier.models import FIELD_NAMES, DocType
from verifier.yamldata import load_yaml

TEMPLATE_DIR = Path(__file__).with_name("templates")
PARSERS = frozenset(
    {
        "vin",
        "make",
        "text",
        "year",
        "km",
        "displacement",
        "fuel",
        "transmission",
        "color",
        "identifier",
        "date",
        "party",
        "place",
        "country",
        "vessel",
        "money",
        "block",
    }
)
# Fields found without a label (in free text or tables) rather than through label templates.
UNLABELLED_FIELDS = frozenset(
    {
        "chassis_number",
        "currency",
        "container_numbers",
        "mileage_entries",
        "engine_displacement_precision_cc",
    }
)


# Fields whose value can name itself once its caption is unread (fields._self_naming), on the
# types whose `by_shape` lists them: a type with a second identifier or a second country in
# its usual layout must not guess between them.
SHAPE_FIELDS = frozenset({"document_number", "destination_country", "port_of_loading"})


class TemplateError(ValueError):
    """A template file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class FieldTemplate:
    name: str
    parser: str
    labels: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class DocTypeTemplate:
    type: DocType
    titles: tuple[re.Pattern[str], ...]
    keywords: tuple[re.Pattern[str], ...]
    fields: tuple[FieldTemplate, ...]
    by_shape: frozenset[str] = frozenset()
    title_words: tuple[re.Pattern[str], ...] = ()


def _compile(pattern: object, where: str) -> re.Pattern[str]:
    if not isinstance(pattern, str) or not pattern:
        raise TemplateError(f"{where}: a pattern must be a non-empty string, got {pattern!r}")
    try:
        rx = re.compile(r"(?<![A-Za-z0-9])(?:" + pattern + ")", re.IGNORECASE)
    except re.error as exc:
        raise TemplateError(f"{where}: pattern {pattern!r} does not compile: {exc}") from exc
    if rx.fullmatch(""):
        raise TemplateError(f"{where}: pattern {pattern!r} matches the empty string")
    return rx


def _load_yaml(name: str, top: str) -> dict:
    path = TEMPLATE_DIR / name
    data = load_yaml(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get(top), dict):
        raise TemplateError(f"{path}: expected a mapping under '{top}'")
    return data[top]


@cache
def field_templates() -> dict[str, FieldTemplate]:
    out = {}
    for name, spec in _load_yaml("fields.yaml", "fields").items():
        where = f"fields.yaml: {name}"
        if name not in FIELD_NAMES:
            raise TemplateError(f"{where}: not a contract field")
        if not isinstance(spec, dict) or spec.get("parser") not in PARSERS:
            raise TemplateError(f"{where}: parser must be one of {sorted(PARSERS)}")
        labels = tuple(_compile(p, where) for p in spec.get("labels") or ())
        out[name] = FieldTemplate(name, spec["parser"], labels)
    return out


OTHER = "_other"


@cache
def other_labels() -> FieldTemplate:
    """Labels of things no field records (Notify Party, Engine No., Seats...): knowing them
    tells where a label ends and a value begins, and keeps them from being read as values."""
    where = "fields.yaml: other_labels"
    patterns = _load_yaml("fields.yaml", "other_labels").get("labels") or ()
    return FieldTemplate(OTHER, "text", tuple(_compile(p, where) for p in patterns))


@cache
def doctype_templates() -> dict[DocType, DocTypeTemplate]:
    generic = field_templates()
    out = {}
    for name, spec in _load_yaml("doctypes.yaml", "doctypes").items():
        where = f"doctypes.yaml: {name}"
        try:
            dtype = DocType(name)
        except ValueError:
            raise TemplateError(f"{where}: not a contract document type") from None
        extra = spec.get("labels") or {}
        fields = []
        for fname in spec.get("fields") or ():
            if fname in UNLABELLED_FIELDS:
                continue
            if fname not in generic:
                raise TemplateError(f"{where}: field {fname!r} has no template in fields.yaml")
            base = generic[fname]
            own = tuple(_compile(p, f"{where}: {fname}") for p in extra.get(fname, ()))
            # A type's own labels go first: they say what a bare "Date" means here.
            fields.append(FieldTemplate(fname, base.parser, own + base.labels))
        unknown = set(extra) - {f for f in spec.get("fields") or ()}
        if unknown:
            raise TemplateError(f"{where}: labels for fields it does not list: {sorted(unknown)}")
        by_shape = frozenset(spec.get("by_shape") or ())
        if not by_shape <= SHAPE_FIELDS & set(spec.get("fields") or ()):
            raise TemplateError(
                f"{where}: by_shape may name only fields it lists among {sorted(SHAPE_FIELDS)}"
            )
        titles = tuple(_compile(p, f"{where}: title") for p in spec.get("titles") or ())
        keywords = tuple(_compile(p, f"{where}: keyword") for p in spec.get("keywords") or ())
        words = tuple(_compile(p, f"{where}: title word") for p in spec.get("title_words") or ())
        if not titles:
            raise TemplateError(f"{where}: needs at least one title pattern")
        out[dtype] = DocTypeTemplate(dtype, titles, keywords, tuple(fields), by_shape, words)
    return out


@cache
def stated_fields(dtype: DocType) -> frozenset[str]:
    """Every field a document of this type may state (labelled or not)."""
    spec = _load_yaml("doctypes.yaml", "doctypes").get(dtype.value, {})
    listed = set(spec.get("fields") or ())
    # Values that come with another: a displacement's precision, a price's currency.
    if "engine_displacement_cc" in listed:
        listed.add("engine_displacement_precision_cc")
    if "price" in listed:
        listed.add("currency")
    return frozenset(listed)
