/// The exact decimal value of a double, for Python's correctly rounded `round(x, n)` and `'%.nf' % x`
/// (a binary double has a finite decimal expansion: m·2^e = m·5^-e / 10^-e).
struct ExactDecimal {
    /// The decimal digits of |x| scaled to an integer, most significant first (no leading zeros; "0" for 0).
    let digits: [UInt8]
    /// |x| = digits · 10^-scale.
    let scale: Int
    let isNegative: Bool

    init(_ value: Double) {
        precondition(value.isFinite)
        isNegative = value.sign == .minus
        let magnitude = abs(value)
        guard magnitude != 0 else {
            digits = [0]
            scale = 0
            return
        }
        var significand = magnitude.significandBitPattern
        var exponent = Int(magnitude.exponent) - 52
        if magnitude.isNormal {
            significand |= 1 << 52
        } else {
            exponent = -1074
        }
        // Little-endian limbs of base 10^9.
        var limbs: [UInt64] = [significand % 1_000_000_000, significand / 1_000_000_000 % 1_000_000_000,
                               significand / 1_000_000_000_000_000_000]
        func multiply(by factor: UInt64) {
            var carry: UInt64 = 0
            for i in limbs.indices {
                let product = limbs[i] * factor + carry
                limbs[i] = product % 1_000_000_000
                carry = product / 1_000_000_000
            }
            while carry > 0 {
                limbs.append(carry % 1_000_000_000)
                carry /= 1_000_000_000
            }
        }
        if exponent >= 0 {
            for _ in 0..<exponent { multiply(by: 2) }
            scale = 0
        } else {
            for _ in 0..<(-exponent) { multiply(by: 5) }
            scale = -exponent
        }
        while limbs.count > 1, limbs.last == 0 { limbs.removeLast() }
        var text = String(limbs.last!)
        for limb in limbs.dropLast().reversed() {
            let part = String(limb)
            text += String(repeating: "0", count: 9 - part.count) + part
        }
        digits = text.utf8.map { $0 - 48 }
    }

    /// The integer `round_half_even(|x| · 10^places)` as decimal digits.
    func roundedDigits(places: Int) -> [UInt8] {
        let dropped = scale - places
        if dropped <= 0 { return digits + Array(repeating: 0, count: -dropped) }
        if dropped > digits.count {
            return [0]
        }
        var kept = Array(digits[..<(digits.count - dropped)])
        let rest = digits[(digits.count - dropped)...]
        let first = rest.first!
        let beyondHalf = rest.dropFirst().contains { $0 != 0 }
        let lastKeptOdd = (kept.last ?? 0) % 2 == 1
        if first > 5 || (first == 5 && (beyondHalf || lastKeptOdd)) {
            var i = kept.count - 1
            while i >= 0 {
                if kept[i] == 9 { kept[i] = 0; i -= 1 } else { kept[i] += 1; break }
            }
            if i < 0 { kept.insert(1, at: 0) }
        }
        if kept.isEmpty { kept = [0] }
        while kept.count > 1, kept.first == 0 { kept.removeFirst() }
        return kept
    }

    /// `'%.{places}f' % x` without the sign.
    func fixed(places: Int) -> String {
        var rounded = roundedDigits(places: places).map { Character(Unicode.Scalar($0 + 48)) }
        guard places > 0 else { return String(rounded) }
        if rounded.count <= places { rounded = Array(repeating: "0", count: places + 1 - rounded.count) + rounded }
        let point = rounded.count - places
        return String(rounded[..<point]) + "." + String(rounded[point...])
    }
}

/// Python's `round(x, n)` for a float: the exactly rounded decimal (ties to even), read back as a double.
func pythonRound(_ value: Double, places: Int) -> Double {
    // CPython's bounds: beyond them the value is returned as is, or as a zero of its sign.
    if !value.isFinite || places > 323 { return value }
    if places < -308 { return 0.0 * value }
    let exact = ExactDecimal(value)
    let digits = String(exact.roundedDigits(places: places).map { Character(Unicode.Scalar($0 + 48)) })
    let result = Double("\(digits)e\(-places)") ?? value
    return exact.isNegative ? -result : result
}
