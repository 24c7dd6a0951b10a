import CodedComputing
import Foundation
import Testing

/// Every case of the hostile-input audit (issue 11), run through the built executable: the exit
/// code, the first line of stderr (after any `note: still running` progress lines), and that no
/// file in the scratch directory changed (contents, type or mode) — an error must leave every output as it was. Each run is killed after 60 s, so
/// a hang fails its case instead of the suite.
@Suite("CLI: hostile input (issue 11)")
struct CLIHardeningTests {
  /// One command and what it must do.
  struct Case: Sendable, CustomTestStringConvertible {
    let name: String
    /// Arguments; `$D` is the scratch directory (holding ``files``), `$ROOT` the package root.
    let arguments: [String]
    /// The expected exit status.
    let status: Int32
    /// A fragment the first stderr line must contain ("" for no stderr at all).
    let firstLine: String
    /// A fragment stdout must contain (exit 0 cases), or nil.
    var stdout: String? = nil
    /// Text fed on standard input.
    var stdin: String? = nil
    var testDescription: String { name }
  }

  /// Data files every case sees in its scratch directory (`out.csv` and `model.json` stand for
  /// existing outputs that an error must not touch).
  static let files: [String: String] = [
    "n.csv": "t,y\n0,1\n1,2\n2,0\n3,5\n",
    "a.csv": "t\n0\n1.5\n",
    "far.csv": "t\n1e308\n-1e308\n",
    "k200.csv": "t,y\n0,1\n1e-200,2\n2e-200,0\n3e-200,5\n",
    "k110.csv": "t,y\n0,1\n1e-110,2\n2e-110,0\n3e-110,5\n",
    "kbig.csv": "t,y\n0,1\n1e110,2\n2e110,0\n3e110,5\n",
    "tiny-w.csv": "w\n5e-324\n5e-324\n5e-324\n5e-324\n",
    "big.csv": "t,y\n0,1e308\n1,-1e308\n2,1e308\n3,-1e308\n",
    "big-inputs.csv": "x\n1e308\n-1e308\n1e308\n-1e308\n",
    "k103.csv": "t,y\n0,1\n1e103,2\n2e103,0\n3e103,5\n4e103,1\n",
    "sub.csv": "t,y\n0,1\n1e-323,2\n2e-323,0\n3e-323,5\n",
    "sub-at.csv": "t\n1e-323\n",
    "k200-at.csv": "t\n1e-200\n",
    "cr.csv": "t,y\r0,1\r1,2\r2,0\r3,5\r",
    "nul.csv": "t,y\n0,1\n1,2\u{0}2\n2,0\n",
    "out.csv": "sentinel\n",
    "model.json": "sentinel\n",
    "train/train.csv": "label,a,b\n0,1,2\n1,2,3\n0,0,1\n1,3,1\n",
    "train/test.csv": "label,a,b\n0,1,2\n1,2,3\n",
    "bigLabel/train.csv": "label,a,b\n0,1,2\n999999999,2,3\n1,0,1\n",
    "bigLabel/test.csv": "label,a,b\n0,1,2\n1,2,3\n",
    "oneClass/train.csv": "label,a,b\n3,1,2\n3,2,3\n3,0,1\n",
    "oneClass/test.csv": "label,a,b\n3,1,2\n",
  ]

  static let run = ["run", "--scheme", "letcc", "--function", "xsinx", "--K", "10"]
  static let sweep = [
    "sweep", "--scheme", "bacc", "--function", "xsinx", "--K", "4", "--workers", "10",
    "--stragglers", "1",
  ]

