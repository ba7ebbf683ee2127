"""Text normalisation shared by language identification, danger rules and keyword matching.

Two levels:
- ``clean``: what a person meant to type. NFKC, no zero-width characters (except the Persian
  ZWNJ between two letters), no Arabic tatweel. Keeps letters intact, so script rules can
  still tell Persian from Arabic.
- ``fold``: for matching. ``clean`` plus case folding, diacritics and Arabic harakat removed,
  Arabic-script letter variants unified (ی/ي/ى → ي, ک/ك → ك, ة → ه, أ/إ/آ → ا), and
  Latin letters without a decomposition mapped (ł → l, ø → o, đ → d, ß → ss, ı → i).
  Rules and lexicons are folded with the same function, so authors write natural words.
"""

from __future__ import annotations

import re
import unicodedata

_ZWNJ = "\u200c"
_ZERO_WIDTH = re.compile("[\u200b\u200d\u2060\ufeff\u00ad]")
_ZWNJ_NOT_BETWEEN_LETTERS = re.compile(r"(?<!\w)\u200c|\u200c(?!\w)")
_TATWEEL = "\u0640"
_WHITESPACE = re.compile(r"\s+")

_ARABIC_FOLD = str.maketrans(
    {
        "ی": "ي",
        "ى": "ي",
        "ئ": "ي",
        "ک": "ك",
        "ة": "ه",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "۰": "0", "۱": "1", "۲": "2", "۳": "3", "۴": "4",
        "۵": "5", "۶": "6", "۷": "7", "۸": "8", "۹": "9",
        "٠": "0", "١": "1", "٢": "2", "٣": "3", "٤": "4",
        "٥": "5", "٦": "6", "٧": "7", "٨": "8", "٩": "9",
    }
)
_LATIN_FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "ı": "i", "æ": "ae"})


def clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _ZERO_WIDTH.sub("", text)
    text = _ZWNJ_NOT_BETWEEN_LETTERS.sub("", text)
    text = text.replace(_TATWEEL, "")
    return _WHITESPACE.sub(" ", text).strip()


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", kept)


def fold(text: str) -> str:
    text = clean(text).casefold()
    text = text.translate(_LATIN_FOLD)
    text = _strip_marks(text)
    text = text.translate(_ARABIC_FOLD)
    return text.replace(_ZWNJ, " ")
