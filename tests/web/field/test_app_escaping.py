"""The field app puts server data into HTML only through its `esc()` helper. Leaflet renders a
string given to a tooltip or popup as HTML, so those sinks are checked here without a browser:
every `${…}` in a template literal handed to bindTooltip / bindPopup / setContent is escaped,
or is a number the app computes (an id, a position)."""
import re
from pathlib import Path

APP = Path(__file__).resolve().parents[3] / "web" / "static" / "web" / "field" / "app.js"
SINK = re.compile(r"\.(?:bindTooltip|bindPopup|setContent)\(\s*`([^`]*)`")
INTERPOLATION = re.compile(r"\$\{([^}]*)\}")
NUMERIC = re.compile(r"^(?:[\w.]+\.id|i \+ 1)$")


def _unescaped(source: str) -> list[str]:
    found = []
    for literal in SINK.findall(source):
        for expr in INTERPOLATION.findall(literal):
            expr = expr.strip()
            if not (expr.startswith("esc(") or NUMERIC.match(expr)):
                found.append(expr)
    return found


def test_the_check_finds_a_raw_name_in_a_tooltip():
    assert _unescaped("m.bindTooltip(`#${p.id} ${p.category_name}`)") == ["p.category_name"]
    assert _unescaped("m.bindTooltip(`#${p.id} ${esc(p.category_name)}`)") == []


def test_every_leaflet_string_sink_of_the_field_app_is_escaped():
    source = APP.read_text(encoding="utf-8")
    assert SINK.search(source)  # the check still sees the sinks
    assert _unescaped(source) == []
