/// Migration 1 for SQLite: the same tables as ``InitialSchema/postgres``,
/// with INTEGER for BIGINT and booleans (0/1), TEXT for arrays, JSON and
/// timestamps (`YYYY-MM-DD HH:MM:SS.SSS`, UTC).
extension InitialSchema {
    static let sqlite = """
        CREATE TABLE chain_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            chain TEXT NOT NULL,
            block_number INTEGER NOT NULL CHECK (block_number >= 0),
            block_hash TEXT NOT NULL,
            tx_hash TEXT NOT NULL,
            log_index INTEGER NOT NULL CHECK (log_index >= 0),
            address TEXT NOT NULL,
            event_name TEXT,
            topics TEXT NOT NULL,
            data TEXT NOT NULL,
            args TEXT,
            UNIQUE (chain, tx_hash, log_index)
        );
        CREATE INDEX chain_events_by_block ON chain_events (chain, block_number, log_index);
        CREATE INDEX chain_events_by_name ON chain_events (chain, event_name, block_number);

        CREATE TABLE indexer_state (
            chain TEXT PRIMARY KEY,
            last_synced_block INTEGER CHECK (last_synced_block >= 0),
            last_synced_hash TEXT,
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
            epoch INTEGER NOT NULL DEFAULT 0,
            last_error TEXT
        );

        -- The runbook's manual resync sets last_synced_block by hand; the hash
        -- then belongs to another block, so forget it instead of keeping a lie.
        CREATE TRIGGER indexer_state_forget_stale_hash AFTER UPDATE OF last_synced_block ON indexer_state
            WHEN NEW.last_synced_block IS NOT OLD.last_synced_block
             AND NEW.last_synced_hash IS OLD.last_synced_hash
             AND NEW.last_synced_hash IS NOT NULL
        BEGIN
            UPDATE indexer_state SET last_synced_hash = NULL, updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now')
            WHERE chain = NEW.chain;
        END;

        CREATE TABLE block_hashes (
            chain TEXT NOT NULL,
            number INTEGER NOT NULL,
            hash TEXT NOT NULL,
            parent_hash TEXT NOT NULL,
            PRIMARY KEY (chain, number)
        );

        CREATE TABLE reorg_journal (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            chain TEXT NOT NULL,
            block_number INTEGER NOT NULL,
            table_name TEXT NOT NULL,
            row_key TEXT NOT NULL,
            previous_row TEXT
        );
        CREATE INDEX reorg_journal_by_block ON reorg_journal (chain, block_number);

        CREATE TABLE profiles (
            chain TEXT NOT NULL,
            owner TEXT NOT NULL,
            name TEXT NOT NULL,
            bio TEXT NOT NULL DEFAULT '',
            metadata_uri TEXT NOT NULL DEFAULT '',
            skill_count INTEGER NOT NULL DEFAULT 0,
            created_block INTEGER NOT NULL,
            updated_block INTEGER NOT NULL,
            last_block INTEGER NOT NULL,
            PRIMARY KEY (chain, owner)
        );
        CREATE INDEX profiles_by_name ON profiles (chain, name COLLATE NOCASE);

        CREATE TABLE skills (
            chain TEXT NOT NULL,
            id INTEGER NOT NULL,
            owner TEXT NOT NULL,
            name TEXT NOT NULL,
            category TEXT NOT NULL DEFAULT '',
            verified INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),
            removed INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1)),
            verified_by_claim INTEGER,
            created_block INTEGER NOT NULL,
            removed_block INTEGER,
            last_block INTEGER NOT NULL,
            PRIMARY KEY (chain, id)
        );
        CREATE INDEX skills_by_owner ON skills (chain, owner);
        CREATE INDEX skills_by_name ON skills (chain, name COLLATE NOCASE);

        CREATE TABLE skill_claims (
            chain TEXT NOT NULL,
            id INTEGER NOT NULL,
            claimant TEXT NOT NULL,
            skill_id INTEGER NOT NULL,
            evidence_uri TEXT NOT NULL DEFAULT '',
            verifier TEXT,
            status TEXT NOT NULL,
            rejection_reason TEXT,
            dispute_reason TEXT,
            resolution_note TEXT,
            created_block INTEGER NOT NULL,
            updated_block INTEGER NOT NULL,
            last_block INTEGER NOT NULL,
            PRIMARY KEY (chain, id)
        );
        CREATE INDEX skill_claims_by_status ON skill_claims (chain, status);
        CREATE INDEX skill_claims_by_claimant ON skill_claims (chain, claimant);
        CREATE INDEX skill_claims_by_verifier ON skill_claims (chain, verifier);
        CREATE INDEX skill_claims_by_skill ON skill_claims (chain, skill_id);

        CREATE TABLE endorsements (
            chain TEXT NOT NULL,
            id INTEGER NOT NULL,
            endorser TEXT NOT NULL,
            endorsee TEXT NOT NULL,
            skill_id INTEGER NOT NULL,
            message TEXT NOT NULL DEFAULT '',
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            created_block INTEGER NOT NULL,
            revoked_block INTEGER,
            last_block INTEGER NOT NULL,
            PRIMARY KEY (chain, id)
        );
        CREATE INDEX endorsements_by_endorsee ON endorsements (chain, endorsee);
        CREATE INDEX endorsements_by_endorser ON endorsements (chain, endorser);
        CREATE INDEX endorsements_by_skill ON endorsements (chain, skill_id);

        CREATE TABLE verifiers (
            chain TEXT NOT NULL,
            account TEXT NOT NULL,
            name TEXT NOT NULL,
            organisation TEXT NOT NULL DEFAULT '',
            specialisations TEXT NOT NULL DEFAULT '[]',
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            suspension_reason TEXT,
            registered_block INTEGER NOT NULL,
            updated_block INTEGER NOT NULL,
            last_block INTEGER NOT NULL,
            PRIMARY KEY (chain, account)
        );
        CREATE INDEX verifiers_by_active ON verifiers (chain, active);

        CREATE TABLE contract_state (
            chain TEXT NOT NULL,
            contract TEXT NOT NULL,
            address TEXT NOT NULL,
            paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
            paused_by TEXT,
            implementation TEXT,
            version TEXT,
            updated_block INTEGER NOT NULL,
            last_block INTEGER NOT NULL,
            PRIMARY KEY (chain, contract)
        );

        CREATE TABLE multisig_proposals (
            chain TEXT NOT NULL,
            proposal_id INTEGER NOT NULL,
            target TEXT NOT NULL,
            amount TEXT NOT NULL DEFAULT '0' CHECK (amount <> '' AND amount NOT GLOB '*[^0-9]*'),
            data TEXT NOT NULL DEFAULT '0x',
            proposer TEXT NOT NULL,
            confirmations INTEGER NOT NULL DEFAULT 0,
            executed INTEGER NOT NULL DEFAULT 0 CHECK (executed IN (0, 1)),
            executor TEXT,
            executed_tx TEXT,
            executed_block INTEGER,
            created_block INTEGER NOT NULL,
            created_tx TEXT,
            last_block INTEGER NOT NULL,
            PRIMARY KEY (chain, proposal_id)
        );
        CREATE INDEX multisig_proposals_open ON multisig_proposals (chain, executed, proposal_id);

        CREATE TABLE role_members (
            chain TEXT NOT NULL,
            contract TEXT NOT NULL,
            role TEXT NOT NULL,
            account TEXT NOT NULL,
            granted_block INTEGER NOT NULL,
            granted_by_tx TEXT NOT NULL,
            sender TEXT NOT NULL,
            last_block INTEGER NOT NULL,
            PRIMARY KEY (chain, contract, role, account)
        );
        CREATE INDEX role_members_by_account ON role_members (chain, account);
        """
}
