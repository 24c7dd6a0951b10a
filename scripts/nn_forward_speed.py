#!/usr/bin/env python3
"""Forward-pass speed of our networks: Swift (`coded forward-speed`) beside NumPy, in one run.

For each weight file, the NumPy implementation below loads the same JSON weight file (format in
Guides/CodedInference.md), checks that its logits on the test set equal the Swift logits
(`coded forward-speed --logits-output`) to ~1e-12, then both time the forward pass over the whole
test set one image per call (batch 1) and in batches, for at least --seconds each, in --rounds
rounds that alternate Swift and NumPy (each side's best round is kept, so that a burst of load
on the shared machine does not decide the comparison). Writes
notebooks-data/nn-forward-speed.csv (atomically) with images/s, the machine's core count, the
max |logit difference|, the machine columns of machine_info.py (BLAS core, GEMM rate, CPU model),
and the process CPU time of the same passes (cpu_seconds, images_per_cpu_second: the load of a
shared machine inflates CPU time far less than the wall clock).

NumPy's convolution is the same im2col + GEMM lowering (sliding_window_view + tensordot), float64.

Usage: python3 scripts/nn_forward_speed.py [--coded .build/release/coded] [--seconds 1] [--rounds 3]
"""
import os

# One BLAS thread for NumPy too (set before NumPy loads its BLAS), as `coded forward-speed` uses.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import json
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy.special import erf

from machine_info import FIELDS as MACHINE_FIELDS, cpu_model, numpy_machine

ACTIVATIONS = {
    "relu": lambda x: np.maximum(x, 0.0),
    "tanh": np.tanh,
    "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
    "gelu": lambda x: 0.5 * x * (1.0 + erf(x / np.sqrt(2.0))),
    "softplus": lambda x: np.where(x > 30, x, np.log1p(np.exp(np.minimum(x, 30)))),
    "identity": lambda x: x,
}


