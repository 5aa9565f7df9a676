#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A broken-down local time, what `datetime.now()` gives `strftime_now`.
public struct LocalDateTime: Sendable, Equatable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    public var microsecond: Int

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, microsecond: Int = 0) {
        (self.year, self.month, self.day) = (year, month, day)
        (self.hour, self.minute, self.second, self.microsecond) = (hour, minute, second, microsecond)
    }

    /// The local time at a moment, in the process's time zone.
    public init(_ date: Date, in zone: TimeZone = .current) {
        let offset = zone.secondsFromGMT(for: date)
        let local = date.timeIntervalSince1970 + Double(offset)
        let seconds = Int(local.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let civil = civilDate(daysSinceEpoch: days)
        let secondOfDay = seconds - days * 86_400
        self.init(year: civil.year, month: civil.month, day: civil.day, hour: secondOfDay / 3600,
                  minute: secondOfDay % 3600 / 60, second: secondOfDay % 60,
                  microsecond: Int(((local - Double(seconds)) * 1_000_000).rounded(.down)))
    }

    /// 0 = Monday, as Python's `weekday()`.
    var weekday: Int {
        let days = daysSinceEpoch(year: year, month: month, day: day)
        return ((days % 7) + 7 + 3) % 7
    }

    /// 1-based day of the year.
    var dayOfYear: Int { daysSinceEpoch(year: year, month: month, day: day) - daysSinceEpoch(year: year, month: 1, day: 1) + 1 }
}

/// Where `strftime_now` reads the time; tests pass a fixed one.
public struct TemplateClock: Sendable {
    public var now: @Sendable () -> LocalDateTime

    public init(now: @escaping @Sendable () -> LocalDateTime) {
        self.now = now
    }

    public static let system = TemplateClock { LocalDateTime(Date()) }
}

/// Howard Hinnant's days-from-civil and its inverse (proleptic Gregorian).
func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}

func civilDate(daysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
}

private let weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
private let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                          "October", "November", "December"]

/// `datetime.now().strftime` in the C locale, with glibc's `-` (no padding), `_` (space) and `0` flags.
func strftime(_ format: String, _ time: LocalDateTime) -> String {
    var out = ""
    var scalars = format.unicodeScalars.makeIterator()
    while let scalar = scalars.next() {
        guard scalar == "%" else { out.unicodeScalars.append(scalar); continue }
        guard var code = scalars.next() else { out += "%"; break }
        var padding: Unicode.Scalar?
        if code == "-" || code == "_" || code == "0" {
            padding = code
            guard let next = scalars.next() else { out += "%" + String(code); break }
            code = next
        }
        func number(_ value: Int, _ width: Int, _ defaultPad: Unicode.Scalar = "0") -> String {
            let digits = String(value)
            let pad = padding ?? defaultPad
            if pad == "-" { return digits }
            return String(repeating: pad == "_" ? " " : "0", count: max(0, width - digits.count)) + digits
        }
        let hour12 = time.hour % 12 == 0 ? 12 : time.hour % 12
        switch code {
        case "a": out += String(weekdayNames[time.weekday].prefix(3))
        case "A": out += weekdayNames[time.weekday]
        case "b", "h": out += String(monthNames[time.month - 1].prefix(3))
        case "B": out += monthNames[time.month - 1]
        case "c": out += strftime("%a %b %e %H:%M:%S %Y", time)
        case "C": out += number(time.year / 100, 2)
        case "d": out += number(time.day, 2)
        case "D": out += strftime("%m/%d/%y", time)
        case "e": out += number(time.day, 2, "_")
        case "f": out += number(time.microsecond, 6)
        case "F": out += strftime("%Y-%m-%d", time)
        case "H": out += number(time.hour, 2)
        case "I": out += number(hour12, 2)
        case "j": out += number(time.dayOfYear, 3)
        case "k": out += number(time.hour, 2, "_")
        case "l": out += number(hour12, 2, "_")
        case "m": out += number(time.month, 2)
        case "M": out += number(time.minute, 2)
        case "n": out += "\n"
        case "p": out += time.hour < 12 ? "AM" : "PM"
        case "P": out += time.hour < 12 ? "am" : "pm"
        case "r": out += strftime("%I:%M:%S %p", time)
        case "R": out += strftime("%H:%M", time)
        case "S": out += number(time.second, 2)
        case "t": out += "\t"
        case "T": out += strftime("%H:%M:%S", time)
        case "u": out += String(time.weekday + 1)
        case "U": out += number((time.dayOfYear - 1 + 7 - (time.weekday + 1) % 7) / 7, 2)
        case "W": out += number((time.dayOfYear - 1 + 7 - time.weekday) / 7, 2)
        case "w": out += String((time.weekday + 1) % 7)
        case "x": out += strftime("%m/%d/%y", time)
        case "X": out += strftime("%H:%M:%S", time)
        case "y": out += number(time.year % 100, 2)
        case "Y": out += String(time.year)
        case "z", "Z": break // `datetime.now()` is naive: Python writes nothing for its zone.
        case "%": out += "%"
        default:
            out += "%"
            if let padding { out.unicodeScalars.append(padding) }
            out.unicodeScalars.append(code)
        }
    }
    return out
}
