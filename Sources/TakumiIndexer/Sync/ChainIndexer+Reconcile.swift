import Ethereum
import EthereumRPC
import Takumi
import TakumiStore

extension ChainIndexer {
    /// Brings the database back in line with the chain before a batch:
    /// 1. Stored events or block hashes past the checkpoint mean an operator
    ///    moved the checkpoint back (runbook: Manual Resync): roll every
    ///    projection back to it.
    /// 2. A checkpoint block the chain no longer has means a reorg: undo to the
    ///    fork point. Deeper than finality: stop with an error.
    /// Returns the checkpoint to continue from.
    func reconcile(_ lease: IndexerLease, head: UInt64) async throws -> (block: UInt64, hash: String) {
        let chain = configuration.chain
        let finalized = head > configuration.finalityDepth ? head - configuration.finalityDepth : 0
        let genesis = configuration.startBlock > 0 ? configuration.startBlock - 1 : 0
        return try await store.write(lease) { tx in
            var checkpoint = try await tx.checkpoint() ?? (block: genesis, hash: "")
            if checkpoint.block < genesis { checkpoint = (genesis, "") }

            let eventsPast = (try await tx.maxEventBlock(chain: chain)).map { $0 > checkpoint.block } ?? false
            let hashesPast = try await tx.blockHash(chain: chain, number: checkpoint.block + 1) != nil
            if eventsPast || hashesPast {
                logger.warning("stored data runs past the checkpoint: rolling projections back", metadata: ["block": "\(checkpoint.block)"])
                try await rollback(tx, to: checkpoint.block, finalized: finalized)
                checkpoint.hash = try await chainHash(of: checkpoint.block, genesis: genesis)
                try await tx.setCheckpoint(block: checkpoint.block, hash: checkpoint.hash)
            } else if checkpoint.hash.isEmpty && checkpoint.block > genesis {
                checkpoint.hash = try await chainHash(of: checkpoint.block, genesis: genesis)
                try await tx.setCheckpoint(block: checkpoint.block, hash: checkpoint.hash)
            }

            guard checkpoint.block > genesis, !checkpoint.hash.isEmpty else { return checkpoint }
            let current = try await client.block(.number(checkpoint.block))
            if current?.hash.hex == checkpoint.hash { return checkpoint }

            // The chain replaced our checkpoint block (or its head moved below it).
            let fork = try await forkPoint(below: checkpoint.block, head: head, genesis: genesis, tx: tx)
            logger.warning("reorg detected: undoing to the fork point", metadata: [
                "checkpoint": "\(checkpoint.block)", "fork": "\(fork.block)", "depth": "\(checkpoint.block - fork.block)",
            ])
            try await rollback(tx, to: fork.block, finalized: finalized)
            try await tx.setCheckpoint(block: fork.block, hash: fork.hash)
            metrics.reorg()
            // The new fork's blocks are inspected as they are indexed.
            detector?.rewind(to: fork.block)
            return fork
        }
    }

    /// The newest block at or below `block - 1` whose stored hash the chain still
    /// has, searching at most the finality depth.
    func forkPoint(below block: UInt64, head: UInt64, genesis: UInt64, tx: any IndexerTransaction) async throws -> (block: UInt64, hash: String) {
        let depth = configuration.finalityDepth
        let lowest = block > depth + genesis ? block - depth : genesis
        guard block > lowest else { return (genesis, "") }
        let numbers = Array((lowest..<block).reversed())
        let blocks = try await client.blocks(numbers)
        for (number, chainBlock) in zip(numbers, blocks) {
            if number == genesis && number < configuration.startBlock { return (genesis, chainBlock?.hash.hex ?? "") }
            guard let stored = try await tx.blockHash(chain: configuration.chain, number: number) else { break }
            if let chainBlock, chainBlock.hash.hex == stored.hash { return (number, stored.hash) }
        }
        throw IndexerError.reorgDeeperThanFinality(chain: configuration.chain, checkedDownTo: lowest, finalityDepth: depth)
    }

