import PostgresNIO
import Testing
import TestSupport

/// The test-service helpers themselves: each test gets an isolated database
/// and Redis key space on the real servers started by scripts/test-services.
@Suite("Test services")
struct TestServicesTests {
    @Test("each test gets its own empty PostgreSQL database")
    func freshDatabasesAreIsolated() async throws {
        try await TestServices.withFreshDatabase { first in
            try await TestServices.execute("CREATE TABLE marker (id int)", on: first)
            try await TestServices.withFreshDatabase { second in
                #expect(first.database != second.database)
                // The table exists only in the first database.
                await #expect(throws: PSQLError.self) {
                    try await TestServices.execute("SELECT * FROM marker", on: second)
                }
            }
        }
    }

    @Test("Redis answers and key prefixes are unique per test")
    func redisIsReachable() async throws {
        #expect(try await TestServices.redisCommand("PING") == "+PONG")
        #expect(TestServices.redisKeyPrefix() != TestServices.redisKeyPrefix())
    }
}
