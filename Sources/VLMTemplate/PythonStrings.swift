/// Python `str` operations with Python's Unicode semantics: indices count code points, case mapping is
/// the full Unicode mapping (with the final-sigma rule), whitespace is Python's.
public enum PythonStrings {
    static func upper(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars { out += scalar.properties.uppercaseMapping }
        return out
    }

    static func lower(_ s: String) -> String {
        let scalars = Array(s.unicodeScalars)
        var out = ""
        for index in scalars.indices { out += lowerMapping(scalars, index) }
        return out
    }

    /// Lowercase of one character; a capital sigma at the end of a word becomes the final sigma.
    private static func lowerMapping(_ scalars: [Unicode.Scalar], _ index: Int) -> String {
        let scalar = scalars[index]
        guard scalar == "\u{03A3}" else { return scalar.properties.lowercaseMapping }
        return isFinalSigma(scalars, index) ? "\u{03C2}" : "\u{03C3}"
    }

    private static func isFinalSigma(_ scalars: [Unicode.Scalar], _ index: Int) -> Bool {
        var before = index - 1
        while before >= 0, scalars[before].properties.isCaseIgnorable { before -= 1 }
        guard before >= 0, scalars[before].properties.isCased else { return false }
        var after = index + 1
        while after < scalars.count, scalars[after].properties.isCaseIgnorable { after += 1 }
        return after == scalars.count || !scalars[after].properties.isCased
    }

    /// `str.title()`: a character after a cased one is lowercased, any other is titlecased.
    static func title(_ s: String) -> String {
        let scalars = Array(s.unicodeScalars)
        var out = ""
        var previousIsCased = false
        for index in scalars.indices {
            let scalar = scalars[index]
            out += previousIsCased ? lowerMapping(scalars, index) : scalar.properties.titlecaseMapping
            previousIsCased = scalar.properties.isCased
        }
        return out
    }

    /// `str.capitalize()`: first character titlecased, the rest lowercased.
    static func capitalize(_ s: String) -> String {
        let scalars = Array(s.unicodeScalars)
        var out = ""
        for index in scalars.indices {
            out += index == 0 ? scalars[index].properties.titlecaseMapping : lowerMapping(scalars, index)
        }
        return out
    }

    /// `strip`/`lstrip`/`rstrip`: whitespace, or any of `characters` when given.
    public static func strip(_ s: String, characters: String? = nil, leading: Bool = true, trailing: Bool = true) -> String {
        let set = characters.map { Set($0.unicodeScalars) }
        let shouldStrip: (Unicode.Scalar) -> Bool = { set?.contains($0) ?? isPythonWhitespace($0) }
        let scalars = s.unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        if leading { while start < end, shouldStrip(scalars[start]) { start = scalars.index(after: start) } }
        if trailing {
            while end > start {
                let previous = scalars.index(before: end)
                guard shouldStrip(scalars[previous]) else { break }
                end = previous
            }
        }
        return String(scalars[start..<end])
    }

    /// `str.split(sep, maxsplit)`; without a separator, runs of whitespace split and edges are dropped.
    static func split(_ s: String, separator: String?, maxSplit: Int) throws -> [String] {
        guard let separator else { return splitWhitespace(s, maxSplit: maxSplit) }
        guard !separator.isEmpty else { throw RuntimeFailure.value("empty separator") }
        var parts: [String] = []
        let bytes = Array(s.utf8)
        let needle = Array(separator.utf8)
        var start = 0
        var position = 0
        while maxSplit < 0 || parts.count < maxSplit, let found = find(needle, in: bytes, from: position) {
            parts.append(string(bytes[start..<found]))
            start = found + needle.count
            position = start
        }
        parts.append(string(bytes[start...]))
        return parts
    }

