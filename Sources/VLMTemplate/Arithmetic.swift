#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Python's arithmetic operators on template values, with Python's results and error messages
/// (`7 // -2 == -4`, `-7 % 3 == 2`, `'ab' * 2`, `[1] + [2]`, `1 / 2 == 0.5`).
enum Arithmetic {
    /// Sequences built by `*` may not exceed this many items (a guard jinja2 lacks).
    static let maximumRepetition = 1 << 26

    static func overflow() -> RuntimeFailure {
        RuntimeFailure(.limit, "integer result does not fit in 64 bits (Python integers are unbounded; ours are not)")
    }

    static func binary(_ op: BinaryOperator, _ a: TemplateValue, _ b: TemplateValue) throws -> TemplateValue {
        if case .string(let format) = a, op == .modulo { return .string(try percentFormat(format, b)) }
        if case .undefined(let u) = a { throw u.failure }
        if case .undefined(let u) = b { throw u.failure }
        switch op {
        case .add: return try add(a, b)
        case .multiply: return try multiply(a, b)
        default: return try numeric(op, a, b)
        }
    }

    private static func add(_ a: TemplateValue, _ b: TemplateValue) throws -> TemplateValue {
        switch (a, b) {
        case (.string(let x), .string(let y)): return .string(x + y)
        case (.list(let x), .list(let y)): return .list(x + y)
        case (.tuple(let x), .tuple(let y)): return .tuple(x + y)
        case (.string, _), (.list, _), (.tuple, _):
            throw RuntimeFailure.type("can only concatenate \(a.typeName) (not \"\(b.typeName)\") to \(a.typeName)")
        default: return try numeric(.add, a, b)
        }
    }

    private static func multiply(_ a: TemplateValue, _ b: TemplateValue) throws -> TemplateValue {
        func repeated(_ sequence: TemplateValue, _ count: TemplateValue) throws -> TemplateValue? {
            switch sequence {
            case .string, .list, .tuple: break
            default: return nil
            }
            let times: Int
            switch count {
            case .int(let i): times = max(0, i)
            case .bool(let flag): times = flag ? 1 : 0
            case .double: throw RuntimeFailure.type("can't multiply sequence by non-int of type 'float'")
            default: return nil
            }
            switch sequence {
            case .string(let s):
                guard s.isEmpty || times <= maximumRepetition / max(1, s.utf8.count) else { throw tooLarge() }
                return .string(String(repeating: s, count: times))
            case .list(let items), .tuple(let items):
                guard items.isEmpty || times <= maximumRepetition / items.count else { throw tooLarge() }
                let result = Array([[TemplateValue]](repeating: items, count: times).joined())
                if case .tuple = sequence { return .tuple(result) }
                return .list(result)
            default: return nil
            }
        }
        if let result = try repeated(a, b) ?? repeated(b, a) { return result }
        return try numeric(.multiply, a, b)
    }

    private static func tooLarge() -> RuntimeFailure {
        RuntimeFailure(.limit, "sequence repetition larger than \(maximumRepetition) items")
    }

    private static func numeric(_ op: BinaryOperator, _ a: TemplateValue, _ b: TemplateValue) throws -> TemplateValue {
        guard let x = NumericValue(a), let y = NumericValue(b) else {
            throw RuntimeFailure.type("unsupported operand type(s) for \(op == .power ? "** or pow()" : op.rawValue): '\(a.typeName)' and '\(b.typeName)'")
        }
        switch (x, y) {
        case (.int(let i), .int(let j)): return try integer(op, i, j)
        case (.int(let i), .double(let d)): return try floating(op, Double(i), d)
        case (.double(let d), .int(let j)): return try floating(op, d, Double(j))
        case (.double(let d), .double(let e)): return try floating(op, d, e)
        }
    }

