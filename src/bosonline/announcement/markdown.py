"""Announcement bodies: Markdown rendered to HTML that is safe to put in a seller's page as it is.

markdown-it-py with raw HTML off (a `<script>` or `<img onerror>` typed in the body comes out as text), images off
(no pixel loaded from elsewhere when a seller opens an announcement), and links only to `http:`, `https:` and
`mailto:` (a `javascript:`, `data:` or relative link stays text); links open in a new tab without handing the
page to the target (`rel="noopener noreferrer nofollow"`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

_SCHEMES = ("http://", "https://", "mailto:")


def _allowed_link(url: str) -> bool:
    return url.strip().lower().startswith(_SCHEMES)


def _link_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    tokens[idx].attrSet("rel", "noopener noreferrer nofollow")
    tokens[idx].attrSet("target", "_blank")
    rendered: str = self.renderToken(tokens, idx, options, env)
    return rendered


def _build() -> MarkdownIt:
    md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image", "html_block", "html_inline"])
    md.validateLink = _allowed_link  # type: ignore[method-assign]
    md.add_render_rule("link_open", _link_open)
    return md


_MD = _build()


def render(markdown: str) -> str:
    """The HTML of `markdown`, safe as it is."""
    html: str = _MD.render(markdown)
    return html
