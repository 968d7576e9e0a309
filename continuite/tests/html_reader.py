"""A page read as assistive technology reads a field: its attributes, and the words its aria-describedby names.

``read_html(html).description("id_date")`` is the text of the elements whose ids the field's
``aria-describedby`` lists, in that order — what a screen reader says after the field's name.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: dict[str, dict] = {}
        self.texts: dict[str, list[str]] = {}
        self.duplicates: list[str] = []
        self._open: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        element_id = attributes.get("id")
        if element_id:
            if element_id in self.elements:
                self.duplicates.append(element_id)
            self.elements[element_id] = {"tag": tag, **attributes}
            self.texts.setdefault(element_id, [])
        if tag not in VOID:
            self._open.append((tag, element_id))

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                return

    def handle_data(self, data):
        for _tag, element_id in self._open:
            if element_id:
                self.texts[element_id].append(data)

    def attrs(self, element_id: str) -> dict:
        return self.elements[element_id]

    def text(self, element_id: str) -> str:
        return re.sub(r"\s+", " ", "".join(self.texts.get(element_id, []))).strip()

    def description(self, element_id: str) -> str:
        """The words the field's aria-describedby names (each id must be on the page)."""
        ids = self.attrs(element_id).get("aria-describedby", "").split()
        missing = [i for i in ids if i not in self.elements]
        assert not missing, f"aria-describedby de #{element_id} nomme des éléments absents : {missing}"
        return " ".join(self.text(i) for i in ids)


def read_html(html: str | bytes) -> Page:
    page = Page()
    page.feed(html.decode() if isinstance(html, bytes) else html)
    return page
