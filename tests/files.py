"""Real files to attach, made in a test's folder: images Pillow writes, PDFs pypdf writes,
text."""

from __future__ import annotations

import io
import os
from pathlib import Path

from PIL import Image
from pypdf import PdfWriter


def image(path: Path, width: int = 64, height: int = 48, kind: str = "PNG") -> Path:
    """An image of ``kind`` (a Pillow format name) at ``path``."""
    Image.new("RGB", (width, height), (200, 80, 40)).save(path, format=kind)
    return path


def pdf_bytes(pages: int = 1, padding: int = 0) -> bytes:
    """A PDF of ``pages`` blank pages, made about ``padding`` bytes larger by a file
    embedded in it (random, so nothing compresses it)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    if padding:
        writer.add_attachment("padding.bin", os.urandom(padding))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf(path: Path, pages: int = 1, padding: int = 0) -> Path:
    path.write_bytes(pdf_bytes(pages, padding))
    return path


def text(path: Path, content: str = "line one\nline two\n") -> Path:
    path.write_text(content, encoding="utf-8")
    return path
