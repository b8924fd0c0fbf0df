"""What YAML made of a bare word or number in a run config, for its error message.

YAML 1.1 (PyYAML's safe loader) reads an unquoted `True`, `yes`, `no`, `on` or `off` as
a boolean and `1` or `2.5` as a number. Where the config wants text (an interaction type
`types: {complaint: [yes]}`, a column `columns: {customer_id: 7}`), pydantic said only
"Input should be a valid string", which names neither the cause nor the remedy. The
scalar's own spelling is kept in YAML's node tree (the loaded value is already `True`),
so this reads it there, with its line, to say: quote it as written.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

READ_AS = {
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
}
"""The tags of a plain scalar YAML resolves to no text, in words."""


def unquoted_note(text: str, where: tuple[str | int, ...], value: Any) -> str | None:
    """The remedy for the plain scalar at `where` (the config's own keys and indexes)
    that YAML read as `value`, a boolean or a number where text is wanted: 'YAML read
    the unquoted yes (line 6) as a boolean (True), not text: quote it, "yes"'. None
    where `text` holds no such scalar there (a value pydantic built, a quoted one)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    if where[-1:] == ("[key]",):  # a mapping's key, or an item of a list read as one
        node = _item_loading_as(_node_at(root, where[:-2]), value)
    else:
        node = _node_at(root, where)
    if not isinstance(node, ScalarNode) or node.style is not None or node.tag not in READ_AS:
        return None
    line = node.start_mark.line + 1
    return (
        f"YAML read the unquoted {node.value} (line {line}) as {READ_AS[node.tag]} "
        f'({value!r}), not text: quote it, "{node.value}"'
    )


def _node_at(node: Node | None, where: tuple[str | int, ...]) -> Node | None:
    """The node a path of mapping keys and sequence indexes leads to, else None."""
    for step in where:
        if isinstance(node, MappingNode):
            node = next((value for key, value in node.value if _names(key, step)), None)
        elif isinstance(node, SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            return None
    return node


def _item_loading_as(node: Node | None, value: Any) -> Node | None:
    """The plain scalar among a sequence's items or a mapping's keys that loads as
    `value` (of its type: True is no 1)."""
    if isinstance(node, MappingNode):
        items = [key for key, _ in node.value]
    elif isinstance(node, SequenceNode):
        items = list(node.value)
    else:
        return None
    for item in items:
        if isinstance(item, ScalarNode) and item.style is None and item.tag in READ_AS:
            loaded = yaml.safe_load(item.value)
            if type(loaded) is type(value) and loaded == value:
                return item
    return None


def _names(key: Node, step: str | int) -> bool:
    """Whether a mapping's key node is the loaded key `step` (a bare `on:` loads as True)."""
    if not isinstance(key, ScalarNode):
        return False
    if isinstance(step, bool):
        return key.tag == "tag:yaml.org,2002:bool" and key.value.lower() in (
            ("true", "yes", "on") if step else ("false", "no", "off")
        )
    return key.value == str(step)


NULL = "tag:yaml.org,2002:null"


def marked_line(text: str, mark: yaml.Mark) -> str:
    """The line of `text` a YAML mark points into, as its columns count it: without a
    byte-order mark, which PyYAML skips."""
    return text.lstrip("\ufeff").splitlines()[mark.line]


def split_by_comma_note(text: str, where: tuple[str | int, ...]) -> str | None:
    """The remedy for a key without a value in a `{ }` mapping that a comma inside the
    entry before it made: `{Channel: acquisition channel (0 online, 1 offline)}` read `1
    offline)` as a key of its own, and pydantic said "Input should be a valid string" of
    it. None where `where` is no such key."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    parent = _node_at(root, where[:-1])
    if not isinstance(parent, MappingNode) or not parent.flow_style:
        return None
    entries = parent.value
    at = next((k for k, (key, _) in enumerate(entries) if _names(key, where[-1])), None)
    if not at or not isinstance(entries[at][1], ScalarNode) or entries[at][1].tag != NULL:
        return None  # the first entry has no entry before it to have split
    end = entries[at][0].end_mark
    if marked_line(text, end)[end.column :].lstrip().startswith(":"):
        return None  # `horizon_days: }`, a value left blank, not split off
    before = entries[at - 1][1]
    if not isinstance(before, ScalarNode) or before.style is not None:
        return None
    whole = f"{before.value}, {entries[at][0].value}"
    return (
        f"YAML read {entries[at][0].value!r} (line {entries[at][0].start_mark.line + 1}) as a "
        f'key of its own: a comma inside {{ }} ends an entry; quote the value, "{whole}"'
    )
