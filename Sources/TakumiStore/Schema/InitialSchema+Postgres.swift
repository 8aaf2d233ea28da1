/// Migration 1: the indexer's tables (see ARCHITECTURE.md § Database).
/// Addresses and hashes are lowercase 0x-hex text, ids and block numbers
/// BIGINT, uint256 amounts decimal text. Every projection row carries its
/// `chain` (part of the key) and `last_block` (the block that last changed it).
///
/// ```swift
/// InitialSchema.postgres   // the PostgreSQL script of migration 1
/// ```
enum InitialSchema {
    static let postgres = """
        CREATE TABLE chain_events (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            chain TEXT NOT NULL,
            block_number BIGINT NOT NULL CHECK (block_number >= 0),
            block_hash TEXT NOT NULL,
            tx_hash TEXT NOT NULL,
            log_index BIGINT NOT NULL CHECK (log_index >= 0),
            address TEXT NOT NULL,
            event_name TEXT,
            topics TEXT[] NOT NULL,
            data TEXT NOT NULL,
            args JSON,
            UNIQUE (chain, tx_hash, log_index)
        );
        CREATE INDEX chain_events_by_block ON chain_events (chain, block_number, log_index);
        CREATE INDEX chain_events_by_name ON chain_events (chain, event_name, block_number);

        CREATE TABLE indexer_state (
            chain TEXT PRIMARY KEY,
            last_synced_block BIGINT CHECK (last_synced_block >= 0),
            last_synced_hash TEXT,
            updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            epoch BIGINT NOT NULL DEFAULT 0,
            last_error TEXT
        );

        -- The runbook's manual resync sets last_synced_block by hand; the hash
        -- then belongs to another block, so forget it instead of keeping a lie.
        CREATE FUNCTION indexer_state_forget_stale_hash() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.last_synced_block IS DISTINCT FROM OLD.last_synced_block
               AND NEW.last_synced_hash IS NOT DISTINCT FROM OLD.last_synced_hash THEN
                NEW.last_synced_hash := NULL;
                NEW.updated_at := now();
            END IF;
            RETURN NEW;
        END
        $$;
        CREATE TRIGGER indexer_state_forget_stale_hash BEFORE UPDATE ON indexer_state
            FOR EACH ROW EXECUTE FUNCTION indexer_state_forget_stale_hash();

        CREATE TABLE block_hashes (
            chain TEXT NOT NULL,
            number BIGINT NOT NULL,
            hash TEXT NOT NULL,
            parent_hash TEXT NOT NULL,
            PRIMARY KEY (chain, number)
        );

        CREATE TABLE reorg_journal (
            sequence BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            chain TEXT NOT NULL,
            block_number BIGINT NOT NULL,
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
            skill_count BIGINT NOT NULL DEFAULT 0,
            created_block BIGINT NOT NULL,
            updated_block BIGINT NOT NULL,
            last_block BIGINT NOT NULL,
            PRIMARY KEY (chain, owner)
        );
        CREATE INDEX profiles_by_name ON profiles (chain, lower(name) text_pattern_ops);

        CREATE TABLE skills (
            chain TEXT NOT NULL,
            id BIGINT NOT NULL,
            owner TEXT NOT NULL,
            name TEXT NOT NULL,
            category TEXT NOT NULL DEFAULT '',
            verified BOOLEAN NOT NULL DEFAULT false,
            removed BOOLEAN NOT NULL DEFAULT false,
            verified_by_claim BIGINT,
            created_block BIGINT NOT NULL,
            removed_block BIGINT,
            last_block BIGINT NOT NULL,
            PRIMARY KEY (chain, id)
        );
        CREATE INDEX skills_by_owner ON skills (chain, owner);
        CREATE INDEX skills_by_name ON skills (chain, lower(name) text_pattern_ops);

        CREATE TABLE skill_claims (
            chain TEXT NOT NULL,
            id BIGINT NOT NULL,
            claimant TEXT NOT NULL,
            skill_id BIGINT NOT NULL,
            evidence_uri TEXT NOT NULL DEFAULT '',
            verifier TEXT,
            status TEXT NOT NULL,
            rejection_reason TEXT,
            dispute_reason TEXT,
            resolution_note TEXT,
            created_block BIGINT NOT NULL,
            updated_block BIGINT NOT NULL,
            last_block BIGINT NOT NULL,
            PRIMARY KEY (chain, id)
        );
        CREATE INDEX skill_claims_by_status ON skill_claims (chain, status);
        CREATE INDEX skill_claims_by_claimant ON skill_claims (chain, claimant);
        CREATE INDEX skill_claims_by_verifier ON skill_claims (chain, verifier);
        CREATE INDEX skill_claims_by_skill ON skill_claims (chain, skill_id);

        CREATE TABLE endorsements (
            chain TEXT NOT NULL,
            id BIGINT NOT NULL,
            endorser TEXT NOT NULL,
            endorsee TEXT NOT NULL,
            skill_id BIGINT NOT NULL,
            message TEXT NOT NULL DEFAULT '',
            active BOOLEAN NOT NULL DEFAULT true,
            created_block BIGINT NOT NULL,
            revoked_block BIGINT,
            last_block BIGINT NOT NULL,
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
            active BOOLEAN NOT NULL DEFAULT true,
            suspension_reason TEXT,
            registered_block BIGINT NOT NULL,
            updated_block BIGINT NOT NULL,
            last_block BIGINT NOT NULL,
            PRIMARY KEY (chain, account)
        );
        CREATE INDEX verifiers_by_active ON verifiers (chain, active);

        CREATE TABLE contract_state (
            chain TEXT NOT NULL,
            contract TEXT NOT NULL,
            address TEXT NOT NULL,
            paused BOOLEAN NOT NULL DEFAULT false,
            paused_by TEXT,
            implementation TEXT,
            version TEXT,
            updated_block BIGINT NOT NULL,
            last_block BIGINT NOT NULL,
            PRIMARY KEY (chain, contract)
        );

        CREATE TABLE multisig_proposals (
            chain TEXT NOT NULL,
            proposal_id BIGINT NOT NULL,
            target TEXT NOT NULL,
            amount TEXT NOT NULL DEFAULT '0' CHECK (amount ~ '^[0-9]+$'),
            data TEXT NOT NULL DEFAULT '0x',
            proposer TEXT NOT NULL,
            confirmations BIGINT NOT NULL DEFAULT 0,
            executed BOOLEAN NOT NULL DEFAULT false,
            executor TEXT,
            executed_tx TEXT,
            executed_block BIGINT,
            created_block BIGINT NOT NULL,
            created_tx TEXT,
            last_block BIGINT NOT NULL,
            PRIMARY KEY (chain, proposal_id)
        );
        CREATE INDEX multisig_proposals_open ON multisig_proposals (chain, executed, proposal_id);

        CREATE TABLE role_members (
            chain TEXT NOT NULL,
            contract TEXT NOT NULL,
            role TEXT NOT NULL,
            account TEXT NOT NULL,
            granted_block BIGINT NOT NULL,
            granted_by_tx TEXT NOT NULL,
            sender TEXT NOT NULL,
            last_block BIGINT NOT NULL,
            PRIMARY KEY (chain, contract, role, account)
        );
        CREATE INDEX role_members_by_account ON role_members (chain, account);
        """
}
