"""Stable Diffusion prompt syntax read as plain text, so that nothing hides inside it.

Understood: attention ``(word)``, ``((word))``, ``(word:1.3)``, ``[word]``; escapes ``\\(``;
prompt editing ``[a:b:0.4]``, ``[a:0.4]``, ``[a::0.4]``; alternation ``[a|b]`` and dynamic
prompts ``{a|b}`` / ``{2$$a|b|c}``; networks ``<lora:name:0.8>``, ``<lyco:...>``,
``<hypernet:...>`` (any ``<kind:name...>``); ComfyUI ``embedding:name``; ``BREAK`` and ``AND``.

A prompt with choices (editing, alternation) is rendered once per option index: rendering
``k`` takes option ``k`` of every choice (the last one when a choice has fewer), so every
branch is read in its context and the count stays linear. Renderings are joined by newlines,
which lexicon phrases never cross. An attention weight is kept as text (``(age:12)`` reads
``age 12``) because it can carry an age; numbers match nothing else. Malformed syntax never
raises: unmatched brackets read as spaces.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

__all__ = ["ParsedPrompt", "parse"]

MAX_DEPTH = 32
MAX_RENDERINGS = 8
_NUMBER = regex.compile(r"\s*-?\d+(?:\.\d*)?\s*")
_NETWORK = regex.compile(r"<\s*([a-z_]{2,16})\s*:\s*([^:<>]{1,200})(?::[^<>]{0,64})?>", regex.IGNORECASE)
_EMBEDDING = regex.compile(r"\bembedding:([^\s,()\[\]{}<>:|]{1,200})", regex.IGNORECASE)
_KEYWORDS = regex.compile(r"\b(?:BREAK|AND)\b")
_DYNAMIC_COUNT = regex.compile(r"^\s*\d+(?:-\d+)?\$\$")
_CLOSERS = {"(": ")", "[": "]", "{": "}"}
# A text run: anything but the special characters, where "\\x" is a literal x and a lone
# backslash at the very end is itself text; else one special character.
_TOKEN = regex.compile(r"(?P<text>(?:[^()\[\]{}|:\\]+|\\.|\\\Z)+)|[()\[\]{}|:]", regex.DOTALL)
_ESCAPED = regex.compile(r"\\(.)", regex.DOTALL)


@dataclass(frozen=True, slots=True)
class ParsedPrompt:
    """The plain text of every branch (one rendering per line) and the network names."""

    text: str
    networks: tuple[str, ...] = ()


@dataclass(slots=True)
class _Choice:
    options: list[list[_Node]]


_Node = str | _Choice

#: ("text", s) | ("open", c) | ("close", c) | ("bar", "|") | ("colon", ":").
_Token = tuple[str, str]


@lru_cache(maxsize=256)  # negative prompts are mostly a few stock texts, parsed once each
def parse(prompt: str) -> ParsedPrompt:
    """Plain text of every branch of ``prompt`` plus the LoRA/hypernetwork/embedding names.

    >>> parse("[child:woman:0.9], (age:12), <lora:x_v2:0.8>").text
    'child, age 12,\\nwoman, age 12,'
    """
    networks = [m.group(2).strip() for m in _NETWORK.finditer(prompt)]
    networks += [m.group(1) for m in _EMBEDDING.finditer(prompt)]
    tokens = _tokenize(_NETWORK.sub(",", prompt))
    parts, _, _ = _parse_seq(tokens, 0, closer=None, depth=0)
    nodes = parts[0]
    arity = min(_max_arity(nodes), MAX_RENDERINGS)
    renderings = [_render(nodes, k) for k in range(arity)]
    renderings += _leftovers(nodes, arity)
    text = "\n".join(_KEYWORDS.sub(",", r).strip() for r in renderings)
    return ParsedPrompt(text=text, networks=tuple(n for n in networks if n))


def _tokenize(prompt: str) -> list[_Token]:
    """Text runs (escapes resolved) and the special characters between them, one regex pass
    instead of a Python loop over every character."""
    tokens: list[_Token] = []
    for m in _TOKEN.finditer(prompt):
        text = m.group("text")
        if text is not None:
            tokens.append(("text", _ESCAPED.sub(r"\1", text) if "\\" in text else text))
        else:
            ch = m.group()
            kind = "open" if ch in "([{" else "close" if ch in ")]}" else "bar" if ch == "|" else "colon"
            tokens.append((kind, ch))
    return tokens


def _parse_seq(
    tokens: list[_Token], i: int, closer: str | None, depth: int
) -> tuple[list[list[_Node]], list[str], int]:
    """Parse until ``closer``: the parts between top-level ``|``/``:`` and those separators."""
    parts: list[list[_Node]] = [[]]
    seps: list[str] = []
    while i < len(tokens):
        kind, value = tokens[i]
        if kind == "close":
            if value == closer:
                return parts, seps, i + 1
            parts[-1].append(" ")  # unmatched closer: read as a space
            i += 1
        elif kind == "open" and depth < MAX_DEPTH:
            group, i = _parse_group(tokens, i, depth + 1)
            parts[-1].extend(group)
        elif kind in ("bar", "colon") and closer is not None:
            seps.append(value)
            parts.append([])
            i += 1
        else:
            parts[-1].append(value if kind in ("text", "colon") else " ")
            i += 1
    return parts, seps, i  # unclosed group at the end of the text: lenient


def _parse_group(tokens: list[_Token], i: int, depth: int) -> tuple[list[_Node], int]:
    opener = tokens[i][1]
    parts, seps, i = _parse_seq(tokens, i + 1, closer=_CLOSERS[opener], depth=depth)
    return _group_nodes(opener, parts, seps), i


def _group_nodes(opener: str, parts: list[list[_Node]], seps: list[str]) -> list[_Node]:
    if opener == "(":
        return [" ", *_join(parts), " "]  # attention: weight kept as text
    if "|" in seps:
        options = _split_on(parts, seps, "|")
        if opener == "{" and options and options[0] and isinstance(options[0][0], str):
            options[0][0] = _DYNAMIC_COUNT.sub("", options[0][0])
        return [" ", _Choice(options), " "]
    if opener == "[" and seps and all(s == ":" for s in seps) and _is_number(parts[-1]):
        if len(parts) == 2:  # [to:when]
            return [" ", _Choice([[], parts[0]]), " "]
        if len(parts) == 3:  # [from:to:when]
            return [" ", _Choice([parts[0], parts[1]]), " "]
    return [" ", *_join(parts), " "]


def _split_on(parts: list[list[_Node]], seps: list[str], sep: str) -> list[list[_Node]]:
    options: list[list[_Node]] = [list(parts[0])]
    for s, part in zip(seps, parts[1:], strict=True):
        if s == sep:
            options.append(list(part))
        else:
            options[-1].extend([" ", *part])
    return options


def _join(parts: list[list[_Node]]) -> list[_Node]:
    out: list[_Node] = []
    for part in parts:
        out.extend([*part, " "])
    return out


def _is_number(part: list[_Node]) -> bool:
    return len(part) == 1 and isinstance(part[0], str) and _NUMBER.fullmatch(part[0]) is not None


def _max_arity(nodes: list[_Node]) -> int:
    best, stack = 1, [nodes]
    while stack:
        for node in stack.pop():
            if isinstance(node, _Choice):
                best = max(best, len(node.options))
                stack.extend(node.options)
    return best


def _render(nodes: list[_Node], k: int) -> str:
    out: list[str] = []
    stack: list[_Node | list[_Node]] = [nodes]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, _Choice):
            if node.options:
                stack.append(node.options[min(k, len(node.options) - 1)])
        else:
            stack.extend(reversed(node))
    return "".join(out)  # spacing kept: a double space separates spaced-out words


def _leftovers(nodes: list[_Node], rendered: int) -> list[str]:
    """Options past ``MAX_RENDERINGS`` are still read, each on its own line."""
    extra, stack = [], [nodes]
    while stack:
        for node in stack.pop():
            if isinstance(node, _Choice):
                extra += [_render(opt, 0) for opt in node.options[rendered:]]
                stack.extend(node.options)
    return extra
