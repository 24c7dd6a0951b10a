import ArgumentParser
import CodedComputingMPI
import Foundation

/// How a command prints its rows: `csv` (every column, for scripts) or `table` (the key columns
/// aligned, numbers to 3 significant digits, for people).
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case csv, table
}

/// The `--format` option shared by the commands that print result rows.
struct FormatOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "csv (every column) or table (key columns aligned, 3 significant digits). Default: table when stdout is a terminal, csv otherwise; files written with --output are always CSV.",
      valueName: "csv|table"))
  var format: OutputFormat?

  /// The format in force: the option, or `table` on a terminal and `csv` otherwise. Under an MPI
  /// launcher it is `csv`: `mpirun` gives rank 0 a pseudo-terminal whatever its own stdout is.
  var resolved: OutputFormat {
    format ?? (isatty(STDOUT_FILENO) != 0 && !MPIWorld.isLaunched ? .table : .csv)
  }
}

/// Rows of (column, value) pairs, printed as CSV or as an aligned table.
struct ResultTable {
  var header: [String]
  var rows: [[String]] = []
  /// The columns a `table` shows (in this order); all when nil or none of them exist.
  var keyColumns: [String]?

  init(header: [String], keyColumns: [String]? = nil) {
    self.header = header
    self.keyColumns = keyColumns
  }

  /// CSV text with a header line; fields with a comma, quote or line break are quoted.
  var csv: String {
    ([header] + rows).map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
  }

  /// The key columns aligned in fixed-width columns; numbers with 3 significant digits.
  var table: String {
    let indices = (keyColumns ?? header).compactMap { header.firstIndex(of: $0) }
    let shown = indices.isEmpty ? Array(header.indices) : indices
    let cells = [shown.map { header[$0] }] + rows.map { row in shown.map { readable(row[$0]) } }
    let widths = shown.indices.map { c in cells.map { $0[c].count }.max() ?? 0 }
    return cells.map { line in
      zip(line, widths).enumerated().map { index, pair in
        let (cell, width) = pair
        let pad = String(repeating: " ", count: width - cell.count)
        // Text left-aligned, numbers right-aligned.
        return (Double(cell) == nil && cell != "-") || index == 0 ? cell + pad : pad + cell
      }.joined(separator: "  ")
    }.joined(separator: "\n") + "\n"
  }

  func text(_ format: OutputFormat) -> String { format == .csv ? csv : table }
}

/// One CSV field, quoted when it holds a comma, a quote or a line break.
func csvField(_ value: String) -> String {
  guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
    return value
  }
  return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

/// A cell for people: a non-integer number to 3 significant digits, anything else as it is.
func readable(_ cell: String) -> String {
  if cell == "nan" { return "-" }
  guard let value = Double(cell), cell.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
  else { return cell }
  if value == 0 { return "0" }
  let magnitude = abs(value)
  if magnitude >= 1e-3 && magnitude < 1e5 {
    return String(format: "%.3g", value)
  }
  return String(format: "%.2e", value)
}

/// Splits one CSV line into fields (quoted fields may hold commas and doubled quotes).
func csvFields(_ line: String) -> [String] {
  var fields: [String] = []
  var field = ""
  var quoted = false
  var iterator = Array(line).makeIterator()
  while let c = iterator.next() {
    if quoted {
      if c == "\"" {
        if let next = iterator.next() {
          if next == "\"" {
            field.append("\"")
          } else {
            quoted = false
            if next == "," {
              fields.append(field)
              field = ""
            } else {
              field.append(next)
            }
          }
        } else {
          quoted = false
        }
      } else {
        field.append(c)
      }
    } else if c == "\"" {
      quoted = true
    } else if c == "," {
      fields.append(field)
      field = ""
    } else {
      field.append(c)
    }
  }
  fields.append(field)
  return fields
}

/// Writes CSV `lines` (header first) atomically to `output`, or prints them on stdout in the
/// resolved `--format`: CSV, or every column aligned with numbers to 3 significant digits.
func emitRows(_ lines: [String], output: String?, format: OutputFormat, keyColumns: [String]? = nil)
  throws
{
  let text = lines.joined(separator: "\n") + "\n"
  if let output {
    try writeAtomically(text, to: output)
  } else if format == .table, let header = lines.first {
    var table = ResultTable(header: csvFields(header), keyColumns: keyColumns)
    table.rows = lines.dropFirst().map(csvFields)
    print(table.table, terminator: "")
  } else {
    print(text, terminator: "")
  }
}