    static func rsplit(_ s: String, separator: String?, maxSplit: Int) throws -> [String] {
        if maxSplit < 0 { return try split(s, separator: separator, maxSplit: -1) }
        let reversedText = String(String.UnicodeScalarView(s.unicodeScalars.reversed()))
        let reversedSeparator = separator.map { String(String.UnicodeScalarView($0.unicodeScalars.reversed())) }
        return try split(reversedText, separator: reversedSeparator, maxSplit: maxSplit)
            .map { String(String.UnicodeScalarView($0.unicodeScalars.reversed())) }.reversed()
    }

    private static func splitWhitespace(_ s: String, maxSplit: Int) -> [String] {
        var parts: [String] = []
        let scalars = Array(s.unicodeScalars)
        var i = 0
        while i < scalars.count {
            while i < scalars.count, isPythonWhitespace(scalars[i]) { i += 1 }
            guard i < scalars.count else { break }
            if maxSplit >= 0 && parts.count == maxSplit {
                // The remainder keeps its trailing whitespace, as in Python.
                parts.append(String(String.UnicodeScalarView(scalars[i...])))
                break
            }
            let start = i
            while i < scalars.count, !isPythonWhitespace(scalars[i]) { i += 1 }
            parts.append(String(String.UnicodeScalarView(scalars[start..<i])))
        }
        return parts
    }

    /// `str.splitlines(keepends)` with Python's line boundaries.
    static func splitLines(_ s: String, keepEnds: Bool) -> [String] {
        let scalars = Array(s.unicodeScalars)
        var lines: [String] = []
        var start = 0
        var i = 0
        while i < scalars.count {
            let value = scalars[i].value
            let isBreak = (0x0A...0x0D).contains(value) || (0x1C...0x1E).contains(value)
                || value == 0x85 || value == 0x2028 || value == 0x2029
            guard isBreak else { i += 1; continue }
            var end = i + 1
            if value == 0x0D, end < scalars.count, scalars[end] == "\n" { end += 1 }
            lines.append(String(String.UnicodeScalarView(scalars[start..<(keepEnds ? end : i)])))
            start = end
            i = end
        }
        if start < scalars.count { lines.append(String(String.UnicodeScalarView(scalars[start...]))) }
        return lines
    }

    /// `str.replace(old, new, count)`; an empty `old` inserts `new` between every character.
    static func replace(_ s: String, _ old: String, _ new: String, count: Int) -> String {
        if old.isEmpty {
            var out = ""
            var inserted = 0
            for scalar in s.unicodeScalars {
                if count < 0 || inserted < count { out += new; inserted += 1 }
                out.unicodeScalars.append(scalar)
            }
            if count < 0 || inserted < count { out += new }
            return out
        }
        let bytes = Array(s.utf8)
        let needle = Array(old.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var position = 0
        var replaced = 0
        while count < 0 || replaced < count, let found = find(needle, in: bytes, from: position) {
            out.append(contentsOf: bytes[position..<found])
            out.append(contentsOf: new.utf8)
            position = found + needle.count
            replaced += 1
        }
        out.append(contentsOf: bytes[position...])
        return String(decoding: out, as: UTF8.self)
    }

    /// Byte offset of `needle` in `bytes` at or after `from` (UTF-8 substring search is code-point exact).
    static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard needle.count <= bytes.count - from else { return nil }
        if needle.isEmpty { return from }
        let first = needle[0]
        var i = from
        let last = bytes.count - needle.count
        while i <= last {
            if bytes[i] == first {
                var matched = true
                for k in 1..<needle.count where bytes[i + k] != needle[k] {
                    matched = false
                    break
                }
                if matched { return i }
            }
            i += 1
        }
        return nil
    }

    static func string(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// The code-point index of a UTF-8 byte offset.
    static func scalarIndex(_ bytes: [UInt8], byteOffset: Int) -> Int {
        var count = 0
        for byte in bytes[0..<byteOffset] where byte & 0xC0 != 0x80 { count += 1 }
        return count
    }
}