class Network:
    """The coded-nn v1 weight file as NumPy arrays; forward() takes a (B, C·H·W) batch."""

    def __init__(self, path):
        with open(path) as f:
            spec = json.load(f)
        if spec.get("format") != "coded-nn" or spec.get("version") != 1:
            raise SystemExit(f"error: {path} is not a coded-nn version 1 weight file")
        self.name = spec.get("name", "network")
        self.shape = tuple(spec["input"])
        self.layers = []
        for layer in spec["layers"]:
            kind = layer["type"]
            if kind == "dense":
                w = np.array(layer["weight"]).reshape(layer["out"], layer["in"])
                self.layers.append(("dense", np.ascontiguousarray(w.T), np.array(layer["bias"])))
            elif kind == "conv2d":
                f, c, k = layer["out_channels"], layer["in_channels"], layer["kernel"]
                w = np.array(layer["weight"]).reshape(f, c, k, k)
                self.layers.append(("conv2d", w, np.array(layer["bias"]), layer["padding"]))
            elif kind in ("avgpool", "maxpool"):
                self.layers.append((kind, layer["size"]))
            elif kind == "activation":
                self.layers.append(("activation", ACTIVATIONS[layer["function"]]))
            else:
                raise SystemExit(f"error: unknown layer type {kind}")

    def forward(self, x):
        b = x.shape[0]
        x = x.reshape((b,) + self.shape)
        for layer in self.layers:
            kind = layer[0]
            if kind == "dense":
                x = x.reshape(b, -1) @ layer[1] + layer[2]
            elif kind == "conv2d":
                w, bias, p = layer[1], layer[2], layer[3]
                k = w.shape[2]
                xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
                windows = np.lib.stride_tricks.sliding_window_view(xp, (k, k), axis=(2, 3))
                # windows: (B, C, Ho, Wo, k, k); contract C, k, k with W (F, C, k, k): one GEMM.
                x = np.tensordot(windows, w, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2) + bias[None, :, None, None]
            elif kind in ("avgpool", "maxpool"):
                s = layer[1]
                c, h, w_ = x.shape[1:]
                blocks = x.reshape(b, c, h // s, s, w_ // s, s)
                x = blocks.mean(axis=(3, 5)) if kind == "avgpool" else blocks.max(axis=(3, 5))
            else:
                x = layer[1](x)
        return x.reshape(b, -1)


def load_csv(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    return data[:, 1:], data[:, 0].astype(int)


def time_numpy(net, x, batch, seconds):
    batches = [x[i:i + batch] for i in range(0, len(x), batch)]
    for chunk in batches:
        net.forward(chunk)
    images = 0
    start = time.perf_counter()
    cpu_start = time.process_time()
    while True:
        for chunk in batches:
            net.forward(chunk)
            images += len(chunk)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return images, elapsed, time.process_time() - cpu_start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coded", default=".build/release/coded")
    parser.add_argument("--data", default="notebooks-data/digits/test.csv")
    parser.add_argument("--models", default=",".join(
        f"notebooks-data/models/digits-{m}.json" for m in ["mlp-relu", "mlp-tanh", "lenet-relu", "lenet-gelu"]))
    parser.add_argument("--batch-sizes", default="1,32,450")
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating Swift/NumPy rounds; each side's best round is kept")
    parser.add_argument("--output", default="notebooks-data/nn-forward-speed.csv")
    args = parser.parse_args()
    x, _ = load_csv(args.data)
    sizes = [int(s) for s in args.batch_sizes.split(",")]
    rows = ["implementation,model,batch_size,images,seconds,images_per_second,blas_threads,max_abs_logit_difference,cores,"
            + ",".join(MACHINE_FIELDS) + ",cpu_seconds,images_per_cpu_second"]
    cores = os.cpu_count()
    numpy_info = numpy_machine()
    py = ",".join(f'"{numpy_info[k]}"' if "," in numpy_info[k] else numpy_info[k] for k in MACHINE_FIELDS)
    for path in args.models.split(","):
        net = Network(path)
        # Rounds alternate Swift and NumPy, and each keeps its best round: on a shared machine the
        # load moves between rounds, and a burst then hurts one round of each, not one side.
        swift_best, numpy_best, difference = {}, {}, None
        for round_index in range(args.rounds):
            command = [args.coded, "forward-speed", "--model", path, "--data", args.data,
                       "--batch-sizes", args.batch_sizes, "--seconds", str(args.seconds)]
            with tempfile.NamedTemporaryFile(suffix=".csv") as logits_file:
                if difference is None:
                    command += ["--logits-output", logits_file.name]
                swift = subprocess.run(command, check=True, capture_output=True,
                                       text=True).stdout.strip().splitlines()
                if difference is None:
                    swift_logits = np.loadtxt(logits_file.name, delimiter=",", skiprows=1)
                    difference = float(np.max(np.abs(net.forward(x) - swift_logits)))
                    if difference > 1e-9:
                        raise SystemExit(f"error: NumPy and Swift logits differ by {difference} for {path}")
            header = swift[0].split(",")
            for line in swift[1:]:
                fields = line.split(",")
                named = dict(zip(header, fields))
                batch = int(named["batch_size"])
                if batch not in swift_best or float(named["images_per_second"]) > float(
                        dict(zip(header, swift_best[batch]))["images_per_second"]):
                    swift_best[batch] = fields
            for batch in sizes:
                images, elapsed, cpu = time_numpy(net, x, batch, args.seconds)
                if batch not in numpy_best or images / elapsed > numpy_best[batch][0] / numpy_best[batch][1]:
                    numpy_best[batch] = (images, elapsed, cpu)
        for batch in sizes:
            fields = swift_best[batch]
            named = dict(zip(header, fields))
            machine = [named["blas_core"], named["gemm_gflops"], (cpu_model() or named["cpu_model"]).replace(",", " ")]
            cpu = float(named["cpu_seconds"])
            rows.append(",".join(fields[:7] + [repr(difference), str(cores)] + machine
                                 + [repr(cpu), repr(float(named["images"]) / cpu)]))
        for batch in sizes:
            images, elapsed, cpu = numpy_best[batch]
            rows.append(f"numpy,{net.name},{batch},{images},{elapsed},{images / elapsed},1,{difference},{cores},{py},"
                        f"{cpu!r},{images / cpu!r}")
        print(f"{path}: max |logit difference| {difference:.3g}", file=sys.stderr)
    directory = os.path.dirname(args.output) or "."
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".csv")
    with os.fdopen(fd, "w") as f:
        f.write("\n".join(rows) + "\n")
    os.replace(tmp, args.output)
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
