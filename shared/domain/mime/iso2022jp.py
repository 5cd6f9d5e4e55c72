"""ISO-2022-JP with the vendor extensions Japanese mailers really send (NEC row 13: ①, Ⅰ,
㈱; IBM extensions), which Python's ``iso2022_jp`` codecs refuse.

Microsoft's CP50220/50221 read ISO-2022-JP as JIS X 0208 *plus* the CP932 extensions: each
JIS pair converts arithmetically to its Shift_JIS pair and CP932 decodes that (the same
mapping the WHATWG Encoding Standard uses for ISO-2022-JP decoding through the JIS0208 index
with the extension rows). Half-width katakana (ESC ( I, and SO/SI) are CP932 single bytes.
"""

from __future__ import annotations

import re

_ESC = re.compile(rb"\x1b(\$@|\$B|\$\(D|\(B|\(J|\(I|\$\(Q|\$\(O)")
_KANJI = (b"$@", b"$B", b"$(Q", b"$(O")
_SO, _SI = 0x0E, 0x0F


def _jis_to_sjis(j1: int, j2: int) -> bytes:
    s1 = (j1 + 1) // 2 + (0x70 if j1 <= 0x5E else 0xB0)
    s2 = j2 + (0x1F if j1 % 2 else 0x7E)
    if s2 >= 0x7F and j1 % 2:
        s2 += 1
    return bytes((s1, s2))


def decode_iso2022jp(data: bytes) -> str:
    """``data`` as ISO-2022-JP with CP932 extensions; undecodable pairs become U+FFFD."""
    out = bytearray()
    mode = b"(B"
    pos = 0
    for match in [*_ESC.finditer(data), None]:
        end = match.start() if match else len(data)
        chunk = data[pos:end]
        if mode in _KANJI:
            pairs = chunk.replace(b"\r", b"").replace(b"\n", b"")
            for i in range(0, len(pairs) - 1, 2):
                j1, j2 = pairs[i], pairs[i + 1]
                if 0x21 <= j1 <= 0x7E and 0x21 <= j2 <= 0x7E:
                    out += _jis_to_sjis(j1, j2)
                else:
                    out += b"?"
            if b"\n" in chunk:  # a line end inside a kanji run (a mailer forgot ESC ( B)
                out += b"\n"
        elif mode == b"(I":
            out += bytes(b + 0x80 if 0x21 <= b <= 0x5F else b for b in chunk)
        else:
            out += _shift_out(chunk)
        if match:
            mode = match.group(1)
            pos = match.end()
    return out.decode("cp932", errors="replace")


def _shift_out(chunk: bytes) -> bytes:
    """ASCII, with SO ... SI runs of half-width katakana (JIS X 0201 via shift codes)."""
    if _SO not in chunk:
        return chunk
    out = bytearray()
    shifted = False
    for b in chunk:
        if b == _SO:
            shifted = True
        elif b == _SI:
            shifted = False
        else:
            out.append(b + 0x80 if shifted and 0x21 <= b <= 0x5F else b)
    return bytes(out)
