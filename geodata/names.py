"""Road and place name normalisation, shared by the importer and the location language.

Officers and data sources spell one name several ways: full-width letters and digits
(Ｇ６辅路), stray spaces, ASCII or full-width brackets. The normalised form is what names
are matched on; the original spelling is kept for display.

>>> normalize_name(" Ｇ６ 辅路 ")
'G6辅路'
>>> normalize_name("横五条（北段）")
'横五条(北段)'
"""
import unicodedata


def normalize_name(name: str) -> str:
    # NFKC folds full-width ASCII (Ｇ６, （）) into ordinary characters and leaves CJK alone.
    text = unicodedata.normalize("NFKC", name or "")
    return "".join(text.split()).upper()
