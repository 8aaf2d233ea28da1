import Ethereum
import EthereumRPC
import Foundation
import Takumi
import TakumiStore

extension ChainIndexer {
    /// A batch's logs, decoded, with the block headers it needs: what one
    /// fetch produces and one database transaction writes.
    struct FetchedBatch: Sendable {
        var from: UInt64
        var to: UInt64
        /// Headers of the reversible blocks of the batch and of its last block.
        var headers: [UInt64: RPCBlock]
        var logs: [RPCLog]
        var decoded: [DecodedLog]
        /// The `chain_events` rows of `decoded`, in the same order: built once
        /// here, so the write hands the array over instead of copying every row out of `decoded`.
        var records: [ChainEventRecord]
        /// The header of `to`, whose hash becomes the checkpoint's.
        var last: RPCBlock
    }

    /// What one step did, and the next batch if it was fetched while this
    /// one was written.
    struct StepOutcome: Sendable {
        var caughtUp: Bool
        var prefetched: FetchedBatch?
    }

    /// One step: reconcile the database with the chain (manual resync, reorg),
    /// then index one batch. Returns true when caught up with the head.
    @discardableResult
    func syncOnce(_ lease: IndexerLease) async throws -> Bool {
        try await step(lease, prefetched: nil).caughtUp
    }

    /// ``syncOnce(_:)`` as a two-stage pipeline: while this batch is written,
    /// the next one (when it lies wholly below finality, so no reorg can
    /// change it) is fetched and decoded in a child task. In a backfill the
    /// node's answer and our JSON parsing, not the database, set the pace;
    /// overlapping them with the write is what keeps the indexer near the
    /// speed of fetching alone (bench/README.md). A prefetched batch that no
    /// longer fits (a resync moved the checkpoint) is dropped.
    func step(_ lease: IndexerLease, prefetched: FetchedBatch?) async throws -> StepOutcome {
        enterStep("reading the chain head")
        let head = try await client.blockNumber()
        noteHead(head)
        if let pool = client.transport as? EndpointPool {
            let endpoint = await pool.activeEndpoint
            state.withLock { $0.status.activeEndpoint = endpoint }
        }
        enterStep("reconciling the stored checkpoint with the chain")
        let checkpoint = try await reconcile(lease, head: head)
        noteSynced(checkpoint.block, head: head)
        guard checkpoint.block < head else {
            detector?.caughtUp(at: checkpoint.block)
            return StepOutcome(caughtUp: true)
        }

        let batchSize = state.withLock { $0.batchSize }
        let from = checkpoint.block + 1
        let finalized = head > configuration.finalityDepth ? head - configuration.finalityDepth : 0
        let started = ContinuousClock.now

        let batch: FetchedBatch
        if let prefetched, prefetched.from == from, prefetched.to <= head {
            batch = prefetched
        } else {
            let to = min(checkpoint.block + batchSize, head)
            enterStep("fetching blocks \(from)…\(to)")
            batch = try await fetchBatch(from: from, to: to, finalized: finalized, checkpointHash: checkpoint.hash)
        }
        let to = batch.to

        // The next range, when wholly final, is fetched while this one is
        // written; the same range the next step would ask for, so batches
        // (and where a crash can land) do not depend on the prefetch.
        let nextTo = min(to + batchSize, head)
        let prefetchNext = to < nextTo && nextTo <= finalized
        async let next = prefetchNext ? prefetch(from: to + 1, to: nextTo, finalized: finalized) : nil

        enterStep("writing blocks \(batch.from)…\(to)")
        try await write(batch, checkpoint: checkpoint, finalized: finalized, lease: lease)
        noteSynced(to, head: head)
        logger.debug("batch committed", metadata: [
            "from": "\(batch.from)", "to": "\(to)", "head": "\(head)", "events": "\(batch.logs.count)",
            "seconds": "\((ContinuousClock.now - started).seconds)",
        ])
        adaptBatch(logs: batch.logs.count, seconds: (ContinuousClock.now - started).seconds)
        // Before marking the head reached: the batch that first reaches it is still history.
        enterStep("inspecting blocks \(batch.from)…\(to) for exploits")
        await inspect(batch, head: head)
        if to == head { detector?.caughtUp(at: to) }
        if prefetchNext { enterStep("fetching blocks \(to + 1)…\(nextTo) ahead") }
        return StepOutcome(caughtUp: to == head, prefetched: await next)
    }