    private static func integer(_ op: BinaryOperator, _ a: Int, _ b: Int) throws -> TemplateValue {
        func checked(_ result: (partialValue: Int, overflow: Bool)) throws -> TemplateValue {
            if result.overflow { throw overflow() }
            return .int(result.partialValue)
        }
        switch op {
        case .add: return try checked(a.addingReportingOverflow(b))
        case .subtract: return try checked(a.subtractingReportingOverflow(b))
        case .multiply: return try checked(a.multipliedReportingOverflow(by: b))
        case .divide:
            if b == 0 { throw RuntimeFailure(.arithmetic, "division by zero") }
            return .double(Double(a) / Double(b))
        case .floorDivide, .modulo:
            if b == 0 { throw RuntimeFailure(.arithmetic, "integer division or modulo by zero") }
            if a == Int.min && b == -1 { throw overflow() }
            var quotient = a / b
            var remainder = a % b
            if remainder != 0 && ((remainder < 0) != (b < 0)) {
                quotient -= 1
                remainder += b
            }
            return .int(op == .floorDivide ? quotient : remainder)
        case .power:
            if b < 0 {
                if a == 0 { throw RuntimeFailure(.arithmetic, "0.0 cannot be raised to a negative power") }
                return .double(pow(Double(a), Double(b)))
            }
            var result = 1
            var base = a
            var exponent = b
            while exponent > 0 {
                if exponent & 1 == 1 {
                    let product = result.multipliedReportingOverflow(by: base)
                    if product.overflow { throw overflow() }
                    result = product.partialValue
                }
                exponent >>= 1
                if exponent > 0 {
                    let square = base.multipliedReportingOverflow(by: base)
                    if square.overflow { throw overflow() }
                    base = square.partialValue
                }
            }
            return .int(result)
        }
    }

    /// CPython's float operators (`float_div`, `float_floor_div`, `float_rem`, `float_pow`).
    private static func floating(_ op: BinaryOperator, _ a: Double, _ b: Double) throws -> TemplateValue {
        switch op {
        case .add: return .double(a + b)
        case .subtract: return .double(a - b)
        case .multiply: return .double(a * b)
        case .divide:
            if b == 0 { throw RuntimeFailure(.arithmetic, "float division by zero") }
            return .double(a / b)
        case .floorDivide, .modulo:
            if b == 0 { throw RuntimeFailure(.arithmetic, op == .modulo ? "float modulo" : "float floor division by zero") }
            var mod = fmod(a, b)
            var div = (a - mod) / b
            if mod != 0 {
                if (b < 0) != (mod < 0) {
                    mod += b
                    div -= 1
                }
            } else {
                mod = copysign(0, b)
            }
            if op == .modulo { return .double(mod) }
            if div != 0 {
                var floorDiv = div.rounded(.down)
                if div - floorDiv > 0.5 { floorDiv += 1 }
                return .double(floorDiv)
            }
            return .double(copysign(0, a / b))
        case .power:
            if a == 0 && b < 0 { throw RuntimeFailure(.arithmetic, "0.0 cannot be raised to a negative power") }
            if a < 0 && b.rounded() != b && b.isFinite {
                throw RuntimeFailure.value("a negative number raised to a fractional power is complex; complex numbers are not supported")
            }
            let result = pow(a, b)
            if result.isInfinite && a.isFinite && b.isFinite {
                throw RuntimeFailure(.arithmetic, "(34, 'Numerical result out of range')")
            }
            return .double(result)
        }
    }

    static func unary(_ op: UnaryOperator, _ value: TemplateValue) throws -> TemplateValue {
        if case .undefined(let u) = value { throw u.failure }
        let symbol = op == .negate ? "-" : "+"
        switch value {
        case .bool(let b): return .int(op == .negate ? (b ? -1 : 0) : (b ? 1 : 0))
        case .int(let i):
            if op == .plus { return .int(i) }
            if i == Int.min { throw overflow() }
            return .int(-i)
        case .double(let d): return .double(op == .negate ? -d : d)
        default: throw RuntimeFailure.type("bad operand type for unary \(symbol): '\(value.typeName)'")
        }
    }
}
