"""A CRF model shipped with the code (python-crfsuite): its file, the digest of what it was
trained on, and a tagger opened once per thread.

The location language has two: `problem_tagger` (a tag per character: where the problem
phrases are) and `anchor_kind` (one tag per line: what the writer placed the spot by). Each
is trained on the dev files' labels, on top of the rules' reading, and ships as a file
beside its module with a sidecar ``.json`` holding the digest of the training sequences (the
very features and labels the trainer saw) and the parameters. A test per model recomputes the
digest from the fixtures, so a change of labels, rules or lexicon without a rebuild fails.

>>> import tempfile, pathlib
>>> m = ShippedModel(pathlib.Path(tempfile.mkdtemp()) / "toy.crfsuite", {"max_iterations": 20})
>>> seqs = [([["w=垃圾"], ["w=乱停"]], ["a", "b"])] * 3
>>> m.build(seqs, {"lines": 3}) == m.digest(seqs) == m.shipped_digest(), m.file_matches()
(True, True)
>>> m.tag([["w=乱停"], ["w=垃圾"]])
['b', 'a']
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

import pycrfsuite

Sequences = Sequence[tuple[list[list[str]], list[str]]]


class ShippedModel:
    def __init__(self, path: Path, params: dict):
        self.path = path
        self.digest_path = path.with_suffix(".json")
        self.params = params
        self._local = threading.local()

    def tag(self, items: list[list[str]]) -> list[str]:
        """The model's labels for one sequence of items (each a list of feature strings)."""
        tagger = getattr(self._local, "tagger", None)
        if tagger is None:  # opened once per thread: a crfsuite tagger is not thread-safe
            tagger = pycrfsuite.Tagger()
            tagger.open(str(self.path))
            self._local.tagger = tagger
        try:
            return tagger.tag(items)
        except (SystemError, UnicodeEncodeError):
            # a lone surrogate (broken UTF-16 pasted in): crfsuite reads UTF-8
            return tagger.tag([[f.encode("utf-8", "replace").decode() for f in item] for item in items])

    def digest(self, sequences: Iterable[tuple[list[list[str]], list[str]]]) -> str:
        """What a model is trained from, as one hex digest."""
        h = hashlib.sha256(json.dumps(self.params, sort_keys=True).encode())
        for items, labels in sequences:
            for item, label in zip(items, labels, strict=True):
                h.update("\x1f".join([label, *item]).encode("utf-8", "replace") + b"\x1e")
            h.update(b"\x1d")
        return h.hexdigest()

    def shipped_digest(self) -> str | None:
        return self._sidecar().get("digest")

    def file_matches(self) -> bool:
        """Whether the model file is the one its sidecar was written with (a merge can keep
        one and not the other)."""
        try:
            return self._sidecar().get("model_sha256") == hashlib.sha256(self.path.read_bytes()).hexdigest()
        except OSError:
            return False

    def _sidecar(self) -> dict:
        try:
            return json.loads(self.digest_path.read_text())
        except (OSError, ValueError):
            return {}

    def build(self, sequences: Sequences, about: dict) -> str:
        """Train on the sequences and write the model and its digest (with ``about``, what the
        lines are) in place. This thread's tagger is reopened; other threads keep the model
        they opened (a rebuild is for the next start)."""
        trainer = pycrfsuite.Trainer(verbose=False)
        for items, labels in sequences:
            trainer.append(items, labels)
        trainer.set_params(self.params)
        tmp = self.path.with_suffix(".tmp")
        trainer.train(str(tmp))
        tmp.replace(self.path)
        d = self.digest(sequences)
        sha = hashlib.sha256(self.path.read_bytes()).hexdigest()
        self.digest_path.write_text(
            json.dumps({"digest": d, "model_sha256": sha, **about}, ensure_ascii=False, indent=1) + "\n")
        self._local.__dict__.pop("tagger", None)
        return d
