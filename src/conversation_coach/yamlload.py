"""The one YAML loader for scenarios and rubrics.

Safe loading only, with the traps of PyYAML closed: aliases and anchors refused
(no billion laughs), duplicate keys refused, YAML 1.1 booleans such as `no`/`on`
refused unless quoted, `12:30` kept as text, a size cap and a depth cap. Every
error names the file, the line and the field; pydantic errors are mapped back
to the line of the offending field, with "did you mean" for unknown fields.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

MAX_BYTES = 1_000_000
MAX_DEPTH = 32

T = TypeVar("T", bound=BaseModel)
PathKey = tuple[Any, ...]


@dataclass
class Problem:
    """One thing wrong with a file, printable as `file:line: field: message`."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        field = self.field or "(top level)"
        return f"{self.file}:{self.line}: {field}: {self.message}"


class LoadError(Exception):
    """A file could not be loaded; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


_AMBIGUOUS_BOOL = re.compile(r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$")
_TRUE_FALSE = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")


class _StrictComposer(yaml.SafeLoader):
    """A SafeLoader that refuses anchors and aliases as soon as it meets them."""

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _NodeError(event.start_mark.line + 1, "aliases (*name) are not allowed")
        event = self.peek_event()
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _NodeError(event.start_mark.line + 1, f"anchors (&{anchor}) are not allowed")
        return super().compose_node(parent, index)


class _NodeError(Exception):
    def __init__(self, line: int, message: str, field: str = ""):
        self.line = line
        self.message = message
        self.field = field
        super().__init__(message)


def _field_name(path: PathKey) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _construct(node: yaml.Node, path: PathKey, lines: dict[PathKey, int], depth: int) -> Any:
    """Build plain Python data from a node tree, recording each path's line."""
    if depth > MAX_DEPTH:
        raise _NodeError(node.start_mark.line + 1, f"nested deeper than {MAX_DEPTH} levels", _field_name(path))
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        if node.tag not in ("tag:yaml.org,2002:map",):
            raise _NodeError(node.start_mark.line + 1, f"tag {node.tag} is not allowed", _field_name(path))
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _NodeError(key_node.start_mark.line + 1, "merge keys (<<) are not allowed", _field_name(path))
            if not isinstance(key_node, yaml.ScalarNode):
                raise _NodeError(key_node.start_mark.line + 1, "keys must be plain text", _field_name(path))
            key = key_node.value
            if key in out:
                first = lines.get(path + (key,), "?")
                raise _NodeError(
                    key_node.start_mark.line + 1,
                    f"duplicate key '{key}' (first given on line {first})",
                    _field_name(path + (key,)),
                )
            out[key] = _construct(value_node, path + (key,), lines, depth + 1)
            lines.setdefault(path + (key,), key_node.start_mark.line + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            raise _NodeError(node.start_mark.line + 1, f"tag {node.tag} is not allowed", _field_name(path))
        return [_construct(item, path + (i,), lines, depth + 1) for i, item in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    return _scalar(node, path)


def _scalar(node: yaml.ScalarNode, path: PathKey) -> Any:
    value = node.value
    explicit = node.tag not in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
                                "tag:yaml.org,2002:float", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
                                "tag:yaml.org,2002:value")
    if explicit and not node.tag.startswith("tag:yaml.org,2002:"):
        raise _NodeError(node.start_mark.line + 1, f"tag {node.tag} is not allowed", _field_name(path))
    if node.style is not None and node.style != "":
        return value  # quoted or block scalar: always text
    if _AMBIGUOUS_BOOL.match(value):
        raise _NodeError(
            node.start_mark.line + 1,
            f"'{value}' would be read as a yes/no value; put it in quotes (\"{value}\") for text, "
            "or write true/false",
            _field_name(path),
        )
    if _TRUE_FALSE.match(value):
        return value.lower() == "true"
    if _NULL.match(value):
        return None
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value):
        return float(value)
    return value  # everything else, including 12:30 and dates, stays text


