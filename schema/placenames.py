"""Place names folded for look-up: case and accents folded, schwa spelled one way, punctuation as
spaces, and admin names without the words that name the kind of unit. The gazetteer's indexes hold
names in this form, so a name is folded the same way before it is looked up."""

from __future__ import annotations

import re
import unicodedata

# Words that name the kind of an administrative unit rather than the unit: "Departamento de
# Escalante" and "Escalante", "Chubut Province" and "Chubut" are one unit.
_UNIT_WORDS = frozenset("""
province provincia provincie provinz departamento department departement de del la las los el of the
region regiao oblast oblysy krai kray okrug rayon rayonu district districts city sehri shahri state estado
governorate muhafazat wilayah wilaya prefecture county municipality municipio capital federal federale f d
autonomous republic territory ciudad autonoma distrito
""".split())


# Latin letters that do not decompose into a base letter and an accent.
_LETTERS = str.maketrans({"ǝ": "e", "ə": "e", "ı": "i", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe",
                          "đ": "d", "ð": "d", "þ": "th", "ħ": "h", "ŧ": "t", "ʻ": "", "ʼ": "", "’": "", "'": ""})
_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """A name as the indexes hold it: case and accents folded, schwa spelled one way, punctuation
    and hyphens as spaces. 'Xankəndi', 'Xankǝndi' and
    'Xankendi' fold alike; 'Laçın' folds to 'lacin'."""
    text = text.casefold()
    if not text.isascii():
        text = text.translate(_LETTERS)
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", text).split())


def unit_key(name: str) -> str:
    """A folded admin name without the words for its kind ('Departamento de Escalante' -> 'escalante')."""
    words = [w for w in fold(name).split() if w not in _UNIT_WORDS]
    return " ".join(words) or fold(name)
