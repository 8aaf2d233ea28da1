#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An RFC 3339 `date-time` as written (kept verbatim so a message renders back
/// byte for byte) together with the instant it denotes.
///
/// Parsing follows the RFC's grammar: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`, with
/// real calendar checks (no February 30th) and "T"/"Z" in either case.
///
/// ```swift
/// let issued = try RFC3339Timestamp("2021-09-30T16:25:24.000Z")
/// issued.date.timeIntervalSince1970 // 1633019124
/// RFC3339Timestamp(Date(timeIntervalSince1970: 0)).text // "1970-01-01T00:00:00.000Z"
/// ```
public struct RFC3339Timestamp: Hashable, Sendable, CustomStringConvertible {
    /// The text exactly as written.
    public let text: String
    /// The instant, with the offset applied and fractional seconds kept.
    public let date: Date

    /// Parses an RFC 3339 `date-time`; nil if it is not one.
    public init?(_ text: String) {
        guard let date = Self.parse(Array(text.utf8)) else { return nil }
        self.text = text
        self.date = date
    }

    /// Renders `date` in UTC with millisecond precision, the form wallets and siwe libraries emit.
    public init(_ date: Date) {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let (days, dayMilliseconds) = milliseconds.floorDividedWithRemainder(by: 86_400_000)
        let (year, month, day) = civilDate(fromDaysSince1970: days)
        let seconds = dayMilliseconds / 1000
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        self.text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(seconds / 3600, 2)):"
            + "\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2)).\(pad(dayMilliseconds % 1000, 3))Z"
        self.date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    public var description: String { text }

    private static func parse(_ input: [UInt8]) -> Date? {
        // date-time = full-date "T" partial-time [time-secfrac] time-offset: at least 20 bytes.
        guard input.count >= 20 else { return nil }
        func number(_ start: Int, _ length: Int) -> Int64? {
            guard start + length <= input.count else { return nil }
            var value: Int64 = 0
            for byte in input[start..<(start + length)] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        func character(_ index: Int, _ allowed: String) -> Bool {
            index < input.count && allowed.utf8.contains(input[index])
        }
        guard let year = number(0, 4), character(4, "-"), let month = number(5, 2), character(7, "-"),
              let day = number(8, 2), character(10, "Tt"), let hour = number(11, 2), character(13, ":"),
              let minute = number(14, 2), character(16, ":"), let second = number(17, 2) else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(month, of: year),
              hour <= 23, minute <= 59, second <= 60 else { return nil }
        var index = 19
        var fraction = 0.0
        if character(index, ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < input.count, input[index] >= UInt8(ascii: "0"), input[index] <= UInt8(ascii: "9") {
                fraction += Double(input[index] - UInt8(ascii: "0")) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offsetSeconds: Int64 = 0
        if character(index, "Zz") {
            index += 1
        } else if character(index, "+-") {
            let negative = input[index] == UInt8(ascii: "-")
            guard let offsetHour = number(index + 1, 2), character(index + 3, ":"),
                  let offsetMinute = number(index + 4, 2), offsetHour <= 23, offsetMinute <= 59 else { return nil }
            offsetSeconds = (offsetHour * 3600 + offsetMinute * 60) * (negative ? -1 : 1)
            index += 6
        } else {
            return nil
        }
        guard index == input.count else { return nil }
        let days = daysSince1970(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}

private func isLeapYear(_ year: Int64) -> Bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

private func daysInMonth(_ month: Int64, of year: Int64) -> Int64 {
    switch month {
    case 2: isLeapYear(year) ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil).
private func daysSince1970(year: Int64, month: Int64, day: Int64) -> Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}

/// The inverse of `daysSince1970` (Howard Hinnant's civil_from_days).
private func civilDate(fromDaysSince1970 days: Int64) -> (year: Int64, month: Int64, day: Int64) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthIndex = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
    let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
}

extension Int64 {
    fileprivate func floorDividedWithRemainder(by divisor: Int64) -> (Int64, Int64) {
        let quotient = (self >= 0 ? self : self - divisor + 1) / divisor
        return (quotient, self - quotient * divisor)
    }
}
