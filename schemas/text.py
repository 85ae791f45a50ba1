"""What a person reads must be what was signed (DESIGN.md threat 4).

Control characters (C0 other than TAB/LF/CR, DEL, and C1 U+0080-U+009F) and the Unicode bidi
override/isolate/embedding marks can make a displayed string differ from its signed bytes (or hash
differently in other N-Quads serializers, see rdf-canon test060c). They are refused in every
string: ``schema_invalid`` (``scan.FORBIDDEN_TEXT`` says which and why zero-width characters are not).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Final

from skillspas.schemas.errors import ErrorCode, localized_error
from skillspas.schemas.jsonio import pointer_token
from skillspas.schemas.scan import FORBIDDEN_TEXT, scan

__all__ = ["check_text", "one_line", "escaped", "visible", "FORBIDDEN_IN_LINE"]

FORBIDDEN_IN_LINE: Final = re.compile(f"{FORBIDDEN_TEXT.pattern}|[\n\r\u2028\u2029]")
"""What one line of text (an organisation's name, a skill's label) may not hold: ``FORBIDDEN_TEXT`` and every line
break: LF, CR, U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR. VT, FF and U+0085 NEXT LINE are control
characters of ``FORBIDDEN_TEXT`` already. Printed as it is, the text after a line break looks like the next line of
the command's own output."""


def check_text(value: Any, path: str = "") -> None:
    """Refuse control and bidi-override characters in every key and string of ``value``."""
    if not scan(value).clean_text:
        _check_text_with_paths(value, path)


def _check_text_with_paths(value: Any, path: str) -> None:
    """The exact walk: raises for the first forbidden character it meets, naming its path."""
    stack = [(value, path)]
    while stack:
        node, here = stack.pop()
        if isinstance(node, str):
            _check(node, here)
        elif isinstance(node, dict):
            for key, item in node.items():
                child = f"{here}/{pointer_token(key)}"
                _check(key, child)
                stack.append((item, child))
        elif isinstance(node, list):
            stack.extend((item, f"{here}/{i}") for i, item in enumerate(node))


def _check(text: str, path: str) -> None:
    match = FORBIDDEN_TEXT.search(text)
    if match:
        char = f"U+{ord(match.group()):04X}"
        raise localized_error(
            ErrorCode.SCHEMA_INVALID,
            en=f"string contains the control or bidi character {char}",
            nl=f"een tekst bevat het onzichtbare stuur- of leesrichtingsteken {char}, dat de tekst anders kan laten "
               "lijken dan hij is",
            path=path or "/",
        )


def one_line(value: str) -> str:
    """``value`` (a title or a name: one line for a person) as a terminal or a table cell shows it: every run of
    whitespace, line breaks (LF, CR, U+2028) included, one space, as a web page shows it. A signed name may hold a line
    break, and printed as it is the next line looks like the reader's own (a forged "✓ geldig" under a title). A control
    or bidi character (``FORBIDDEN_TEXT``: no signed text holds one, but a vocabulary index built before the one-line
    rule may) shows as U+FFFD, never as a terminal's escape or a reversed text."""
    return FORBIDDEN_TEXT.sub("\ufffd", " ".join(value.split()))


def escaped(value: str) -> str:
    """``value`` (a file's name, or a message that quotes one) as one line a terminal shows as it is: each character of
    ``FORBIDDEN_IN_LINE`` written as its escape (``\\n``, ``\\x1b``, ``\\u202e``), everything else unchanged. Unlike
    ``one_line`` nothing is tidied away: a name must still say which file it is, and ``name\\n✓ geldig`` must not print
    a line of its own, nor ``\\x1b[2J`` clear the screen."""
    return FORBIDDEN_IN_LINE.sub(lambda found: found.group().encode("unicode_escape").decode("ascii"), value)


_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
"""Letters and a symbol that show as blank space (Hangul fillers, the blank braille pattern)."""


def visible(value: str) -> bool:
    """Whether a person sees anything of ``value`` (a name): a letter, digit, punctuation mark or symbol that does not
    show as blank space; not only spaces, format characters (U+200B, U+2060, tag characters) or blank letters."""
    return any(unicodedata.category(c)[0] in "LNPS" and c not in _BLANK_LETTERS for c in value)