    /// A batch fetched ahead; an error here is not reported: the batch is
    /// fetched again in its turn, where an error counts.
    private func prefetch(from: UInt64, to: UInt64, finalized: UInt64) async -> FetchedBatch? {
        try? await fetchBatch(from: from, to: to, finalized: finalized, checkpointHash: "")
    }

    /// Fetches `from...to`: headers of its reversible blocks (for
    /// block_hashes and the parent-hash check) and of its last block (the
    /// checkpoint hash), then the logs, checked against those headers, decoded.
    func fetchBatch(from: UInt64, to: UInt64, finalized: UInt64, checkpointHash: String) async throws -> FetchedBatch {
        var wanted = Set<UInt64>([to])
        if to > finalized { wanted.formUnion(max(from, finalized + 1)...to) }
        let numbers = wanted.sorted()
        let fetched = try await client.blocks(numbers)
        var headers: [UInt64: RPCBlock] = [:]
        for (number, block) in zip(numbers, fetched) {
            guard let block else { throw IndexerError.missingBlock(number) }
            headers[number] = block
        }
        // A new first block must extend what we stored, or the chain reorganised under us.
        if let first = headers[from], !checkpointHash.isEmpty, first.parentHash.hex != checkpointHash {
            throw IndexerError.chainMovedDuringFetch(block: from)
        }
        let logs = try await client.logs(addresses: configuration.addresses, from: from, to: to)
        for log in logs {
            if let header = headers[log.blockNumber], header.hash != log.blockHash {
                throw IndexerError.chainMovedDuringFetch(block: log.blockNumber)
            }
        }
        guard let last = headers[to] else { throw IndexerError.missingBlock(to) }
        let (decoded, records) = decode(logs)
        return FetchedBatch(from: from, to: to, headers: headers, logs: logs, decoded: decoded, records: records, last: last)
    }

    /// Commits a batch's events, projections, block hashes and checkpoint in
    /// one transaction, then counts what it committed.
    func write(_ batch: FetchedBatch, checkpoint: (block: UInt64, hash: String), finalized: UInt64, lease: IndexerLease) async throws {
        let to = batch.to
        let decoded = batch.decoded
        // The events the projection applies (those of known contracts), made
        // once for the prefetch and the apply; unlabelled, the element type
        // Projector.prefetch takes, so the array is passed without a converted copy.
        let chain = configuration.chain
        let projectable = decoded.compactMap { item -> (TakumiEvent, EventContext)? in
            guard let event = item.event, let context = item.context(chain: chain, journalBelow: finalized) else { return nil }
            return (event, context)
        }
        let reversible = batch.headers.values.filter { $0.number > finalized }.sorted { $0.number < $1.number }
        var pausedChanges: [(String, Bool)] = []
        let genesis = configuration.startBlock > 0 ? configuration.startBlock - 1 : 0
        try await store.write(lease) { tx in
            // An operator may have moved the checkpoint since reconcile (the
            // runbook's manual resync runs while we index): committing this
            // batch would overwrite it and the resync would silently not happen.
            let stored = max(try await tx.checkpoint()?.block ?? genesis, genesis)
            if stored != checkpoint.block { throw IndexerError.checkpointMoved(from: checkpoint.block, to: stored) }
            // The rows the projection will read, before the events' COPY,
            // which runs in the background while the projection works: a
            // query during it would wait for it.
            try await projector.prefetch(projectable, in: tx)
            try await tx.insertEvents(batch.records)
            Failpoints.reach(.batchAfterEvents)
            // By index: a for-in binding would copy each event (its strings retained and released).
            for index in projectable.indices {
                try await projector.apply(projectable[index].0, at: projectable[index].1, in: tx)
                switch projectable[index].0 {
                case .paused: pausedChanges.append((projectable[index].1.contract, true))
                case .unpaused: pausedChanges.append((projectable[index].1.contract, false))
                default: break
                }
            }
            try await tx.saveBlockHashes(reversible.map {
                BlockHashRecord(chain: configuration.chain, number: $0.number, hash: $0.hash.hex, parentHash: $0.parentHash.hex)
            })
            Failpoints.reach(.batchBeforeCheckpoint)
            try await tx.setCheckpoint(block: to, hash: batch.last.hash.hex)
            if finalized > 0 { try await tx.pruneBelow(chain: configuration.chain, block: finalized) }
            try await tx.setLastError(nil)
            Failpoints.reach(.batchBeforeCommit)
        }
        // One counter update per event name and batch: making a labelled
        // counter looks it up in the metrics backend, too much to do per event.
        var counts: [String: Int] = [:]
        var undecodable = 0
        for index in decoded.indices {
            if let name = decoded[index].event?.name { counts[name, default: 0] += 1 } else { undecodable += 1 }
        }
        for (name, count) in counts { metrics.event(name, count: count) }
        if undecodable > 0 { metrics.undecodable(count: undecodable) }
        for (contract, paused) in pausedChanges { metrics.paused(contract, paused) }
    }

