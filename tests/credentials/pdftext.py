"""Just enough of a PDF reader to get the text back from the certificates fpdf2 draws:
Type0 fonts with ToUnicode maps, literal strings shown with Tj, Flate streams."""

from __future__ import annotations

import re
import zlib

_HEADER = re.compile(rb"(\d+) 0 obj")
_STREAM_START = re.compile(rb"stream\r?\n")
_LENGTH = re.compile(rb"/Length (\d+)(?! \d+ R)")
_ESCAPE = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
_TOKENS = re.compile(rb"/(F\d+)\s+[\d.]+\s+Tf|\(((?:\\.|[^\\)])*)\)\s*Tj|\bET\b", re.S)


def _objects(pdf: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Every object's dictionary and (decoded) stream. Streams are cut by their /Length,
    never by searching for "endstream", which compressed bytes may happen to contain."""
    result = {}
    position = 0
    while (header := _HEADER.search(pdf, position)) is not None:
        start = header.end()
        end = pdf.find(b"endobj", start)
        stream = _STREAM_START.search(pdf, start)
        if stream is None or stream.start() > end:
            result[int(header.group(1))] = (pdf[start:end], None)
            position = end + len(b"endobj")
            continue
        body = pdf[start : stream.start()]
        length = _LENGTH.search(body)
        assert length, f"object {header.group(1)!r} has no direct /Length"
        data = pdf[stream.end() : stream.end() + int(length.group(1))]
        if b"FlateDecode" in body:
            data = zlib.decompress(data)
        result[int(header.group(1))] = (body, data)
        position = pdf.find(b"endobj", stream.end() + int(length.group(1))) + len(b"endobj")
    return result


def _unescape(raw: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(raw):
        char = raw[i : i + 1]
        if char != b"\\":
            out += char
            i += 1
            continue
        following = raw[i + 1 : i + 2]
        octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
        if octal:
            out.append(int(octal.group(0), 8))
            i += 1 + len(octal.group(0))
        else:
            out += _ESCAPE.get(following, following)
            i += 2
    return bytes(out)


def _cmap(data: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, dst in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            start = int(dst, 16)
            for offset, cid in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[cid] = chr(start + offset)
    return mapping


def extract_text(pdf: bytes) -> str:
    objects = _objects(pdf)
    maps: dict[str, dict[int, str]] = {}
    for body, _data in objects.values():
        fonts = re.search(rb"/Font\s*<<(.*?)>>", body, re.S)
        if not fonts:
            continue
        for name, number in re.findall(rb"/(F\d+)\s+(\d+) 0 R", fonts.group(1)):
            font_body = objects[int(number)][0]
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", font_body)
            if to_unicode:
                maps[name.decode()] = _cmap(objects[int(to_unicode.group(1))][1] or b"")
    lines: list[str] = []
    current: list[str] = []
    font: dict[int, str] = {}
    for _number, (_body, data) in sorted(objects.items()):
        if not data or b"Tj" not in data:
            continue
        for match in _TOKENS.finditer(data):
            if match.group(1):
                font = maps.get(match.group(1).decode(), {})
            elif match.group(2) is not None:
                raw = _unescape(match.group(2))
                current.extend(
                    font.get(int.from_bytes(raw[i : i + 2], "big"), "\ufffd")
                    for i in range(0, len(raw), 2)
                )
            elif current:
                lines.append("".join(current))
                current = []
    return "\n".join(lines)
