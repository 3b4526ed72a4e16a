"""Make any text safe to show in a terminal, and bound what the coder has to read.

User and file text never goes through markup; this module removes what could
still reach the terminal raw: C0/C1 controls (ESC, CSI, OSC), bidi overrides and
other format characters that reorder or hide text.
"""

from __future__ import annotations

import re
import unicodedata

PLACEHOLDER = "\N{REPLACEMENT CHARACTER}"
MAX_CODED_CHARS = 4000

# Whole escape sequences first, so "\x1b[2J" becomes one placeholder rather than "�[2J".
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL/ST
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC
    r"|\x1b[@-Z\\-_]"  # two-byte escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)


def _is_unsafe(ch: str) -> bool:
    if ch in "\n\t":
        return False
    cat = unicodedata.category(ch)
    # Cc: controls (NUL, ESC, DEL, C1); Cf: format (bidi overrides, zero-width); Cs: lone surrogates.
    return cat in ("Cc", "Cf", "Cs", "Co", "Cn") and ch not in "\u200d"


def clean_for_display(text: str, *, keep_newlines: bool = True) -> str:
    """Replace escape sequences and control/format characters with a visible placeholder."""
    if not text:
        return ""
    text = _ESCAPE_SEQUENCE.sub(PLACEHOLDER, text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for ch in text:
        if ch == "\n" and not keep_newlines:
            out.append(" ")
        elif _is_unsafe(ch):
            out.append(PLACEHOLDER)
        else:
            out.append(ch)
    return "".join(out)


def normalise_for_coding(text: str) -> tuple[str, bool]:
    """Text the coder reads: controls removed, width-folded (NFKC), capped. Returns (text, was_capped)."""
    text = text or ""
    capped = len(text) > MAX_CODED_CHARS
    if capped:
        text = text[:MAX_CODED_CHARS]
    text = _ESCAPE_SEQUENCE.sub(" ", text)
    text = unicodedata.normalize("NFKC", text)
    # Format characters (zero-width, soft hyphen, bidi marks) vanish, so "sh\u00adould" still reads "should";
    # other controls separate words.
    text = "".join("" if unicodedata.category(ch) == "Cf" else " " if _is_unsafe(ch) or ch in "\n\t" else ch
                   for ch in text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip(), capped