    /// A fetched log, decoded when it is a Takumi event (its chain_events
    /// row is at the same index of ``FetchedBatch/records``).
    struct DecodedLog: Sendable {
        var log: RPCLog
        var event: TakumiEvent?
        var contract: String?

        func context(chain: String, journalBelow finalized: UInt64) -> EventContext? {
            guard let contract else { return nil }
            return EventContext(
                chain: chain, blockNumber: log.blockNumber, transactionHash: log.transactionHash, logIndex: log.logIndex,
                contract: contract, contractAddress: log.address, journalBlock: log.blockNumber > finalized ? log.blockNumber : nil
            )
        }
    }

    /// Decodes logs; one that fails to decode is kept raw (event name nil),
    /// counted, and logged — never dropped.
    func decode(_ logs: [RPCLog]) -> (decoded: [DecodedLog], records: [ChainEventRecord]) {
        // Logs come in chain order: a block's and a transaction's hash repeat
        // over their logs, and a few addresses over all of them, so their
        // text is made once and shared.
        var blockHashText = HexMemo()
        var txHashText = HexMemo()
        var contracts: [(address: Address, lowercased: String, name: String?)] = []
        var decoded: [DecodedLog] = []
        var records: [ChainEventRecord] = []
        decoded.reserveCapacity(logs.count)
        records.reserveCapacity(logs.count)
        for log in logs {
            var event: TakumiEvent?
            do {
                event = try TakumiEvent.decode(topics: log.topics, data: log.data)
            } catch {
                logger.warning("undecodable event stored raw", metadata: [
                    "tx": "\(log.transactionHash.hex)", "logIndex": "\(log.logIndex)", "error": "\(error)",
                ])
            }
            let contract: (address: Address, lowercased: String, name: String?)
            if let known = contracts.first(where: { $0.address == log.address }) {
                contract = known
            } else {
                contract = (log.address, log.address.lowercased, configuration.contractNames[log.address])
                contracts.append(contract)
            }
            records.append(ChainEventRecord(
                chain: configuration.chain, blockNumber: log.blockNumber, blockHash: blockHashText.hex(log.blockHash),
                txHash: txHashText.hex(log.transactionHash), logIndex: log.logIndex, address: contract.lowercased,
                eventName: event?.name, topics: log.topics.map(\.hex), data: Hex.encode(log.data), args: event?.argumentsJSON
            ))
            decoded.append(DecodedLog(log: log, event: event, contract: contract.name))
        }
        return (decoded, records)
    }

    /// The hex text of the last hash asked for, reused while the same hash repeats.
    struct HexMemo {
        var last: (hash: Bytes32, text: String)?

        mutating func hex(_ hash: Bytes32) -> String {
            if let last, last.hash == hash { return last.text }
            let text = hash.hex
            last = (hash, text)
            return text
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