def load_yaml_text(text: str, source: str) -> tuple[Any, dict[PathKey, int]]:
    """Parse YAML text strictly; return the data and a path -> line map."""
    lines: dict[PathKey, int] = {}
    try:
        loader = _StrictComposer(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except _NodeError as exc:
        raise LoadError([Problem(source, exc.line, exc.field, exc.message)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        message = " ".join(str(x) for x in (exc.context, exc.problem) if x) or "not valid YAML"
        raise LoadError([Problem(source, line, "", f"YAML syntax error: {message}")]) from None
    except yaml.YAMLError as exc:
        raise LoadError([Problem(source, 1, "", f"YAML error: {exc}")]) from None
    except RecursionError:
        raise LoadError([Problem(source, 1, "", f"nested deeper than {MAX_DEPTH} levels")]) from None
    if node is None:
        raise LoadError([Problem(source, 1, "", "the file is empty; expected a mapping of fields")])
    try:
        data = _construct(node, (), lines, 0)
    except _NodeError as exc:
        raise LoadError([Problem(source, exc.line, exc.field, exc.message)]) from None
    if not isinstance(data, dict):
        raise LoadError([Problem(source, node.start_mark.line + 1, "", "the top level must be a mapping of fields")])
    return data, lines


def read_text_file(path: Path, *, max_bytes: int = MAX_BYTES) -> str:
    """Read a UTF-8 text file with a size cap; errors become a LoadError naming the file."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise LoadError([Problem(source, 1, "", f"file is {size:,} bytes; the limit is {max_bytes:,}")])
        raw = path.read_bytes()
    except OSError as exc:
        raise LoadError([Problem(source, 1, "", f"cannot read the file: {exc.strerror or exc}")]) from None
    if b"\x00" in raw:
        raise LoadError([Problem(source, 1, "", "the file holds binary data (NUL bytes), not text")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise LoadError([Problem(source, line, "", "the file is not UTF-8 text")]) from None
    return text


def _model_for_loc(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """Walk a model's annotations along a pydantic `loc` to the model that owns its last part."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return None
            current = field.annotation
        elif isinstance(part, int) or typing.get_origin(current) in (list, dict, tuple):
            args = typing.get_args(current)
            current = args[-1] if args else None
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(tp: Any) -> Any:
    """Strip Optional/Annotated/list/dict wrappers down to a model class where one is inside."""
    for _ in range(6):
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            models = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = models[0] if len(models) == 1 else tp
            if len(models) != 1:
                break
        else:
            break
    return tp


def _closest_model_path(loc: tuple[Any, ...], lines: dict[PathKey, int]) -> int:
    for cut in range(len(loc), -1, -1):
        if loc[:cut] in lines:
            return lines[loc[:cut]]
    return 1


def validation_problems(exc: ValidationError, model: type[BaseModel], source: str,
                        lines: dict[PathKey, int]) -> list[Problem]:
    """Turn pydantic's errors into file:line problems, with "did you mean" for unknown fields."""
    problems = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        # Drop union/tagged discriminator parts that are not in the data.
        keys = _all_keys(lines)
        loc = tuple(p for i, p in enumerate(loc) if isinstance(p, int) or p in keys or i == len(loc) - 1)
        message = err["msg"]
        if err["type"] == "extra_forbidden" and loc:
            owner = _model_for_loc(model, loc[:-1])
            if owner is not None:
                known = list(owner.model_fields)
                guess = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
                message = f"unknown field '{loc[-1]}'"
                message += f"; did you mean '{guess[0]}'?" if guess else f"; expected one of: {', '.join(known)}"
        elif err["type"] == "missing":
            message = "is required but missing"
        problems.append(Problem(source, _closest_model_path(loc, lines), _field_name(loc), message))
    return problems


def _all_keys(lines: dict[PathKey, int]) -> set[Any]:
    return {part for path in lines for part in path}


def load_model(path: Path, model: type[T]) -> T:
    """Read, parse and validate one YAML file into `model`; raise LoadError with file:line on failure."""
    path = Path(path)
    text = read_text_file(path)
    return parse_model(text, str(path), model)


def parse_model(text: str, source: str, model: type[T]) -> T:
    data, lines = load_yaml_text(text, source)
    try:
        return model.model_validate(data, context={"source": source, "lines": lines})
    except ValidationError as exc:
        raise LoadError(validation_problems(exc, model, source, lines)) from None
