import Testing
import TakumiRedis

@Suite("RedisURL")
struct RedisURLTests {
    @Test("parses host, port, credentials and database")
    func parses() throws {
        let full = try RedisURL("redis://app:p%40ss:word@cache.internal:6380/3")
        #expect(full == RedisURL(host: "cache.internal", port: 6380, username: "app", password: "p@ss:word", database: 3))
        #expect(try RedisURL("redis://:secret@127.0.0.1:6379") == RedisURL(host: "127.0.0.1", password: "secret"))
        #expect(try RedisURL("redis://localhost") == RedisURL(host: "localhost", port: 6379))
        #expect(try RedisURL("  REDIS://[::1]:7000/ ") == RedisURL(host: "::1", port: 7000))
        // An unencoded "@" in the password: the last "@" ends the credentials.
        #expect(try RedisURL("redis://:a@b@h:1").password == "a@b")
    }

    @Test("the password never shows in descriptions, reflection or dumps")
    func redacted() throws {
        let url = try RedisURL("redis://app:hunter2@cache:6380/2")
        #expect(url.description == "redis://app:***@cache:6380/2")
        #expect(url.redacted == url.description)
        #expect(String(reflecting: url) == "RedisURL(redis://app:***@cache:6380/2)")
        var dumped = ""
        dump(url, to: &dumped)
        #expect(!dumped.contains("hunter2") && !"\(url)".contains("hunter2"))
        #expect(try RedisURL("redis://:x@[::1]:6379").description == "redis://:***@[::1]:6379")
        #expect(try RedisURL("redis://h:1").endpoint == "h:1")
    }

    @Test("invalid URLs say what is wrong, without echoing the password", arguments: [
        ("http://h:1", "scheme must be redis://"),
        ("rediss://h:1", "TLS (rediss://) is not supported"),
        ("h:6379", "expected redis://"),
        ("redis://:6379", "the host is missing"),
        ("redis://h:0", "port \"0\""),
        ("redis://h:99999", "port \"99999\""),
        ("redis://h:abc", "port \"abc\""),
        ("redis://h:1/x", "database \"x\""),
        ("redis://h:1/-1", "database \"-1\""),
        ("redis://h:1?db=2", "query parameters"),
        ("redis://topsecret@h:1", "credentials must be"),
        ("redis://u:@h:1", "password after \":\" is empty"),
        ("redis://:top%zzsecret@h:1", "password has an invalid percent escape"),
        ("redis://[::1:1", "closing \"]\""),
    ])
    func invalid(text: String, reason: String) {
        do {
            let url = try RedisURL(text)
            Issue.record("\(text) parsed as \(url)")
        } catch {
            #expect(error.description.contains(reason), "\(text): \(error)")
            #expect(!error.description.contains("secret"))
        }
    }
}
