import TakumiStore

extension ChainIndexer {
    /// Sets `takumi_contract_paused{contract}` for every indexed contract from
    /// `contract_state` when the indexer starts leading. Without this the
    /// gauge would exist only after a Paused/Unpaused event, and a dashboard
    /// or alert could not tell "running" from "never reported".
    func publishPausedState(_ lease: IndexerLease) async throws {
        let chain = configuration.chain
        // The multisig has no pause switch; every other indexed contract does.
        let names = Set(configuration.contractNames.values).subtracting(["TakumiMultisig"]).sorted()
        let paused = try await store.write(lease) { tx in
            var paused: [(String, Bool)] = []
            for name in names {
                let row = try await tx.row(.contractState, key: RowKey(.text(chain), .text(name)))
                paused.append((name, row?["paused"]?.bool ?? false))
            }
            return paused
        }
        for (name, value) in paused { metrics.paused(name, value) }
    }
}