    /// Rolls projections back to `block`: exactly through the journal when it
    /// covers every later block, otherwise by rebuilding from `chain_events`.
    /// Then forgets events and block hashes after `block`.
    func rollback(_ tx: any IndexerTransaction, to block: UInt64, finalized: UInt64) async throws {
        let chain = configuration.chain
        let maxEvent = try await tx.maxEventBlock(chain: chain) ?? 0
        let nextBlockHash = try await tx.blockHash(chain: chain, number: block + 1)
        let journaled = maxEvent <= block || nextBlockHash != nil
        if journaled {
            let undone = try await tx.undo(chain: chain, afterBlock: block)
            Failpoints.reach(.rollbackAfterUndo)
            logger.info("undid journaled changes", metadata: ["entries": "\(undone)", "toBlock": "\(block)"])
        } else {
            try await tx.clearProjections(chain: chain)
            Failpoints.reach(.rebuildAfterClear)
            let replayed = try await replay(tx, through: block, finalized: finalized)
            logger.notice("rebuilt projections from chain_events", metadata: ["events": "\(replayed)", "toBlock": "\(block)"])
        }
        try await tx.deleteEvents(chain: chain, afterBlock: block)
        try await tx.deleteBlockHashes(chain: chain, afterBlock: block)
    }

    /// Re-applies every stored event up to `block`, in order, in chunks.
    func replay(_ tx: any IndexerTransaction, through block: UInt64, finalized: UInt64) async throws -> Int {
        var count = 0
        var from = configuration.startBlock
        let chunk: UInt64 = 50_000
        while from <= block {
            let to = min(block, from + chunk - 1)
            for record in try await tx.events(chain: configuration.chain, fromBlock: from, toBlock: to) where record.eventName != nil {
                guard let event = try TakumiEvent.decode(topics: record.topics.map { try Bytes32(hex: $0) }, data: Hex.decode(record.data)),
                      let address = try? Address(record.address), let contract = configuration.contractNames[address]
                else { continue }
                let context = EventContext(
                    chain: configuration.chain, blockNumber: record.blockNumber, transactionHash: try Bytes32(hex: record.txHash),
                    logIndex: record.logIndex, contract: contract, contractAddress: address,
                    journalBlock: record.blockNumber > finalized ? record.blockNumber : nil
                )
                try await projector.apply(event, at: context, in: tx)
                count += 1
                Failpoints.reach(.rebuildReplaying)
            }
            from = to + 1
        }
        return count
    }

    func chainHash(of block: UInt64, genesis: UInt64) async throws -> String {
        guard block > 0 else { return try await client.block(.number(0))?.hash.hex ?? "" }
        guard let found = try await client.block(.number(block)) else { throw IndexerError.missingBlock(block) }
        return found.hash.hex
    }
}

extension ChainIndexer {
    /// `takumi indexer resync --from-block N`: the runbook's manual resync
    /// without SQL. Under the leader lease, moves the checkpoint to `block`
    /// and rolls every projection back to it at once; indexing then
    /// continues from `block + 1` (in this process or the next `serve`).
    public func resync(from block: UInt64, leaseWait: Duration) async throws -> (undoneFrom: UInt64?, checkpoint: UInt64) {
        let genesis = configuration.startBlock > 0 ? configuration.startBlock - 1 : 0
        guard block >= genesis else {
            throw IndexerError.invalidResyncBlock(requested: block, reason: "the deployment starts at block \(configuration.startBlock)")
        }
        let lease = try await store.acquireLease(chain: configuration.chain, wait: leaseWait)
        do {
            let previous = try await store.write(lease) { tx -> UInt64? in
                let current = try await tx.checkpoint()
                if let current, block > current.block {
                    throw IndexerError.invalidResyncBlock(requested: block, reason: "the indexer is only at block \(current.block)")
                }
                try await tx.setCheckpoint(block: block, hash: "")
                return current?.block
            }
            let head = try await client.blockNumber()
            let checkpoint = try await reconcile(lease, head: head)
            await lease.release()
            return (previous, checkpoint.block)
        } catch {
            await lease.release()
            throw error
        }
    }
}
