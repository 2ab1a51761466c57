"""The network index finds similar and overlapping names without scanning every name, and
must find exactly what a scan finds: checked here against the scan itself (difflib over
every key; substring tests over every key), on names drawn from a few characters so that
many share some. No database."""
import difflib

from hypothesis import given, settings
from hypothesis import strategies as st

from geodata.location.network import ContainedNames, SimilarNames

CHARS = "东西南北中华安平路街胡同口"
names = st.text(alphabet=CHARS, min_size=0, max_size=7)
keys = st.lists(st.text(alphabet=CHARS, min_size=1, max_size=8), min_size=1, max_size=60, unique=True)


def scan_similar(name, all_keys, cutoff=0.6):
    out = []
    for key in all_keys:
        ratio = difflib.SequenceMatcher(None, name, key).ratio()
        if ratio >= cutoff:
            out.append((key, ratio))
    return out


def scan_overlapping(name, all_keys):
    return [key for key in all_keys if name and (name in key or key in name) and min(len(name), len(key)) >= 2]


@settings(max_examples=400, deadline=None, derandomize=True)
@given(name=names, all_keys=keys)
def test_similar_names_are_those_a_scan_of_every_name_finds(name, all_keys):
    assert SimilarNames(all_keys, 0.6).similar(name) == scan_similar(name, all_keys)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(name=names, all_keys=keys, cutoff=st.sampled_from([0.3, 0.5, 0.75, 0.9]))
def test_other_cutoffs_too(name, all_keys, cutoff):
    assert SimilarNames(all_keys, cutoff).similar(name) == scan_similar(name, all_keys, cutoff)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(name=names, all_keys=keys)
def test_overlapping_names_are_those_a_scan_of_every_name_finds(name, all_keys):
    assert ContainedNames(all_keys).overlapping(name) == scan_overlapping(name, all_keys)


def test_a_name_sharing_no_rare_character_is_not_compared():
    # 路 is in every key; 小月河 in none of the many 路: none of them reaches difflib
    all_keys = [f"{a}{b}路" for a in "东西南北中" for b in "华安平康乐"] + ["小月河东路"]
    index = SimilarNames(all_keys, 0.6)
    compared = []
    real = difflib.SequenceMatcher

    class Counting(real):
        def ratio(self):
            compared.append(self.b)
            return super().ratio()

    difflib.SequenceMatcher = Counting
    try:
        found = index.similar("小月河路")
    finally:
        difflib.SequenceMatcher = real
    assert found == scan_similar("小月河路", all_keys)
    assert compared == ["小月河东路"]
