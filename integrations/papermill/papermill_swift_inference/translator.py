"""Papermill parameters as Swift declarations for the swift-inference kernel.

Each parameter becomes `let name: Type = literal`. The type is the one the notebook's `parameters` cell
declares for that name (papermill reads that cell with `inspect` just before it writes the injected cell),
otherwise the value's own: Int, Double, Bool, String, `[T]`, `[K: V]`, `T?` when a collection holds
None, `Any` when it mixes types. The swift-inference kernel lets a later cell declare a name again, with
the same type or another, and later cells see the newest declaration, so redeclaring after the
`parameters` cell is what overrides a default.

The literals agree with `swift-inference execute -p` (Sources/NotebookRunner/Parameters/SwiftLiteral.swift):
same string escapes, floats written in their shortest round-trip form, an integer given for a Double
declaration written as `5.0`.
"""
from __future__ import annotations

import math
import re

from papermill.exceptions import PapermillException
from papermill.models import Parameter
from papermill.translators import Translator

INT_TYPES = {"Int", "Int64", "Int32", "Int16", "Int8", "UInt", "UInt64", "UInt32", "UInt16", "UInt8"}
FLOAT_TYPES = {"Double", "Float", "Float80", "CGFloat"}
INT64_RANGE = (-(2 ** 63), 2 ** 63 - 1)

KEYWORDS = {
    "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
    "internal", "let", "open", "operator", "private", "protocol", "public", "rethrows", "static", "struct",
    "subscript", "typealias", "var", "break", "case", "continue", "default", "defer", "do", "else",
    "fallthrough", "for", "guard", "if", "in", "repeat", "return", "switch", "where", "while", "as", "Any",
    "catch", "false", "is", "nil", "super", "self", "Self", "throw", "throws", "true", "try",
}

# `let name: Type = value // help` (or `var`), one per line, as the kernel's runner scans them too.
DECLARATION = re.compile(
    r"^\s*(?P<keyword>let|var)\s+(?P<name>`?[^\W\d]\w*`?)\s*(?::\s*(?P<type>[^=]+?))?\s*=\s*(?P<rest>.*)$")


class SwiftParameterError(PapermillException):
    """A parameter that cannot be written as Swift; the message names the parameter."""


ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0"}


def string_literal(text: str) -> str:
    """A Swift string literal: `\\`, quotes and control characters escaped, so `\\(` never interpolates."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in ESCAPES:
            out.append(ESCAPES[ch])
        elif code < 0x20 or code == 0x7F:
            out.append("\\u{%x}" % code)
        elif 0xD800 <= code <= 0xDFFF:
            # Python keeps undecodable command-line bytes as lone surrogates; Swift source is UTF-8.
            raise ValueError(f"the string holds an unpaired surrogate U+{code:04X}, which Swift cannot represent")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def float_literal(value: float, *, qualified: bool) -> str:
    """Shortest round-trip decimal; nan and ±infinity as `.nan`/`.infinity` (`Double.nan` where no
    type is known from the context, e.g. inside `[Any]`)."""
    if math.isnan(value):
        return "Double.nan" if qualified else ".nan"
    if math.isinf(value):
        name = "Double.infinity" if qualified else ".infinity"
        return name if value > 0 else "-" + name
    text = repr(value)
    return text if ("." in text or "e" in text) else text + ".0"


def _split_top_level(text: str, separator: str) -> list[str]:
    """Splits a type such as `[String: [Int: Bool]]` at separators outside brackets and angle brackets."""
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch in "[(<":
            depth += 1
        elif ch in "])>":
            depth -= 1
        if ch == separator and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p.strip() for p in parts]


def collection_type(swift_type: str):
    """('array', element) or ('dictionary', (key, value)) for `[E]`/`Array<E>`/`[K: V]`, else None."""
    t = swift_type.strip()
    if t.startswith("[") and t.endswith("]"):
        inner = _split_top_level(t[1:-1], ":")
        if len(inner) == 1:
            return "array", inner[0]
        if len(inner) == 2:
            return "dictionary", (inner[0], inner[1])
    if t.startswith("Array<") and t.endswith(">"):
        return "array", t[6:-1].strip()
    if t.startswith("Dictionary<") and t.endswith(">"):
        inner = _split_top_level(t[11:-1], ",")
        if len(inner) == 2:
            return "dictionary", (inner[0], inner[1])
    return None


def _unify(types: list[str | None]) -> str:
    has_nil = any(t is None for t in types)
    known = {t for t in types if t is not None}
    if not known:
        common = "Any"
    elif len(known) == 1:
        common = known.pop()
    elif known == {"Int", "Double"}:
        common = "Double"
    else:
        common = "Any"
    return common + "?" if has_nil else common


def natural_type(value) -> str | None:
    """The Swift type a value has on its own; None for None (its type comes from the context)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "Bool"
    if isinstance(value, int):
        return "Int"
    if isinstance(value, float):
        return "Double"
    if isinstance(value, str):
        return "String"
    if isinstance(value, (list, tuple)):
        return f"[{_unify([natural_type(v) for v in value])}]"
    if isinstance(value, dict):
        key = _unify([natural_type(k) for k in value.keys()])
        if key.endswith("?"):
            raise ValueError("a dictionary key is None; Swift dictionary keys cannot be nil")
        if key == "Any":
            key = "AnyHashable"
        return f"[{key}: {_unify([natural_type(v) for v in value.values()])}]"
    # Dates and other YAML values: papermill's own fallback, their text.
    return "String"


