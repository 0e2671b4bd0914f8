"""The engines by name: each module has `available()` and `render(content, look)`."""

from __future__ import annotations

from types import ModuleType

from tests.typeset import docx_engine, html_engine, typst_engine

ENGINES: dict[str, ModuleType] = {
    "html": html_engine,
    "typst": typst_engine,
    "docx": docx_engine,
}
