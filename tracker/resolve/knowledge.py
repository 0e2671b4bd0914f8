"""Curated knowledge: documented identities no rule can derive, place spellings and containment,
and the configured `aliases:`. Loaded from knowledge.yaml (shipped) plus an optional user file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from tracker.errors import ConfigError
from tracker.model import KINDS, Kind
from tracker.resolve.features import country_key, place_key


@dataclass(frozen=True)
class Identity:
    """One market under names that share nothing, with what that rests on."""

    id: str
    name: str
    kind: Kind
    names: tuple[str, ...]
    note: str
    country: str | None = None  # physical identities apply only within this country


@dataclass(frozen=True)
class Knowledge:
    identities: tuple[Identity, ...] = ()
    same_place: Mapping[str, str] = field(default_factory=dict)  # place key -> canonical key
    within: Mapping[str, frozenset[str]] = field(default_factory=dict)  # place key -> containers
    aliases: Mapping[str, str] = field(default_factory=dict)  # printed name -> market id or name

    @classmethod
    def builtin(cls, aliases: Mapping[str, str] | None = None) -> Knowledge:
        """The shipped table plus the configured aliases."""
        base = _builtin()
        return base if not aliases else base.extend(aliases=aliases)

    @classmethod
    def load(cls, path: Path, aliases: Mapping[str, str] | None = None) -> Knowledge:
        """The shipped table, extended by the file at `path` (same shape), plus aliases."""
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"{path}: cannot read the identity table: {exc}") from exc
        extra = parse(doc, str(path))
        return _builtin().extend(extra.identities, extra.same_place, extra.within, aliases or {})

    def extend(
        self,
        identities: tuple[Identity, ...] = (),
        same_place: Mapping[str, str] | None = None,
        within: Mapping[str, frozenset[str]] | None = None,
        aliases: Mapping[str, str] | None = None,
    ) -> Knowledge:
        merged_within = dict(self.within)
        for place, containers in (within or {}).items():
            merged_within[place] = merged_within.get(place, frozenset()) | containers
        return Knowledge(
            identities=self.identities + identities,
            same_place={**self.same_place, **(same_place or {})},
            within=merged_within,
            aliases={**self.aliases, **(aliases or {})},
        )

    def country_of(self, identity: Identity) -> str:
        return country_key(identity.country) if identity.country else ""


@cache
def _builtin() -> Knowledge:
    text = resources.files("tracker.resolve").joinpath("knowledge.yaml").read_text("utf-8")
    return parse(yaml.safe_load(text), "tracker/resolve/knowledge.yaml")


_IDENTITY_KEYS = {"id", "name", "kind", "names", "note", "country"}


def parse(doc: Any, where: str) -> Knowledge:
    """A knowledge table from its YAML form; any problem is one ConfigError naming the place."""
    if not isinstance(doc, dict) or set(doc) - {"identities", "places"}:
        raise ConfigError(f"{where}: expected a mapping with `identities` and `places`")
    identities = tuple(
        _identity(item, f"{where}: identities[{n}]")
        for n, item in enumerate(doc.get("identities") or [])
    )
    places = doc.get("places") or {}
    if not isinstance(places, dict) or set(places) - {"same", "within"}:
        raise ConfigError(f"{where}: places: expected `same` and `within`")
    same: dict[str, str] = {}
    for canonical, spellings in _lists(places.get("same"), f"{where}: places.same").items():
        for spelling in spellings:
            same[place_key(spelling)] = place_key(canonical)
    within: dict[str, frozenset[str]] = {}
    for place, containers in _lists(places.get("within"), f"{where}: places.within").items():
        key = same.get(place_key(place), place_key(place))
        within[key] = frozenset(same.get(place_key(c), place_key(c)) for c in containers)
    return Knowledge(identities, same, _close(within))


def _identity(item: Any, where: str) -> Identity:
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: expected a mapping")
    if unknown := set(item) - _IDENTITY_KEYS:
        raise ConfigError(
            f"{where}: unknown key {sorted(unknown)[0]!r} "
            "(valid: id, name, kind, names, note, country)"
        )
    for key in ("id", "kind", "names", "note"):
        if not item.get(key):
            raise ConfigError(f"{where}: `{key}` is required")
    if item["kind"] not in KINDS:
        raise ConfigError(f"{where}: kind: expected online or physical, got {item['kind']!r}")
    names = item["names"]
    if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
        raise ConfigError(f"{where}: names: expected a list of names")
    return Identity(
        id=str(item["id"]),
        name=str(item.get("name") or names[0]),
        kind=item["kind"],
        names=tuple(names),
        note=" ".join(str(item["note"]).split()),
        country=item.get("country"),
    )


def _lists(value: Any, where: str) -> dict[str, list[str]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a mapping of a place to a list of places")
    out = {}
    for key, items in value.items():
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ConfigError(f"{where}: {key}: expected a list of places")
        out[str(key)] = items
    return out


def _close(within: dict[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    """Containment is transitive: Ingeniero Budge is in Lomas de Zamora, hence in Buenos Aires."""
    closed = {k: set(v) for k, v in within.items()}
    changed = True
    while changed:
        changed = False
        for containers in closed.values():
            extra = set().union(*(closed.get(c, set()) for c in containers)) - containers
            if extra:
                containers |= extra
                changed = True
    return {k: frozenset(v) for k, v in closed.items()}