  static let cases: [Case] = [
    // 1. GCV: bounded, finds λ or says why not.
    Case(
      name: "GCV, knots 1e-200 apart", arguments: ["spline", "--data", "$D/k200.csv", "--at", "$D/a.csv"],
      status: 1, firstLine: "error: GCV chose λ"),
    Case(
      name: "GCV, knots 1e-110 apart", arguments: ["spline", "--data", "$D/k110.csv", "--at", "$D/a.csv"],
      status: 1, firstLine: "below the smallest normal Double"),
    Case(
      name: "GCV, knots 1e110 apart", arguments: ["spline", "--data", "$D/kbig.csv", "--at", "$D/a.csv"],
      status: 1, firstLine: "beyond the largest Double"),
    Case(
      name: "GCV, weights 5e-324",
      arguments: ["spline", "--data", "$D/n.csv", "--at", "$D/a.csv", "--weights", "$D/tiny-w.csv"],
      status: 1, firstLine: "error: GCV chose λ"),
    // 2. Sizes checked before allocating.
    Case(
      name: "run --workers Int.max",
      arguments: run + ["--workers", "9223372036854775807", "--stragglers", "5"], status: 1,
      firstLine: "more than any machine can address: lower --K, --workers or --dim"),
    Case(
      name: "run --workers 1e15", arguments: run + ["--workers", "1000000000000000", "--stragglers", "5"],
      status: 1, firstLine: "available: lower --K, --workers or --dim"),
    Case(
      name: "run --K 1e12",
      arguments: ["run", "--scheme", "letcc", "--function", "xsinx", "--K", "1000000000000", "--workers", "20"],
      status: 1, firstLine: "error: the K × d random inputs would need about 8.0 TB"),
    Case(
      name: "timing --workers Int.max", arguments: ["timing", "--workers", "9223372036854775807"],
      status: 1, firstLine: "more than any machine can address"),
    Case(
      name: "run --dim 2^62", arguments: run + ["--dim", "4611686018427387904", "--workers", "20"],
      status: 1, firstLine: "error: the K × d random inputs would need 10 × 4611686018427387904"),
    Case(
      name: "train, label 999999999",
      arguments: ["train", "--data", "$D/bigLabel", "--output", "$D/model.json"], status: 1,
      firstLine: "(the labels go up to 999999999) would need about"),
    Case(
      name: "train --hidden 100000000",
      arguments: ["train", "--data", "$D/train", "--hidden", "100000000", "--output", "$D/model.json"],
      status: 1, firstLine: "error: a network with layers 2 → 100000000 → 2"),
    // 3. Outputs: refused before the work, never replaced wrongly.
    Case(
      name: "sweep --output a directory", arguments: sweep + ["--output", "$D/train"], status: 1,
      firstLine: "error: cannot write '$D/train': is a directory"),
    Case(
      name: "sweep --output in a missing directory", arguments: sweep + ["--output", "$D/missing/x.csv"],
      status: 1, firstLine: "directory '$D/missing': no such file or directory"),
    Case(
      name: "train --output in a missing directory",
      arguments: ["train", "--data", "$D/train", "--output", "$D/missing/m.json"], status: 1,
      firstLine: "error: cannot write '$D/missing/m.json'"),
    Case(
      name: "sweep --output /dev/null streams to the device", arguments: sweep + ["--output", "/dev/null"],
      status: 0, firstLine: "[1/1] bacc N=10 S=1"),
    // 4. Silent wrong results become right results or errors.
    Case(
      name: "--at ±1e308 beyond a Double",
      arguments: ["spline", "--data", "$D/n.csv", "--at", "$D/far.csv", "--lambda", "0.5"], status: 1,
      firstLine: "error: the spline of y at 1e+308 ('$D/far.csv' line 2) is inf"),
    Case(
      name: "data ±1e308 at λ = 0 interpolates",
      arguments: ["spline", "--data", "$D/big.csv", "--at", "$D/a.csv", "--lambda", "0"], status: 0,
      firstLine: "", stdout: "0.0,1e+308\n1.5,0.0\n"),
    Case(
      name: "data ±1e308 at λ = 1 stays finite",
      arguments: ["spline", "--data", "$D/big.csv", "--at", "$D/a.csv", "--lambda", "1"], status: 0,
      firstLine: "", stdout: "t,y\n0.0,6.19047619047619e+307\n"),
    Case(
      name: "knots 1e-200 apart at λ = 0 interpolate",
      arguments: ["spline", "--data", "$D/k200.csv", "--at", "$D/k200-at.csv", "--lambda", "0"], status: 0,
      firstLine: "", stdout: "1e-200,2.0\n"),
    Case(
      name: "subnormal knot spacing at λ = 0 interpolates",
      arguments: ["spline", "--data", "$D/sub.csv", "--at", "$D/sub-at.csv", "--lambda", "0"], status: 0,
      firstLine: "", stdout: "1e-323,2.0\n"),
    Case(
      name: "knots 1e110 apart at λ = 0 interpolate",
      arguments: ["spline", "--data", "$D/kbig.csv", "--at", "$D/a.csv", "--lambda", "0"], status: 0,
      firstLine: "", stdout: "0.0,1.0\n"),
    Case(
      name: "GCV on knots scaled by 1e103 says λ does not fit a Double",
      arguments: ["spline", "--data", "$D/k103.csv", "--at", "$D/a.csv"], status: 1,
      firstLine: "which is beyond the largest Double in the data's own units"),
    Case(
      name: "run --decoder-lambda 1e303 (the line) runs",
      arguments: run + ["--workers", "30", "--stragglers", "3", "--decoder-lambda", "1e303"], status: 0,
      firstLine: "", stdout: "letcc,xsinx,10,30,3,random"),
    Case(
      name: "run --encoder-lambda 1e306 (the line) runs",
      arguments: run + ["--workers", "30", "--stragglers", "3", "--encoder-lambda", "1e306"], status: 0,
      firstLine: "", stdout: "letcc,xsinx,10,30,3,random"),
    Case(
      name: "λ = 1e306 is the least-squares line",
      arguments: ["spline", "--data", "$D/n.csv", "--at", "$D/a.csv", "--lambda", "1e306"], status: 0,
      firstLine: "", stdout: "0.0,0.5\n1.5,2.0\n"),
    Case(
      name: "weights 5e-324 at λ = 0.1 give the line",
      arguments: [
        "spline", "--data", "$D/n.csv", "--at", "$D/a.csv", "--weights", "$D/tiny-w.csv", "--lambda", "0.1",
      ], status: 0, firstLine: "", stdout: "0.0,0.5\n1.5,2.0\n"),
    Case(
      name: "train --learning-rate 1e300 diverges and writes nothing",
      arguments: [
        "train", "--data", "$D/train", "--learning-rate", "1e300", "--optimizer", "sgd", "--output",
        "$D/model.json",
      ], status: 1, firstLine: "error: training diverged"),
    // 5. Usage and messages.
    Case(
      name: "--input-range -1:1 without '='",
      arguments: run + ["--workers", "20", "--input-range", "-1:1"], status: 0, firstLine: "",
      stdout: "letcc,xsinx,10,20,0,random"),
    Case(name: "--K -3", arguments: ["run", "--scheme", "letcc", "--function", "xsinx", "--K", "-3", "--workers", "20"], status: 1, firstLine: "error: --K must be at least 2, got -3"),
    Case(name: "--dim -2", arguments: run + ["--workers", "20", "--dim", "-2"], status: 1, firstLine: "error: --dim must be at least 1, got -2"),
    Case(name: "--trials -1", arguments: run + ["--workers", "20", "--trials", "-1"], status: 1, firstLine: "error: trials must be at least 1, got -1"),
    Case(name: "--seed -1", arguments: run + ["--workers", "20", "--seed", "-1"], status: 64, firstLine: "Error: The value '-1' is invalid for '--seed <seed>'"),
    Case(
      name: "--noise 1e308", arguments: run + ["--workers", "30", "--stragglers", "3", "--noise", "1e308"],
      status: 1, firstLine: "lower --noise, --input-range"),
    Case(
      name: "--noise 1e200", arguments: run + ["--workers", "30", "--stragglers", "3", "--noise", "1e200"],
      status: 1, firstLine: "error: the mse is inf, not a finite number: values outgrew a Double"),
    Case(
      name: "--input-range -1e308:1e308",
      arguments: run + ["--workers", "30", "--input-range", "-1e308:1e308"], status: 1,
      firstLine: "error: --input-range -1e308:1e308: the width B - A overflows a Double"),
    Case(
      name: "inputs of ±1e308",
      arguments: [
        "run", "--scheme", "bacc", "--function", "xsinx", "--inputs", "$D/big-inputs.csv", "--workers", "10",
      ], status: 1, firstLine: "lower --noise, --input-range (or the --inputs values)"),
    Case(
      name: "timing --scheme \"\" prints nothing", arguments: ["timing", "--scheme", "", "--repeats", "1"],
      status: 1, firstLine: "error: unknown scheme ''"),
    Case(
      name: "infer with nothing to do",
      arguments: [
        "infer", "--model", "$ROOT/notebooks-data/models/digits-mlp-tanh.json", "--data",
        "$ROOT/notebooks-data/digits", "--schemes", "uncoded", "--redundancy", "2", "--output", "$D/out.csv",
      ], status: 1, firstLine: "error: nothing to run"),
    Case(
      name: "sweep --skip-invalid with every point invalid",
      arguments: [
        "sweep", "--scheme", "lcc", "--function", "xsinx", "--K", "10", "--workers", "12", "--stragglers", "5",
        "--skip-invalid", "--output", "$D/out.csv",
      ], status: 1, firstLine: "skipped lcc N=12 S=5"),
    Case(
      name: "fixed straggler set: S is the set's size",
      arguments: run + ["--workers", "20", "--stragglers", "7", "--straggler-model", "fixed", "--straggler-set", "1,2"],
      status: 0, firstLine: "", stdout: "letcc,xsinx,10,20,2,fixed"),
    Case(
      name: "no stragglers: S is 0",
      arguments: run + ["--workers", "20", "--stragglers", "7", "--straggler-model", "none"],
      status: 0, firstLine: "", stdout: "letcc,xsinx,10,20,0,none"),
    Case(
      name: "/dev/null as data", arguments: ["spline", "--data", "/dev/null", "--at", "$D/a.csv"], status: 1,
      firstLine: "error: '/dev/null' is empty"),
    Case(
      name: "/dev/zero as data", arguments: ["spline", "--data", "/dev/zero", "--at", "$D/a.csv"], status: 1,
      firstLine: "error: '/dev/zero' line 1 is longer than 1048576 bytes"),
    Case(
      name: "'-' reads stdin", arguments: ["spline", "--data", "-", "--at", "$D/a.csv", "--lambda", "0"],
      status: 0, firstLine: "", stdout: "0.0,1.0\n1.5,0.7\n", stdin: "t,y\n0,1\n1,2\n2,0\n3,5\n"),
    Case(
      name: "/dev/stdin as data",
      arguments: ["spline", "--data", "/dev/stdin", "--at", "$D/a.csv", "--lambda", "0"], status: 0,
      firstLine: "", stdout: "0.0,1.0\n1.5,0.7\n", stdin: "t,y\n0,1\n1,2\n2,0\n3,5\n"),
    Case(
      name: "a bad row on stdin is named <stdin>",
      arguments: ["spline", "--data", "-", "--at", "$D/a.csv"], status: 1,
      firstLine: "error: '<stdin>' line 3, column 2 (y): 'x' is not a number", stdin: "t,y\n0,1\n1,x\n2,0\n"),
    Case(
      name: "CR-only line ends", arguments: ["spline", "--data", "$D/cr.csv", "--at", "$D/a.csv", "--lambda", "0"],
      status: 0, firstLine: "", stdout: "0.0,1.0\n1.5,0.7\n"),
    Case(
      name: "NUL byte shown as \\0",
      arguments: ["spline", "--data", "$D/nul.csv", "--at", "$D/a.csv", "--lambda", "0"], status: 1,
      firstLine: "error: '$D/nul.csv' line 3, column 2 (y): '2\\02' is not a number"),
    Case(
      name: "train refuses a single class",
      arguments: ["train", "--data", "$D/oneClass", "--output", "$D/model.json"], status: 1,
      firstLine: "every label is 3, only one class; a classifier needs at least two"),
  ]

