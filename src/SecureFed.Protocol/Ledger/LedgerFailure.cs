namespace SecureFed.Protocol.Ledger;

/// <summary>Why a ledger or a receipt failed verification.</summary>
public enum LedgerFailure
{
    /// <summary>Nothing failed.</summary>
    None = 0,

    /// <summary>An entry's index is not its position in the ledger (one is missing or moved).</summary>
    IndexGap,

    /// <summary>An entry's hash does not match its contents.</summary>
    BadHash,

    /// <summary>An entry is not signed by the appliance's ledger key.</summary>
    BadSignature,

    /// <summary>An entry's previous hash is not the hash of the entry before it.</summary>
    BrokenChain,

    /// <summary>An entry's timestamp is earlier than the one before it.</summary>
    TimeBackwards,

    /// <summary>A checkpoint is not signed by the appliance's ledger key.</summary>
    BadCheckpointSignature,

    /// <summary>A checkpoint covers more entries than the ledger holds.</summary>
    CheckpointBeyondLedger,

    /// <summary>A checkpoint's root is not the root of the entries it claims to cover.</summary>
    CheckpointRootMismatch,

    /// <summary>A receipt's inclusion proof does not lead from its entry to its checkpoint.</summary>
    BadInclusionProof,

    /// <summary>A receipt's entry is not the ledger's entry at that index.</summary>
    EntryNotInLedger,
}