def literal(value, swift_type: str) -> str:
    """`value` as Swift source for a declaration of type `swift_type`; ValueError when it does not fit."""
    t = swift_type.strip()
    if t.endswith("?") or (t.startswith("Optional<") and t.endswith(">")):
        wrapped = t[:-1] if t.endswith("?") else t[9:-1]
        return "nil" if value is None else literal(value, wrapped)
    if value is None:
        raise ValueError(f"None (nil) does not fit the non-optional type {t}; declare it {t}?")
    collection = collection_type(t)
    if collection and collection[0] == "array":
        if not isinstance(value, (list, tuple)):
            raise ValueError(f"{value!r} is not a list, for type {t}")
        return "[" + ", ".join(literal(v, collection[1]) for v in value) + "]"
    if collection and collection[0] == "dictionary":
        if not isinstance(value, dict):
            raise ValueError(f"{value!r} is not a dictionary, for type {t}")
        key_type, value_type = collection[1]
        if not value:
            return "[:]"
        return "[" + ", ".join(f"{literal(k, key_type)}: {literal(v, value_type)}" for k, v in value.items()) + "]"
    if t in INT_TYPES:
        if isinstance(value, float) and value.is_integer() and abs(value) < 9e15:
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{value!r} is not a value of type {t}")
        if not INT64_RANGE[0] <= value <= INT64_RANGE[1]:
            raise ValueError(f"{value} does not fit a 64-bit {t}")
        return str(value)
    if t in FLOAT_TYPES:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{value!r} is not a value of type {t}")
        return f"{value}.0" if isinstance(value, int) else float_literal(value, qualified=False)
    if t == "Bool":
        if not isinstance(value, bool):
            raise ValueError(f"{value!r} is not a value of type Bool (true or false)")
        return "true" if value else "false"
    if t in ("String", "Substring", "Character"):
        if isinstance(value, (list, tuple, dict)):
            raise ValueError(f"{value!r} is not a value of type {t}")
        return string_literal(_plain_text(value))
    if t in ("Any", "AnyHashable"):
        return _any_literal(value)
    # A type of the user's own (Set<Int>, URL …): the value's literal, and the compiler checks it.
    own = natural_type(value)
    return _any_literal(value) if own is None or "Any" in own else literal(value, own)


def _any_literal(value) -> str:
    """A literal whose type the compiler can tell with no help: nested collections say theirs with `as`."""
    if isinstance(value, float):
        return float_literal(value, qualified=True)
    own = natural_type(value)
    if isinstance(value, (list, tuple, dict)):
        return f"{literal(value, own)} as {own}"
    return literal(value, own)