  @Test("exit code, first stderr line, and no file changed", arguments: cases)
  func hostileCase(_ testCase: Case) throws {
    let scratch = try CLISplineTests.Scratch()
    let directory = scratch.directory.path
    for (name, text) in Self.files {
      let url = scratch.directory.appendingPathComponent(name)
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(text.utf8).write(to: url)
    }
    let before = try Self.snapshot(directory)
    let arguments = testCase.arguments.map {
      $0.replacingOccurrences(of: "$D", with: directory).replacingOccurrences(
        of: "$ROOT", with: Self.root.path)
    }
    let run = try Self.coded(arguments, stdin: testCase.stdin)
    // `note: still running …` lines say a run is slow (a loaded machine, a sanitizer build); the
    // first line that is not one of them is the one that must name the problem.
    let lines = run.stderr.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("note: ") }
    let first = lines.first ?? ""
    let expected = testCase.firstLine.replacingOccurrences(of: "$D", with: directory)
    #expect(run.status == testCase.status, "exit \(run.status); stderr: \(run.stderr)")
    if expected.isEmpty {
      #expect(lines.isEmpty, "stderr: \(run.stderr)")
    } else {
      #expect(first.contains(expected), "first stderr line: \(first)")
    }
    if testCase.status != 0 {
      #expect(run.stdout.isEmpty, "stdout: \(run.stdout)")
      if testCase.status == 1 {
        // One `error:` line: any lines before it are `skipped …`/`note:` progress.
        let errors = run.stderr.split(separator: "\n").filter { $0.hasPrefix("error: ") }
        #expect(errors.count == 1, "stderr: \(run.stderr)")
      }
    }
    if let fragment = testCase.stdout {
      #expect(run.stdout.contains(fragment), "stdout: \(run.stdout)")
    }
    #expect(!run.stdout.contains("nan") && !run.stdout.contains("inf,"), "stdout: \(run.stdout)")
    #expect(try Self.snapshot(directory) == before, "a file in the scratch directory changed")
  }

  @Test("Huge λ is the least-squares line: --decoder-lambda 1e303 and 1e40 print the same MSE")
  func hugeDecoderLambda() throws {
    func mse(_ lambda: String) throws -> String {
      let run = try Self.coded(Self.run + ["--workers", "30", "--stragglers", "3", "--decoder-lambda", lambda])
      #expect(run.status == 0, "\(run.stderr)")
      return String(run.stdout.split(separator: "\n").last?.split(separator: ",")[8] ?? "")
    }
    let line = try mse("1e303")
    #expect(line == (try mse("1e40")))
    #expect((Double(line) ?? 0) > 0.01, "the line cannot fit x·sin x: \(line)")
  }

  @Test("A FIFO and a 2 MB single-line file as --data")
  func specialInputs() throws {
    let scratch = try CLISplineTests.Scratch()
    let at = try scratch.file("a.csv", "t\n0\n1.5\n")
    let fifo = scratch.directory.appendingPathComponent("data").path
    #expect(mkfifo(fifo, 0o644) == 0)
    let writer = Thread {
      FileHandle(forWritingAtPath: fifo)?.write(Data("t,y\n0,1\n1,2\n2,0\n3,5\n".utf8))
    }
    writer.start()
    let run = try Self.coded(["spline", "--data", fifo, "--at", at, "--lambda", "0"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout == "t,y\n0.0,1.0\n1.5,0.7\n")
    let long = try scratch.file("long.csv", "t,y\n" + String(repeating: "1", count: 2_000_000))
    let start = Date()
    let refused = try Self.coded(["spline", "--data", long, "--at", at])
    #expect(refused.status == 1)
    #expect(refused.stderr.hasPrefix("error: '\(long)' line 2 is longer than 1048576 bytes"), "\(refused.stderr)")
    #expect(Date().timeIntervalSince(start) < 10)
  }

  // MARK: Output destinations

  @Test("coded spline onto a full device: one error line and exit 1, not a crash")
  func splineOntoFullDevice() throws {
    guard FileManager.default.fileExists(atPath: "/dev/full") else { return }
    let executable = try #require(CLISplineTests.executable)
    let scratch = try CLISplineTests.Scratch()
    let data = try scratch.file("d.csv", "t,y\n0,1\n1,2\n2,0\n3,5\n")
    let at = try scratch.file("a.csv", "t\n0\n1.5\n")
    let errors = try scratch.file("err.txt", "")
    let process = Process()
    process.executableURL = executable
    process.arguments = ["spline", "--data", data, "--at", at, "--lambda", "0"]
    process.standardOutput = try #require(FileHandle(forWritingAtPath: "/dev/full"))
    process.standardError = try #require(FileHandle(forWritingAtPath: errors))
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 1)
    let stderr = try String(contentsOfFile: errors, encoding: .utf8)
    #expect(stderr == "error: cannot write '<stdout>': no space left on device\n", "\(stderr)")
  }

  @Test("--output through a symlink writes its target and keeps the link; a 0600 file stays 0600")
  func symlinkAndMode() throws {
    let scratch = try CLISplineTests.Scratch()
    let target = try scratch.file("target.csv", "old\n")
    chmod(target, 0o600)
    let link = scratch.directory.appendingPathComponent("link.csv").path
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "target.csv")
    let run = try Self.coded(Self.sweep + ["--output", link])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "target.csv")
    let text = try String(contentsOfFile: target, encoding: .utf8)
    #expect(text.hasPrefix("scheme,function,K,N,S"))
    var info = stat()
    #expect(lstat(target, &info) == 0)
    #expect(info.st_mode & 0o7777 == 0o600)
    #expect(info.st_mode & S_IFMT == S_IFREG)
    // Only the target and the link: no temporary file left behind.
    #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.directory.path).sorted() == ["link.csv", "target.csv"])
  }

  @Test("--output onto a character device node streams into it (root only: mknod)")
  func deviceNode() throws {
    guard getuid() == 0 else { return }
    let scratch = try CLISplineTests.Scratch()
    let node = scratch.directory.appendingPathComponent("node").path
    #expect(mknod(node, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0)  // major 1, minor 3: a second /dev/null
    let run = try Self.coded(Self.sweep + ["--output", node])
    #expect(run.status == 0, "\(run.stderr)")
    var info = stat()
    #expect(lstat(node, &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
  }

  @Test("--output in a read-only directory fails before the sweep runs (non-root only)")
  func readOnlyDirectory() throws {
    guard getuid() != 0 else { return }
    let scratch = try CLISplineTests.Scratch()
    chmod(scratch.directory.path, 0o500)
    defer { chmod(scratch.directory.path, 0o700) }
    let run = try Self.coded(Self.sweep + ["--output", scratch.directory.path + "/x.csv"])
    #expect(run.status == 1)
    #expect(run.stderr.hasPrefix("error: cannot write"), "\(run.stderr)")
    #expect(!run.stderr.contains("[1/1]"), "the sweep ran before the check: \(run.stderr)")
  }

  @Test("--output onto a FIFO streams into it (the FIFO stays a FIFO)")
  func fifo() throws {
    let scratch = try CLISplineTests.Scratch()
    let path = scratch.directory.appendingPathComponent("fifo").path
    #expect(mkfifo(path, 0o644) == 0)
    let received = Box()
    let reader = Thread {
      // open(2) on a FIFO blocks until the writer opens it; then read to its end.
      received.set(FileHandle(forReadingAtPath: path)?.readDataToEndOfFile() ?? Data())
    }
    reader.start()
    let run = try Self.coded(Self.sweep + ["--output", path])
    #expect(run.status == 0, "\(run.stderr)")
    for _ in 0..<100 where received.get().isEmpty { usleep(20_000) }
    #expect(String(decoding: received.get(), as: UTF8.self).hasPrefix("scheme,function,K,N,S"))
    var info = stat()
    #expect(lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
  }

  @Test("a run longer than a second says so on stderr")
  func progress() throws {
    // Every worker is delayed 1.5 s (the arrival model sleeps for real), so the run takes 1.5 s.
    let run = try Self.coded([
      "run", "--scheme", "bacc", "--function", "xsinx", "--K", "4", "--workers", "10", "--stragglers",
      "1", "--straggler-model", "arrival", "--latency", "constant:1.5",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.hasPrefix("note: still running bacc N=10 S=1, 1 trials (1 s)"), "\(run.stderr)")
  }

  // MARK: Harness

  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// Every file under `directory`: its relative path, type, mode and contents.
  static func snapshot(_ directory: String) throws -> [String: String] {
    var out: [String: String] = [:]
    let enumerator = FileManager.default.enumerator(atPath: directory)
    while let name = enumerator?.nextObject() as? String {
      let path = directory + "/" + name
      var info = stat()
      guard lstat(path, &info) == 0 else { continue }
      let kind = info.st_mode & S_IFMT
      let contents =
        kind == S_IFREG ? (try? String(contentsOfFile: path, encoding: .utf8)) ?? "<binary>" : ""
      out[name] = "\(kind) \(info.st_mode & 0o7777) \(contents)"
    }
    return out
  }

  /// Runs the executable with a 60 s limit, feeding `stdin`; stdout and stderr are drained on
  /// their own threads so a chatty process cannot block.
  static func coded(_ arguments: [String], stdin: String? = nil) throws -> CLISplineTests.Run {
    let executable = try #require(CLISplineTests.executable, "the coded executable was not found")
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    let input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = stdin == nil ? FileHandle.nullDevice : input
    let outText = Box()
    let errText = Box()
    let group = DispatchGroup()
    for (pipe, sink) in [(out, outText), (err, errText)] {
      group.enter()
      Thread {
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        sink.set(data)
        group.leave()
      }.start()
    }
    try process.run()
    if let stdin {
      input.fileHandleForWriting.write(Data(stdin.utf8))
      try input.fileHandleForWriting.close()
    }
    let deadline = Date().addingTimeInterval(60)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    let hung = process.isRunning
    if hung { process.terminate() }
    process.waitUntilExit()
    group.wait()
    #expect(!hung, "coded \(arguments.joined(separator: " ")) ran for more than 60 s")
    return CLISplineTests.Run(
      status: process.terminationStatus,
      stdout: String(decoding: outText.get(), as: UTF8.self),
      stderr: String(decoding: errText.get(), as: UTF8.self))
  }

  /// Bytes shared between a reader thread and the test.
  final class Box: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
  }
}
