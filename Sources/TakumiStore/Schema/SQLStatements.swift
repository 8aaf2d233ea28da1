import Foundation

/// Splits a PostgreSQL script into statements at top-level semicolons, so
/// each can run through the extended protocol (which takes one statement
/// per query). Semicolons inside '…', "…", -- comments, /* */ comments and
/// $tag$ … $tag$ bodies do not split.
///
/// ```swift
/// SQLStatements.split("CREATE TABLE a (x int); CREATE TABLE b (y int);")   // two statements
/// ```
enum SQLStatements {
    static func split(_ script: String) -> [String] {
        var statements: [String] = []
        var current = ""
        let characters = Array(script)
        var index = 0

        func flush() {
            let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if !statement.isEmpty, !isOnlyComments(statement) { statements.append(statement) }
            current = ""
        }

        /// Copies characters up to and including the first occurrence of `end`.
        func copy(through end: [Character]) {
            while index < characters.count {
                if Array(characters[index..<min(index + end.count, characters.count)]) == end {
                    current.append(contentsOf: end)
                    index += end.count
                    return
                }
                current.append(characters[index])
                index += 1
            }
        }

        while index < characters.count {
            let character = characters[index]
            let next: Character? = index + 1 < characters.count ? characters[index + 1] : nil
            switch character {
            case ";":
                index += 1
                flush()
            case "'", "\"":
                current.append(character)
                index += 1
                copy(through: [character])
            case "-" where next == "-":
                copy(through: ["\n"])
            case "/" where next == "*":
                current.append("/*")
                index += 2
                copy(through: ["*", "/"])
            case "$":
                if let tag = dollarTag(characters, at: index) {
                    current.append(contentsOf: tag)
                    index += tag.count
                    copy(through: tag)
                } else {
                    current.append(character)
                    index += 1
                }
            default:
                current.append(character)
                index += 1
            }
        }
        flush()
        return statements
    }

    /// `$$` or `$tag$` starting at `index`, if any.
    private static func dollarTag(_ characters: [Character], at index: Int) -> [Character]? {
        var end = index + 1
        while end < characters.count, characters[end].isLetter || characters[end].isNumber || characters[end] == "_" {
            end += 1
        }
        guard end < characters.count, characters[end] == "$" else { return nil }
        if end > index + 1, characters[index + 1].isNumber { return nil }   // $1 is a parameter
        return Array(characters[index...end])
    }

    private static func isOnlyComments(_ statement: String) -> Bool {
        statement.split(separator: "\n").allSatisfy { $0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }
    }
}
