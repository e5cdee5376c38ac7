"""Read the project's YAML data tables (makes, WMIs, ports, label patterns) safely and fast.

``yaml.safe_load`` parses in pure Python: the tables took ~120 ms of every run's start-up.
The same safe loader in libyaml's C (shipped in PyYAML's wheels) reads them in ~15 ms and
builds the same plain data; the pure-Python loader stays the fallback where PyYAML was built
without libyaml.
"""

from __future__ import annotations

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> object:
    """The plain data (dicts, lists, strings, numbers) of a YAML document; raises
    ``yaml.YAMLError`` on malformed text, like ``yaml.safe_load``."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
