"""A confirmation shown on the item a button acted on, where the user is, not at the top of the page.

A button inside an item of a list (« J'ai fait ce travail », « Marquer comme lue ») posts, and its view
redirects back to the page at that item (``…#travail-12``): the browser opens the page scrolled there,
with or without a script. A message drawn at the top of the page would then be out of view — on a phone
the user would see nothing change. So such a view says ``item_message(request, level, text,
item="travail-12")`` and redirects to ``item_url(url, "travail-12")``; the page's view takes the
messages of its items with ``item_messages(request)``, gives each item its own, and its item template
draws them (``partials/item_messages.html``, role="status", or "alert" for an error) inside the item.
The messages the page has drawn in an item are ``placed``: the top of the page leaves them out; a
message whose item is not on the page stays at the top.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.messages.storage.base import Message

ITEM_TAG = "item:"


def item_message(request, level: int, text: str, *, item: str) -> None:
    """A message for the item whose HTML id is ``item``."""
    messages.add_message(request, level, text, extra_tags=f"{ITEM_TAG}{item}")


def item_url(url: str, item: str) -> str:
    """``url`` opened at the item (its fragment)."""
    return f"{url}#{item}"


def item_messages(request) -> dict[str, list[Message]]:
    """The messages waiting for items of this page, by item id. The page marks those it draws
    (``place``)."""
    waiting: dict[str, list[Message]] = {}
    for message in messages.get_messages(request):
        tags = message.extra_tags or ""
        if tags.startswith(ITEM_TAG):
            waiting.setdefault(tags.removeprefix(ITEM_TAG), []).append(message)
    return waiting


def place(waiting: dict[str, list[Message]], item: str) -> list[Message]:
    """The messages of ``item``, marked as drawn in it (the top of the page leaves them out)."""
    found = waiting.get(item, [])
    for message in found:
        message.placed = True
    return found
