"""Reading a configuration file safely, and saying what is wrong with it without echoing it.

The file is YAML, at most MAX_BYTES, UTF-8, read with a SafeLoader that allows a few aliases
(`&anchor` / `*anchor`) and refuses a document that grows past MAX_NODES once they are expanded
(a 372-byte "billion laughs" would otherwise expand to hundreds of megabytes). Errors name the
key and show a bounded excerpt of the value; values that may hold a secret (webhook and Apprise
URLs, the database URL) are never shown. `redacted()` is the document `nml-tracker config`
prints: webhook URLs cut to scheme and host, Apprise URLs to their scheme, the database password
masked.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from tracker.errors import ConfigError
from tracker.origins import excerpt

MAX_BYTES = 1024 * 1024  # a configuration file larger than this is refused
MAX_ALIASES = 100
MAX_NODES = 100_000  # scalars, lists and mappings, aliases expanded
MAX_ERRORS = 20  # error lines printed; the rest are counted
_SECRET_KEYS = (("alerts", "webhooks"), ("alerts", "apprise"), ("database_url",))


class _Loader(yaml.SafeLoader):
    """SafeLoader that counts aliases."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise yaml.YAMLError(f"more than {MAX_ALIASES} aliases (*name)")
        return super().compose_node(parent, index)


def read_yaml(file: Path, label: str) -> Any:
    try:
        with file.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{label}: cannot read: {exc.strerror}") from exc
    if len(data) > MAX_BYTES:
        raise ConfigError(f"{label}: larger than {MAX_BYTES >> 20} MB: not a configuration file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{label}: not UTF-8 text (byte {exc.start}): save the file as UTF-8"
        ) from None
    try:
        loader = _Loader(text)
        try:
            raw = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise ConfigError(f"{label}: not valid YAML: {str(exc)[:300]}".replace("\n", " ")) from None
    if _nodes(raw, MAX_NODES) > MAX_NODES:
        raise ConfigError(
            f"{label}: more than {MAX_NODES} values once its aliases are expanded: "
            "not a configuration file"
        )
    return raw


def _nodes(value: Any, limit: int) -> int:
    """How many values `value` holds, aliases expanded; stops counting past `limit`."""
    count, stack = 0, [value]
    while stack and count <= limit:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return count


_EXPECTED = {
    "int_parsing": "expected an integer",
    "int_type": "expected an integer",
    "int_from_float": "expected an integer",
    "float_parsing": "expected a number",
    "float_type": "expected a number",
    "bool_parsing": "expected true or false",
    "bool_type": "expected true or false",
    "string_type": "expected a string",
    "list_type": "expected a list",
    "tuple_type": "expected a list",
    "dict_type": "expected a mapping",
    "model_type": "expected a mapping",
    "model_attributes_type": "expected a mapping",
    "path_type": "expected a path",
}


def describe(label: str, exc: ValidationError, root: type[BaseModel]) -> str:
    """One line per problem (at most MAX_ERRORS), naming the key, the value in excerpt."""
    errors = exc.errors()
    lines = [_line(label, err, root) for err in errors[:MAX_ERRORS]]
    if len(errors) > MAX_ERRORS:
        lines.append(f"{label}: and {len(errors) - MAX_ERRORS} more problem(s)")
    return "\n".join(lines)


def _line(label: str, err: Any, root: type[BaseModel]) -> str:
    loc = [str(p) for p in err["loc"]]
    where = ".".join(loc) or "(top level)"
    secret = any(tuple(loc[: len(k)]) == k for k in _SECRET_KEYS)
    got = "a value not shown (it may hold a secret)" if secret else excerpt(err["input"])
    if err["type"] == "extra_forbidden":
        valid = ", ".join(sorted(_fields_at(root, loc[:-1])))
        return f"{label}: {where}: unknown key (valid keys: {valid})"
    if err["type"] in _EXPECTED:
        return f"{label}: {where}: {_EXPECTED[err['type']]}, got {got}"
    msg = err["msg"].removeprefix("Value error, ")[:300]
    tail = "" if "got" in msg or isinstance(err["input"], dict) else f", got {got}"
    return f"{label}: {where}: {msg[:1].lower()}{msg[1:]}{tail}"


def _fields_at(root: type[BaseModel], loc: list[str]) -> list[str]:
    model: Any = root
    for part in loc:
        if part.isdigit():
            continue
        field = model.model_fields.get(part)
        annotation = getattr(field, "annotation", None)
        args = getattr(annotation, "__args__", ()) or ()
        model = next(
            (a for a in (annotation, *args) if isinstance(a, type) and issubclass(a, BaseModel)),
            None,
        )
        if model is None:
            return []
    return list(model.model_fields)


def mask_url(url: str) -> str:
    """A URL that may carry a token, cut to its scheme and host: `https://hooks.slack.com/…`."""
    m = re.match(r"^([a-z][a-z0-9+.-]*)://(?:[^@/]*@)?([^/?#:]*)", url.strip(), re.I)
    return f"{m.group(1)}://{m.group(2)}/…" if m else "…"


def mask_password(url: str) -> str:
    """A database URL with its password masked: `postgresql://user:***@host/db`."""
    return re.sub(r"^([^:/]+://[^:/@]*):[^@/]*@", r"\1:***@", url)


def redacted(doc: dict[str, Any]) -> dict[str, Any]:
    """The configuration as `nml-tracker config` prints it: no secret in it."""
    alerts = dict(doc.get("alerts") or {})
    alerts["webhooks"] = [
        {**w, "url": mask_url(str(w.get("url", "")))} for w in alerts.get("webhooks") or []
    ]
    alerts["apprise"] = [str(u).split("://", 1)[0] + "://…" for u in alerts.get("apprise") or []]
    out = {**doc, "alerts": alerts}
    if "database_url" in out:
        out["database_url"] = mask_password(str(out["database_url"]))
    return out
