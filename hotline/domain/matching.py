"""Which patrol problem categories a complaint's category may be.

12345 exports write categories as paths ("城乡建设/市容环境/积存垃圾渣土") or with a
separator of their own; any part of the path may be the name of a patrol category.

>>> category_candidates("城乡建设/市容环境>积存垃圾渣土")
['城乡建设', '市容环境', '积存垃圾渣土']
>>> category_candidates("")
[]
"""
from __future__ import annotations

import re


def category_candidates(category: str) -> list[str]:
    parts = [p.strip() for p in re.split(r"[/>\\｜|、\-－—–]+", category or "")]
    return [p for p in parts if p]
