/// One row of the self-test table.
public struct CheckResult: Sendable {
    public var operation: String
    public var shape: String
    public var dtype: String
    /// ‖device − reference‖ / ‖reference‖ over every output element; nil when the check is not a norm.
    public var relativeError: Double?
    public var tolerance: Double?
    public var passed: Bool
    /// Why it failed, or what else was measured.
    public var note: String

    public init(operation: String, shape: String, dtype: String, relativeError: Double?, tolerance: Double?, passed: Bool, note: String) {
        self.operation = operation
        self.shape = shape
        self.dtype = dtype
        self.relativeError = relativeError
        self.tolerance = tolerance
        self.passed = passed
        self.note = note
    }

    /// Markdown table of the results.
    public static func table(_ results: [CheckResult]) -> String {
        var lines = ["| operation | shape | dtype | rel. error | tolerance | result | note |", "|---|---|---|---|---|---|---|"]
        for r in results {
            let error = r.relativeError.map { formatScientific($0) } ?? "-"
            let tolerance = r.tolerance.map { formatScientific($0) } ?? "-"
            lines.append("| \(r.operation) | \(r.shape) | \(r.dtype) | \(error) | \(tolerance) | \(r.passed ? "pass" : "FAIL") | \(r.note) |")
        }
        return lines.joined(separator: "\n")
    }

    /// `1.23e-04` style, without Foundation's formatter.
    static func formatScientific(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        guard value != 0 else { return "0" }
        var exponent = 0
        var mantissa = abs(value)
        while mantissa >= 10 {
            mantissa /= 10
            exponent += 1
        }
        while mantissa < 1 {
            mantissa *= 10
            exponent -= 1
        }
        let hundredths = Int((mantissa * 100).rounded())
        let (whole, fraction) = hundredths >= 1000 ? (1, 0) : (hundredths / 100, hundredths % 100)
        let shownExponent = hundredths >= 1000 ? exponent + 1 : exponent
        let sign = value < 0 ? "-" : ""
        let fractionText = fraction < 10 ? "0\(fraction)" : "\(fraction)"
        let exponentText = abs(shownExponent) < 10 ? "0\(abs(shownExponent))" : "\(abs(shownExponent))"
        return "\(sign)\(whole).\(fractionText)e\(shownExponent < 0 ? "-" : "+")\(exponentText)"
    }
}
