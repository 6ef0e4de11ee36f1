"""Reading YAML documents that must be a mapping (profiles, measure catalogues), safely.

Safe means more than the safe loader (no Python objects): a document larger than
:data:`MAX_YAML_BYTES`, or one whose aliases would expand it beyond :data:`MAX_YAML_NODES`
values (the "billion laughs": ten nested aliases of ten make 10¹⁰), or nested deeper than
:data:`MAX_YAML_DEPTH`, is refused at once, before anything walks the expanded data. Anchors
and aliases that repeat a part a few times (a shared scoring curve) are fine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

#: libyaml's safe loader when available (ten times faster), else the pure-Python one.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: Largest document read [bytes of UTF-8]; a packaged profile is about 20 kB.
MAX_YAML_BYTES = 1_000_000
#: Most values (scalars, lists, mappings) the document may hold with its aliases expanded.
MAX_YAML_NODES = 200_000
#: Deepest nesting of lists and mappings.
MAX_YAML_DEPTH = 64


def _too_large(size: int, origin: str) -> str:
    return (f"{origin}: 文件过大（{size} 字节，上限 {MAX_YAML_BYTES}）/ the document is too large "
            f"({size} bytes; at most {MAX_YAML_BYTES})")


def read_mapping(path: Path, error: type[Exception], what_zh: str, what_en: str
                 ) -> dict[str, Any]:
    """:func:`load_mapping` of the UTF-8 file ``path``; a file over :data:`MAX_YAML_BYTES` is
    refused before it is read."""
    size = path.stat().st_size
    if size > MAX_YAML_BYTES:
        raise error(_too_large(size, str(path)))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: 不是 UTF-8 文本 / not UTF-8 text: {exc}") from exc
    return load_mapping(text, str(path), error, what_zh, what_en)


def load_mapping(text: str, origin: str, error: type[Exception], what_zh: str, what_en: str
                 ) -> dict[str, Any]:
    """Parse ``text`` (from ``origin``) with the safe loader; it must be a mapping.

    Raises
    ------
    error
        When the text is not YAML, too large, expands too far through aliases, or is not a
        mapping (the message names ``origin`` and what the document should be: ``what_zh`` /
        ``what_en``).
    """
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_YAML_BYTES:
        raise error(_too_large(size, origin))
    loader = SAFE_LOADER(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_expansion(node, origin, error)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise error(f"{origin}: 不是有效的 YAML / not valid YAML: {exc}") from exc
    except RecursionError as exc:
        raise error(f"{origin}: 嵌套过深 / nested too deeply") from exc
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise error(f"{origin}: {what_zh}应为映射 / {what_en} must be a mapping of keys")
    return data


def _check_expansion(root: yaml.Node, origin: str, error: type[Exception]) -> None:
    """Refuse a node graph whose aliases expand it beyond :data:`MAX_YAML_NODES` values, that
    refers to itself, or that nests deeper than :data:`MAX_YAML_DEPTH`.

    The expanded size of each distinct node is counted once (an alias is the same node object
    as its anchor), so the check takes time in the size of the text, not of the expansion.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > MAX_YAML_NODES:
                raise error(f"{origin}: 别名展开后过大（超过 {MAX_YAML_NODES} 个值），疑为“别名炸弹”"
                            f" / aliases expand the document beyond {MAX_YAML_NODES} values "
                            f"(an alias bomb?)")
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise error(f"{origin}: 别名引用自身 / an alias refers to the node that contains it")
        if depth > MAX_YAML_DEPTH:
            raise error(f"{origin}: 嵌套超过 {MAX_YAML_DEPTH} 层 / nested deeper than "
                        f"{MAX_YAML_DEPTH} levels")
        open_nodes.add(key)
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in _children(node))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []
