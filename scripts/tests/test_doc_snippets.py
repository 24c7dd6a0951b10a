"""Every ```swift block of README.md, Guides/*.md and the DocC catalog's articles, and every
```swift example in the library's doc comments, compiles against the library as built by
`swift build` / `swift test` (.build/debug/Modules).

Each block becomes one file of a throw-away module that `swiftc -typecheck` checks in Swift 6
mode (type-checking is the whole of compilation short of code generation; nothing is linked or
run — Tests/CodedComputingTests/ReadmeExampleTests runs the README's example). A block that
declares types or functions at column 0 stays at file scope (so later blocks of the same Guide
can use them, as Guides/Architecture.md's second block uses the first); any other block becomes
the body of an `async throws` function. Names a fragment uses without defining them — `x`,
`results`, `survivors`, … — are the placeholders below, declared in an outer scope so that a
block may shadow them. A block keeps its own `import` lines; fragments without any get
`import CodedComputing` and `import Foundation`.
"""
import glob
import os
import re
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULES = os.path.join(ROOT, ".build", "debug", "Modules")

# What the prose around each fragment says these names are.
PLACEHOLDERS = {
    "x": "let x = uniformInputs(count: 4, dimension: 2, range: -1...1, seed: 0)  // K × d",
    "inputs": "let inputs = uniformInputs(count: 4, dimension: 2, range: -1...1, seed: 0)",
    "coded": "let coded = Matrix(rows: 8, columns: 2)  // N × d",
    "results": "let results = Matrix(rows: 6, columns: 2)  // |T| × m",
    "survivors": "let survivors = Array(2..<8)",
    "n": "let n = 8",
    "s": "let s = 2",
    "m": "let m = 2",
    "sigma": "let sigma = 0.1",
    "t": "let t = (0..<10).map { Double($0) }",
    "w": "let w = [Double](repeating: 1, count: 10)",
    "y": "let y = Matrix(rows: 10, columns: 2)",
    "points": "let points = [0.5, 1.5]",
    "f": "let f = BuiltinFunction.xsinx",
    "code": "let code = try SplineCode(inputCount: 4, workerCount: 8)",
    "pool": "let pool = InProcessWorkerPool()",
    "fitted": "let fitted = Matrix(rows: 10, columns: 2)",
    "a": "let a = Matrix(rows: 3, columns: 3)",
    "b": "let b = Matrix(rows: 3, columns: 2)",
    "images": "let images = Matrix(rows: 5, columns: 64)  // B × pixels",
    "net": "let net = try SequentialNetwork.make(.mlp, inputShape: FeatureShape(flat: 4), "
           "classes: 3, activation: .tanh, seed: 0)",
    "base": "let base = try SequentialNetwork.make(.mlp, inputShape: FeatureShape(flat: 4), "
            "classes: 3, activation: .tanh, seed: 0)",
    "parity": "let parity = try SequentialNetwork.make(.mlp, inputShape: FeatureShape(flat: 4), "
              "classes: 3, activation: .tanh, seed: 1)",
    "train": "let train = LabeledDataset(features: Matrix(rows: 20, columns: 4), labels: "
             "[Int](repeating: 0, count: 20))",
    "labels": "let labels = [Int](repeating: 0, count: 4)",
    "fp": "let fp = Matrix(rows: 2, columns: 3)  // F_P(P_g), one row per group",
    "setup": "let setup = ExperimentSetup(scheme: .letcc, workload: BuiltinFunction.xsinx, "
             "inputs: uniformInputs(count: 4, dimension: 1, range: -1...1, seed: 0), workers: 8, "
             "stragglers: 2, stragglerModel: .random)",
    "batch": "let batch = Matrix(rows: 5, columns: 4)  // B × inputs",
    "targets": "let targets = Matrix(rows: 5, columns: 3)  // B × m",
    "blocks": "let blocks = Matrix(rows: 4, columns: 3)  // K data blocks × d",
    "delays": "let delays = [Duration](repeating: .milliseconds(1), count: 16)",
    "test": "let test = LabeledDataset(features: Matrix(rows: 20, columns: 4), labels: "
            "[Int](repeating: 0, count: 20))",
}

# Where a document's prose gives a name another type.
OVERRIDES = {
    "SplineSmoother+GCV.swift": {"y": "let y = (0..<10).map { Double($0 * $0) }  // one column"},
    "BandCholesky.swift": {"a": "let a = SymmetricBandMatrix(order: 5, bandwidth: 2)"},
    "ParityModelCode+DegradedMode.swift": {"f": "let f = Matrix(rows: 4, columns: 3)  // F(X)"},
    "LTCodes.md": {"f": "let f: (Int) -> Double = { Double($0) }  // fⱼ"},
    "Optimization/": {
        "x": "var x = [Double](repeating: 0.1, count: 64)  // the point",
        "f": "let f = try TestFunction(name: \"quadratic\", dimension: 64, seed: 1)",
        "direction": "let direction = [Double](repeating: 0, count: 64)",
        "network": "let network = try SequentialNetwork.make(.mlp, inputShape: FeatureShape(flat: 64), "
                   "classes: 10, activation: .tanh, seed: 0)",
        "image": "let image = [Double](repeating: 0.5, count: 64)",
        "estimate": "let estimate = (gradient: [Double](repeating: 0, count: 64), isDecoded: true)",
        "estimator": "let estimator = try CodedGradientEstimator(code: .mds, dimension: 64, "
                     "workers: 16, blockSize: 14, step: 1e-4)",
    },
}

DOCUMENTS = (["README.md"] + sorted(glob.glob(os.path.join(ROOT, "Guides", "*.md")))
             + sorted(glob.glob(os.path.join(ROOT, "Sources", "*", "*.docc", "*.md"))))


def swift_blocks():
    """(document, index, code) for every ```swift block."""
    blocks = []
    for path in DOCUMENTS:
        path = os.path.join(ROOT, path)
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        for index, match in enumerate(re.finditer(r"```swift\n(.*?)\n```", text, re.S)):
            blocks.append((os.path.relpath(path, ROOT), index, match.group(1)))
    return blocks


def doc_comment_blocks():
    """(file, line, code) for every ```swift example in the library's doc comments."""
    blocks = []
    for path in sorted(glob.glob(os.path.join(ROOT, "Sources", "CodedComputing", "**", "*.swift"),
                              recursive=True)):
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().split("\n")
        start = None
        for number, line in enumerate(lines, start=1):
            if start is None and re.match(r"^\s*/// ```swift\s*$", line):
                start, body = number, []
            elif start is not None and re.match(r"^\s*/// ```\s*$", line):
                blocks.append((os.path.relpath(path, ROOT), f"line {start}", "\n".join(body)))
                start = None
            elif start is not None:
                body.append(re.sub(r"^\s*/// ?", "", line))
    return blocks


DECLARATION = re.compile(r"^(public |private |fileprivate |final )*(struct|class|enum|protocol|"
                         r"extension|func|actor|typealias)\b", re.M)


def _identifiers(code):
    without_strings = re.sub(r'"(?:\\.|[^"\\])*"', '""', code)
    without_comments = re.sub(r"//[^\n]*", "", without_strings)
    return set(re.findall(r"(?<![.\w])([A-Za-z_]\w*)", without_comments))


def render(document, index, code):
    """The Swift file for one block."""
    lines = code.split("\n")
    imports = [line for line in lines if line.startswith("import ")]
    body = "\n".join(line for line in lines if not line.startswith("import "))
    header = "\n".join(imports) if imports else "import CodedComputing\nimport Foundation"
    where = index if isinstance(index, str) else f"swift block {index}"
    label = f"// {document}, {where}\n"
    if DECLARATION.search(body):
        return f"{label}{header}\n\n{body}\n"
    used = _identifiers(body)
    declarations = dict(PLACEHOLDERS)
    for suffix, names in OVERRIDES.items():
        if suffix in document:
            declarations.update(names)
    placeholders = [decl for name, decl in declarations.items() if name in used]
    name = re.sub(r"\W", "_", f"{document}_{index}")
    inner = "\n".join("    " + line if line else "" for line in body.split("\n"))
    outer = "\n".join("  " + p for p in placeholders)
    return (f"{label}{header}\n\nfunc _snippet_{name}() async throws {{\n{outer}\n  do {{\n"
            f"{inner}\n  }}\n}}\n")


def test_every_document_has_its_blocks_found():
    found = {doc for doc, _, _ in swift_blocks()}
    assert "README.md" in found
    assert os.path.join("Guides", "Architecture.md") in found
    assert len(swift_blocks()) >= 9


def c_module_search_paths():
    """-I flags for the library's module and the C modules it imports: system-library targets
    keep a module.modulemap in Sources/<Target>, C targets get one generated beside their objects
    (.build/debug/<Target>.build)."""
    flags = ["-I", MODULES]
    for target in sorted(glob.glob(os.path.join(ROOT, "Sources", "*"))):
        name = os.path.basename(target)
        for directory in (target, os.path.join(ROOT, ".build", "debug", f"{name}.build")):
            if os.path.exists(os.path.join(directory, "module.modulemap")):
                flags += ["-I", directory]
        include = os.path.join(target, "include")
        if os.path.isdir(include):
            flags += ["-I", include]
    # The headers of system-library targets (mpi.h for CMPI) come from their pkg-config names.
    with open(os.path.join(ROOT, "Package.swift"), encoding="utf-8") as handle:
        names = re.findall(r'pkgConfig:\s*"([^"]+)"', handle.read())
    for name in names:
        proc = subprocess.run(["pkg-config", "--cflags", name], capture_output=True, text=True)
        if proc.returncode == 0:
            for flag in proc.stdout.split():
                flags += ["-Xcc", flag]
    return flags


def typecheck(tmp_path, blocks):
    """Writes one file per block and type-checks them as one module; returns swiftc's result."""
    swiftc = shutil.which("swiftc") or "/opt/swift/usr/bin/swiftc"
    module = os.path.join(MODULES, "CodedComputing.swiftmodule")
    assert os.path.exists(module), f"{module} not found: run `swift build` (or `swift test`) first"
    files = []
    for document, index, code in blocks:
        path = tmp_path / f"block_{len(files):02d}.swift"
        path.write_text(render(document, index, code))
        files.append(str(path))
    return subprocess.run(
        [swiftc, "-typecheck", "-continue-building-after-errors", "-swift-version", "6",
         "-parse-as-library", "-module-name", "DocSnippets", *c_module_search_paths(), *files],
        capture_output=True, text=True, timeout=600)


def test_the_check_catches_a_wrong_snippet(tmp_path):
    # The README's old prose: ClosureWorkload without its name does not compile.
    proc = typecheck(tmp_path, [("README.md", 0, "let f = ClosureWorkload { x in [x[0]] }")])
    assert proc.returncode != 0
    assert "missing argument for parameter 'name'" in proc.stderr


def test_every_swift_block_compiles(tmp_path):
    _expect_compiles(typecheck(tmp_path, swift_blocks()))


def test_every_doc_comment_example_compiles(tmp_path):
    blocks = doc_comment_blocks()
    assert len(blocks) >= 30
    _expect_compiles(typecheck(tmp_path, blocks))


def _expect_compiles(proc):
    errors = [line for line in proc.stderr.splitlines() if re.match(r"^/\S+\.swift:\d+:\d+: error:", line)]
    if proc.returncode != 0:
        # Name the document and block of every error.
        report = []
        for line in errors:
            file = line.split(":", 1)[0]
            with open(file) as handle:
                report.append(handle.readline().strip() + ": " + line)
        pytest.fail("\n".join(report) or proc.stderr)
