"""What changed in a signed PDF after signing: pyHanko's difference analysis, corrected for us.

ISO 32000-1 §12.8 (and ISO 32000-2 §12.8.2.2) let a signed PDF grow by *incremental updates*
appended after the signed bytes; PAdES (ETSI EN 319 142-1 §5.4) lets those updates add further
signatures, document timestamps and validation data (the DSS). pyHanko's
:class:`~pyhanko.sign.diff_analysis.StandardDiffPolicy` compares every later revision with the
signed one and clears each changed object through whitelisting rules (reject by default).

Two of its choices reject legitimate countersignatures, which would make a buyer's signature
break the seller's. :class:`EscrowDiffPolicy` corrects them, and nothing else:

* **Object freeing.** pyHanko rejects *any* revision whose xref section frees an object
  (``reject_object_freeing``), even one that did not exist, or was already free, in the
  signed revision — which is what iText 7/9 write when they add a signature
  (corpus control ``mdp/itext_outlinesNotModified.pdf`` frees objects 18 and 29: 18 was
  already free at signing, 29 never existed). Turning the option off is no fix: pyHanko then
  crashes resolving the freed objects in strict mode. We reject freeing of every object
  that was *live* in the signed revision (that is deleting signed content) and clear the
  freeing of objects that were not (:class:`FreedDeadObjectsRule`).
* **Tagged PDFs.** pyHanko's rules know nothing of the structure tree (ISO 32000-1 §14.7),
  so an update that files the new signature widget in it — a ``/Form`` structure element
  whose ``/K`` is an ``OBJR`` to the new widget, appended to its parent's ``/K``, and the
  ``/ParentTree`` re-written with the widget's ``/StructParent`` key — is "unexplained"
  (same control file). :class:`SignatureStructureRule` clears exactly that: every mapping of
  the old parent tree kept (compared dereferenced), new keys only to the new ``/Form``
  elements, parents that only gain those elements, nothing else changed. The structure tree
  does not render; a ``/Form`` element for a signature widget cannot change what a page shows.

* **Fields named but not written.** pyHanko's ``changed_form_fields`` names every field
  for which its form rule *proposes* an appearance update, whether or not the revision wrote
  it: a countersignature on a contract with a text field "changes" that field. We keep only
  the fields whose objects the revision's xref section really lists.

What this module does *not* do is decide whether the remaining changes are acceptable for
escrow (pyHanko clears form filling of any field at ``FORM_FILLING``): that is the verdict in
:mod:`checks.signatures`, together with the byte-level checks in :mod:`checks.pdf_updates`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import HistoricalResolver
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    DiffResult,
    ModificationLevel,
    QualifiedWhitelistRule,
    ReferenceUpdate,
    StandardDiffPolicy,
    SuspiciousModification,
    WhitelistRule,
)


def _absent_in(old: HistoricalResolver, ref: generic.Reference) -> bool:
    """True when ``ref`` was not a live object in revision ``old`` (free or never assigned)."""
    try:
        return isinstance(old(ref), generic.NullObject)
    except Exception:  # noqa: BLE001 - unreadable there: assume it was live (conservative)
        return False


class FreedDeadObjectsRule(WhitelistRule):
    """Clears xref ``f`` entries for objects that were not live in the signed revision."""

    def apply(self, old: HistoricalResolver, new: HistoricalResolver) -> Iterable[ReferenceUpdate]:
        for ref in new.refs_freed_in_revision():
            if _absent_in(old, ref):
                yield ReferenceUpdate(ref)


def _ref(obj) -> generic.Reference | None:
    return obj.reference if isinstance(obj, generic.IndirectObject) else None


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, generic.ArrayObject) else [value]


def _get(resolver: HistoricalResolver, ref: generic.Reference):
    try:
        return resolver(ref)
    except Exception:  # noqa: BLE001 - unreadable object: the rule simply does not apply
        return None


def _is_sig_widget(obj) -> bool:
    if not isinstance(obj, generic.DictionaryObject) or obj.get("/Subtype") != "/Widget":
        return False
    field = obj
    for _ in range(32):  # /FT is inheritable from /Parent
        if "/FT" in field:
            return field.get("/FT") == "/Sig"
        parent = field.get("/Parent")
        if not isinstance(parent, generic.DictionaryObject):
            return False
        field = parent
    return False


def _deref(resolver: HistoricalResolver, value):
    ref = _ref(value)
    return _get(resolver, ref) if ref is not None else value


class SignatureStructureRule(QualifiedWhitelistRule):
    """Clears the structure-tree bookkeeping of a newly added signature widget (tagged PDF)."""

    level = ModificationLevel.FORM_FILLING

    def apply_qualified(
        self, old: HistoricalResolver, new: HistoricalResolver
    ) -> Iterator[tuple[ModificationLevel, ReferenceUpdate]]:
        explicit = set(new.explicit_refs_in_revision())
        root_ref = (
            _ref(old.root.raw_get("/StructTreeRoot")) if "/StructTreeRoot" in old.root else None
        )
        if root_ref is None or "/StructTreeRoot" not in new.root:
            return
        if _ref(new.root.raw_get("/StructTreeRoot")) != root_ref:
            return
        fresh = {r for r in explicit if _absent_in(old, r)}
        widgets = {r for r in fresh if _is_sig_widget(_get(new, r))}
        forms = {r for r in fresh if self._is_form_element(new, r, widgets)}
        if not forms:
            return
        approved: set[generic.Reference] = set(forms)
        for ref in explicit - fresh:
            if ref == root_ref:
                continue
            o, n = _get(old, ref), _get(new, ref)
            if (
                isinstance(o, generic.DictionaryObject)
                and o.get("/Type", "/StructElem") == "/StructElem"
                and "/S" in o
                and self._only_kids_added(o, n, forms, ignore=())
            ):
                approved.add(ref)
        if root_ref in explicit:
            tree_refs = self._parent_tree_ok(old, new, root_ref, forms, fresh)
            if tree_refs is None:
                return
            approved |= tree_refs | {root_ref}
        for ref in approved:
            yield self.level, ReferenceUpdate(ref)

    @staticmethod
    def _is_form_element(new: HistoricalResolver, ref, widgets: set) -> bool:
        elem = _get(new, ref)
        if not isinstance(elem, generic.DictionaryObject) or elem.get("/S") != "/Form":
            return False
        kids = _as_list(elem.raw_get("/K") if "/K" in elem else None)
        if not kids:
            return False
        for kid in kids:
            objr = _deref(new, kid)
            if not isinstance(objr, generic.DictionaryObject) or objr.get("/Type") != "/OBJR":
                return False
            if _ref(objr.raw_get("/Obj")) not in widgets:
                return False
        return True

    @staticmethod
    def _only_kids_added(o, n, added: set, ignore: Iterable[str]) -> bool:
        if not isinstance(n, generic.DictionaryObject):
            return False
        skip = {"/K", *ignore}
        if {k for k in o if k not in skip} != {k for k in n if k not in skip}:
            return False
        if any(o.raw_get(k) != n.raw_get(k) for k in o if k not in skip):
            return False
        old_k = _as_list(o.raw_get("/K") if "/K" in o else None)
        new_k = _as_list(n.raw_get("/K") if "/K" in n else None)
        head, tail = new_k[: len(old_k)], new_k[len(old_k) :]
        return head == old_k and bool(tail) and all(_ref(x) in added for x in tail)

    def _parent_tree_ok(self, old, new, root_ref, forms: set, fresh: set):
        """The refs making up the new /ParentTree when it keeps every old mapping and only adds
        keys for the new /Form elements; None otherwise."""
        o_root, n_root = _get(old, root_ref), _get(new, root_ref)
        if not isinstance(o_root, generic.DictionaryObject) or not isinstance(
            n_root, generic.DictionaryObject
        ):
            return None
        tree_keys = ("/ParentTree", "/ParentTreeNextKey")
        same_k = (
            o_root.raw_get("/K") == n_root.raw_get("/K") if "/K" in o_root else "/K" not in n_root
        )
        if same_k:
            others = {k for k in set(o_root) | set(n_root) if k not in ("/K", *tree_keys)}
            if any(k not in o_root or k not in n_root for k in others):
                return None
            if any(o_root.raw_get(k) != n_root.raw_get(k) for k in others):
                return None
        elif not self._only_kids_added(o_root, n_root, forms, ignore=tree_keys):
            return None
        try:
            if int(n_root.get("/ParentTreeNextKey", 0)) < int(o_root.get("/ParentTreeNextKey", 0)):
                return None
        except (TypeError, ValueError):
            return None
        old_map, old_nodes = _number_tree(
            old, o_root.raw_get("/ParentTree") if "/ParentTree" in o_root else None
        )
        new_map, new_nodes = _number_tree(
            new, n_root.raw_get("/ParentTree") if "/ParentTree" in n_root else None
        )
        if old_map is None or new_map is None:
            return None
        if any(new_map.get(key) != value for key, value in old_map.items()):
            return None
        form_values = {("ref", _as_key(f)) for f in forms}
        if any(new_map[key] not in form_values for key in set(new_map) - set(old_map)):
            return None
        # the tree's own objects must be new ones, or nodes of the old tree
        if not new_nodes <= (fresh | old_nodes):
            return None
        return new_nodes


def _as_key(ref: generic.Reference) -> tuple[int, int]:
    return (ref.idnum, ref.generation)


def _canonical_value(resolver, value):
    """A parent-tree value compared by meaning: a struct element reference, or an array of them
    (inline or indirect, which writers re-serialise freely)."""
    obj = _deref(resolver, value)
    if isinstance(obj, generic.ArrayObject):
        return ("arr", tuple(_as_key(r) if (r := _ref(e)) is not None else repr(e) for e in obj))
    ref = _ref(value)
    return ("ref", _as_key(ref)) if ref is not None else ("val", repr(value))


def _number_tree(resolver, node_value, depth: int = 0):
    """Flatten a number tree (ISO 32000-1 §7.9.7): ({key: canonical value}, {refs of its own
    objects}); (None, set()) when malformed."""
    mapping: dict[int, tuple] = {}
    nodes: set[generic.Reference] = set()
    if node_value is None:
        return mapping, nodes
    if depth > 32:
        return None, nodes
    ref = _ref(node_value)
    if ref is not None:
        nodes.add(ref)
    node = _deref(resolver, node_value)
    if not isinstance(node, generic.DictionaryObject):
        return None, nodes
    if "/Nums" in node:
        nums_raw = node.raw_get("/Nums")
        if (r := _ref(nums_raw)) is not None:
            nodes.add(r)
        nums = _deref(resolver, nums_raw)
        if not isinstance(nums, generic.ArrayObject) or len(nums) % 2:
            return None, nodes
        for i in range(0, len(nums), 2):
            value = nums.raw_get(i + 1)
            if (r := _ref(value)) is not None and isinstance(
                _get(resolver, r), generic.ArrayObject
            ):
                nodes.add(r)
            mapping[int(nums[i])] = _canonical_value(resolver, value)
    if "/Kids" in node:
        kids = _deref(resolver, node.raw_get("/Kids"))
        if not isinstance(kids, generic.ArrayObject):
            return None, nodes
        for kid in (kids.raw_get(i) for i in range(len(kids))):
            sub, sub_nodes = _number_tree(resolver, kid, depth + 1)
            nodes |= sub_nodes
            if sub is None:
                return None, nodes
            mapping.update(sub)
    return mapping, nodes


class EscrowDiffPolicy(StandardDiffPolicy):
    """pyHanko's default policy plus the two corrections above; freeing a live object of the
    signed revision stays a suspicious modification."""

    def __init__(self) -> None:
        super().__init__(
            global_rules=[
                *DEFAULT_DIFF_POLICY.global_rules,
                FreedDeadObjectsRule().as_qualified(ModificationLevel.LTA_UPDATES),
                SignatureStructureRule(),
            ],
            form_rule=DEFAULT_DIFF_POLICY.form_rule,
            reject_object_freeing=False,
        )

    def apply(self, old, new, field_mdp_spec=None, doc_mdp=None):
        live = sorted(
            (r for r in new.refs_freed_in_revision() if not _absent_in(old, r)),
            key=lambda r: (r.idnum, r.generation),
        )
        if live:
            raise SuspiciousModification(
                "objects of the signed revision were deleted: "
                + ", ".join(f"{r.idnum} {r.generation} R" for r in live)
            )
        result = super().apply(old, new, field_mdp_spec=field_mdp_spec, doc_mdp=doc_mdp)
        return DiffResult(result.modification_level, self._fields_written(old, new))

    def _fields_written(self, old, new) -> set[str]:
        """The fields this revision really re-wrote. pyHanko's ``changed_form_fields`` also
        names fields whose objects the revision never touched (it proposes an appearance
        update for every field it walks), so a countersignature on a form would seem to
        change the other fields."""
        written = set(new.explicit_refs_in_revision())
        return {
            fu.field_name
            for _level, fu in self.form_rule.apply(old, new)
            if fu.field_name and not fu.valid_when_locked and fu.updated_ref in written
        }


ESCROW_DIFF_POLICY = EscrowDiffPolicy()
