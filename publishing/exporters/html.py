"""An HTML page: the heading, the numbered lines and a map of their places (folium, the
vendored Leaflet served by the app itself; a tile layer only when one is configured)."""
from __future__ import annotations

from collections.abc import Callable
from html import escape

import folium

from maps.points import NumberedPoint, numbered_points_map, render_html

from .document import CJK_FONT, ListDocument

_STYLE = f"""<style>
body {{ font-family: "{CJK_FONT}", "Microsoft YaHei", sans-serif; color: #222; margin: 0; }}
.publication {{ max-width: 52em; margin: 0 auto; padding: 1em 1.5em 2em; }}
.publication h1 {{ font-size: 1.5em; text-align: center; margin: .5em 0 .2em; }}
.publication .meta {{ text-align: center; color: #555; margin: 0 0 1em; }}
.publication ol {{ list-style: none; padding: 0; }}
.publication li {{ margin: .6em 0; line-height: 1.7; }}
.publication .checksum {{ color: #777; font-size: .8em; word-break: break-all; }}
.folium-map {{ max-width: 52em; margin: 0 auto !important; }}
</style>"""


def _number(text: str) -> int:
    head = text.split(".", 1)[0]
    return int(head) if head.isdigit() else 0


def export_html(doc: ListDocument, *, static_url: Callable[[str], str], tiles_url: str | None = None,
                tiles_attribution: str | None = None) -> str:
    points = [NumberedPoint(_number(line.text), line.lat, line.lon, line.text)
              for line in doc.lines if line.lat is not None and line.lon is not None]
    m = numbered_points_map(points=points, static_url=static_url, tiles_url=tiles_url,
                            tiles_attribution=tiles_attribution)
    root = m.get_root()
    root.header.add_child(folium.Element(f"<title>{escape(doc.heading)}</title>"), name="publication_title")
    root.header.add_child(folium.Element(_STYLE), name="publication_style")
    items = "\n".join(f'<li data-position="{i}">{escape(line.text)}</li>'
                      for i, line in enumerate(doc.lines, start=1))
    meta = escape(f"{doc.area} {doc.period}") + (f"　发布日期：{escape(doc.published_at)}" if doc.published_at else "")
    checksum = f'<p class="checksum">SHA-256：{escape(doc.checksum)}</p>' if doc.checksum else ""
    # The list goes above the map: folium renders the figure's html children in order,
    # and the map is already one of them, so the list is put first by hand.
    section = folium.Element(f'<section class="publication"><h1>{escape(doc.heading)}</h1>'
                             f'<p class="meta">{meta}</p><ol>\n{items}\n</ol>{checksum}</section>')
    root.html.add_child(section, name="publication_list")
    root.html._children.move_to_end("publication_list", last=False)
    html = render_html(m)
    return html.replace('<html>', '<html lang="zh-hans">', 1) if '<html lang' not in html else html
