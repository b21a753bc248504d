"""Saved web pages in a browser's one-file archive: the page's HTML taken out of it.

* ``.mhtml`` / ``.mht`` — "Webpage, single file" of Chrome, Edge and Opera (and Internet
  Explorer's ``.mht``): a MIME message (RFC 2557) whose first ``text/html`` part is the page,
  usually quoted-printable, with its images and styles as further parts. Read with the
  standard library's :mod:`email` parser.
* ``.webarchive`` — Safari's "Web Archive": a binary property list whose
  ``WebMainResource`` holds the page's bytes, its encoding and its URL. Read with
  :mod:`plistlib`.

Each function returns the page (decoded text, or bytes that declare their own encoding)
and its URL when the archive records one; a file that is not such an archive raises
:class:`ValueError` with a reason that names what is missing.
:func:`framing.html_reader.read_html` then extracts the article as from a ``.html`` file.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import plistlib
from email.message import EmailMessage


def mhtml_page(raw: bytes) -> tuple[str | bytes, str | None]:
    """The page in an MHTML archive and its URL (``Snapshot-Content-Location``)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    if not isinstance(message, EmailMessage) or not message.keys():
        raise ValueError("not an MHTML archive (no MIME headers)")
    url = message.get("Snapshot-Content-Location") or message.get("Content-Location")
    parts = message.walk() if message.is_multipart() else iter([message])
    for part in parts:
        if part.get_content_type() != "text/html":
            continue
        page: str | bytes = part.get_payload(decode=True)  # transfer encoding undone
        if part.get_param("charset") is not None:  # Chrome leaves it to the meta tag
            # an unknown charset: the meta tag decides
            with contextlib.suppress(LookupError, ValueError):
                page = part.get_content()
        return page, url or part.get("Content-Location")
    raise ValueError("no text/html part in the MHTML archive")


def webarchive_page(raw: bytes) -> tuple[str | bytes, str | None]:
    """The page in a Safari web archive and its URL (``WebResourceURL``)."""
    try:
        archive = plistlib.loads(raw)
    except Exception as exc:  # plistlib raises several kinds on other bytes
        raise ValueError(f"not a Safari web archive ({exc})") from None
    main = archive.get("WebMainResource") if isinstance(archive, dict) else None
    if not isinstance(main, dict) or not isinstance(main.get("WebResourceData"), bytes):
        raise ValueError("no WebMainResource with data in the web archive")
    data, encoding = main["WebResourceData"], main.get("WebResourceTextEncodingName")
    page: str | bytes = data
    if isinstance(encoding, str):
        try:
            page = data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            page = data  # the page's own meta tag decides
    url = main.get("WebResourceURL")
    return page, url if isinstance(url, str) else None