def _plain_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return float_literal(value, qualified=True)
    return str(value)


def identifier(name: str) -> str:
    """`name` as a Swift identifier (a keyword in backticks); ValueError for anything else."""
    bare = name[1:-1] if len(name) > 2 and name.startswith("`") and name.endswith("`") else name
    if not re.fullmatch(r"[^\W\d]\w*", bare):
        raise ValueError(f"'{name}' is not a Swift identifier")
    return f"`{bare}`" if bare in KEYWORDS else bare


def _strip_comment(rest: str) -> tuple[str, str]:
    """(value, help) from what follows `=`: a `//` outside string quotes starts the help text."""
    in_string = escaped = False
    for i, ch in enumerate(rest):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif rest.startswith("//", i):
            return rest[:i].strip(), rest[i + 2:].strip()
    return rest.strip(), ""


def _literal_type(text: str) -> str | None:
    """The type of a default written as a plain literal (`3`, `0.5`, `"a"`, `true`), else None."""
    if text in ("true", "false"):
        return "Bool"
    if re.fullmatch(r"[-+]?\d[\d_]*", text):
        return "Int"
    if re.fullmatch(r"[-+]?(\d[\d_]*)?\.?\d[\d_]*([eE][-+]?\d+)?", text):
        return "Double"
    if text.startswith('"') and text.endswith('"') and len(text) >= 2:
        return "String"
    return None


def declarations(source: str) -> dict[str, tuple[str, str | None, str, str]]:
    """name → (keyword, type or None, default text, help) for each simple top-level declaration."""
    found = {}
    for line in source.splitlines():
        match = DECLARATION.match(line)
        if not match:
            continue
        value, help_text = _strip_comment(match.group("rest"))
        name = match.group("name").strip("`")
        declared = match.group("type").strip() if match.group("type") else _literal_type(value)
        found[name] = (match.group("keyword"), declared, value, help_text)
    return found


class SwiftTranslator(Translator):
    """Papermill's Translator for Swift; registered for the language `swift`."""

    # What the last `inspect` read from a `parameters` cell. papermill.execute_notebook calls `inspect` on
    # the notebook's parameters cell right before `codify` (which is given no notebook); `codify` uses it
    # once and forgets it, so it cannot leak into another notebook's parameters.
    _declared: dict = {}

    @classmethod
    def comment(cls, cmt_str):
        return f"// {cmt_str}".strip()

    @classmethod
    def translate_none(cls, val):
        return "nil"

    @classmethod
    def translate_str(cls, val):
        return string_literal(val)

    @classmethod
    def translate_float(cls, val):
        return float_literal(val, qualified=True)

    @classmethod
    def translate_bool(cls, val):
        return "true" if val else "false"

    @classmethod
    def translate_list(cls, val):
        return _any_literal(list(val))

    @classmethod
    def translate_dict(cls, val):
        return _any_literal(val)

    @classmethod
    def declaration(cls, name, value, declared=None):
        """`let name: Type = literal`, with the keyword and type of `declared` = (keyword, type) if given."""
        keyword, swift_type = declared if declared and declared[1] else ((declared or ("let",))[0], None)
        try:
            swift_name = identifier(name)
            if swift_type is None:
                swift_type = natural_type(value) or "Any?"
            return f"{keyword} {swift_name}: {swift_type} = {literal(value, swift_type)}"
        except ValueError as error:
            raise SwiftParameterError(f"papermill parameter '{name}': {error}") from None

    @classmethod
    def codify(cls, parameters, comment="Parameters"):
        declared, cls._declared = cls._declared, {}
        lines = [cls.comment(comment)]
        for name, value in parameters.items():
            found = declared.get(name)
            lines.append(cls.declaration(name, value, (found[0], found[1]) if found else None))
        return "\n".join(lines) + "\n"

    @classmethod
    def inspect(cls, parameters_cell):
        found = declarations(parameters_cell.source)
        cls._declared = found
        return [Parameter(name=name, inferred_type_name=t or "None", default=default, help=help_text)
                for name, (_, t, default, help_text) in found.items()]
