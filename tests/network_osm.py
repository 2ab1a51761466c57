"""A small OSM network off the demo roads, inside the demo subdistrict, for tests of network
re-imports: 测试甲路 runs north through nodes 1..5, 测试乙路 crosses it at node 3."""

NODES = "".join(f'<node id="{900000 + i}" version="1" lat="{39.9990 + i * 0.0004:.7f}" lon="116.3450"/>'
                for i in range(1, 6)) + ('<node id="900010" version="1" lat="40.0002" lon="116.3445"/>'
                                         '<node id="900011" version="1" lat="40.0002" lon="116.3455"/>')
JIA = ('<way id="9000" version="1">' + "".join(f'<nd ref="{900000 + i}"/>' for i in range(1, 6))
       + '<tag k="highway" v="residential"/><tag k="name" v="测试甲路"/></way>')
YI = ('<way id="9001" version="1"><nd ref="900010"/><nd ref="900003"/><nd ref="900011"/>'
      '<tag k="highway" v="residential"/><tag k="name" v="测试乙路"/></way>')


def osm(tmp_path, body, name="network.osm"):
    """An OSM file in `tmp_path` holding `body` (nodes and ways)."""
    p = tmp_path / name
    p.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="t">\n' + body + "\n</osm>\n",
                 encoding="utf-8")
    return p
