// Offline verification of a whole ledger (each entry's index, hash, signature, link to
// the previous entry and timestamp order), of checkpoints against it, and of receipts
// against it. The verifier trusts only the appliance's ledger public key it is given.

using System.Security.Cryptography;
using SecureFed.Crypto.Signatures;

namespace SecureFed.Protocol.Ledger;

/// <summary>Checks ledgers, checkpoints and receipts.</summary>
public static class LedgerVerifier
{
    /// <summary>
    /// Verifies every entry in order and reports the first one that fails: its index must be
    /// its position, its hash must match its contents, its signature must be the appliance's,
    /// its previous hash must be the entry before's hash (zeros for entry 0), and its time
    /// must not be earlier than the entry before's.
    /// </summary>
    public static LedgerVerificationReport Verify(IReadOnlyList<LedgerEntry> entries, Ed25519PublicKey applianceKey)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(applianceKey);
        ReadOnlySpan<byte> zeros = stackalloc byte[LedgerEntry.HashSize];
        for (int i = 0; i < entries.Count; i++)
        {
            var entry = entries[i] ?? throw new ArgumentException($"Entry {i} is null.", nameof(entries));
            var previous = i == 0 ? null : entries[i - 1];
            var failure = CheckEntry(entry, i, previous, zeros, applianceKey);
            if (failure is not null)
            {
                return failure;
            }
        }

        return LedgerVerificationReport.Success($"All {entries.Count} entries verify.");
    }

    /// <summary>
    /// Verifies a checkpoint against a ledger: it is signed by the appliance, covers no more
    /// entries than the ledger holds, and its root is the root of the first
    /// <see cref="LedgerCheckpoint.TreeSize"/> entries. The entries themselves are not checked
    /// here; use <see cref="Verify(IReadOnlyList{LedgerEntry}, Ed25519PublicKey)"/>.
    /// </summary>
    public static LedgerVerificationReport VerifyCheckpoint(
        IReadOnlyList<LedgerEntry> entries, LedgerCheckpoint checkpoint, Ed25519PublicKey applianceKey)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(applianceKey);
        if (!checkpoint.Verify(applianceKey))
        {
            return LedgerVerificationReport.Fail(
                LedgerFailure.BadCheckpointSignature, null, "The checkpoint is not signed by the ledger key.");
        }

        if (checkpoint.TreeSize > (ulong)entries.Count)
        {
            return LedgerVerificationReport.Fail(
                LedgerFailure.CheckpointBeyondLedger,
                null,
                $"The checkpoint covers {checkpoint.TreeSize} entries; the ledger holds {entries.Count}.");
        }

        var root = LedgerTree.Root(entries, (int)checkpoint.TreeSize);
        if (!CryptographicOperations.FixedTimeEquals(root, checkpoint.Root.Span))
        {
            return LedgerVerificationReport.Fail(
                LedgerFailure.CheckpointRootMismatch,
                null,
                $"The checkpoint's root is not the root of the ledger's first {checkpoint.TreeSize} entries.");
        }

        return LedgerVerificationReport.Success(
            $"The checkpoint matches the ledger's first {checkpoint.TreeSize} entries.");
    }

    /// <summary>
    /// Verifies a receipt on its own (<see cref="LedgerReceipt.Check"/>) and against a full
    /// ledger: the ledger holds an entry with an equal hash at that index, and the
    /// checkpoint's root is the root of the ledger's first tree-size entries.
    /// </summary>
    public static LedgerVerificationReport VerifyReceipt(
        LedgerReceipt receipt, IReadOnlyList<LedgerEntry> entries, Ed25519PublicKey applianceKey)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(applianceKey);
        var own = receipt.Check(applianceKey);
        if (!own.Ok)
        {
            return own;
        }

        ulong index = receipt.Entry.Index;
        if (index >= (ulong)entries.Count
            || !CryptographicOperations.FixedTimeEquals(entries[(int)index].Hash.Span, receipt.Entry.Hash.Span))
        {
            return LedgerVerificationReport.Fail(
                LedgerFailure.EntryNotInLedger,
                index >= (ulong)entries.Count ? null : (long)index,
                $"The ledger has no entry {index} with the receipt's hash.");
        }

        var checkpoint = VerifyCheckpoint(entries, receipt.Checkpoint, applianceKey);
        if (!checkpoint.Ok)
        {
            return checkpoint;
        }

        return LedgerVerificationReport.Success(
            $"Entry {index} is in the ledger and in its checkpoint of {receipt.Checkpoint.TreeSize} entries.");
    }

    private static LedgerVerificationReport? CheckEntry(
        LedgerEntry entry, int position, LedgerEntry? previous, ReadOnlySpan<byte> zeros, Ed25519PublicKey key)
    {
        if (entry.Index != (ulong)position)
        {
            return LedgerVerificationReport.Fail(
                LedgerFailure.IndexGap,
                position,
                $"Position {position} holds entry {entry.Index}; an entry is missing or out of order.");
        }

        if (!entry.HasValidHash())
        {
            return LedgerVerificationReport.Fail(
                LedgerFailure.BadHash, position, $"Entry {position}'s hash does not match its contents.");
        }

        if (!entry.HasValidSignature(key))
        {
            return LedgerVerificationReport.Fail(
                LedgerFailure.BadSignature, position, $"Entry {position} is not signed by the ledger key.");
        }

        var expectedPrevious = previous is null ? zeros : previous.Hash.Span;
        if (!CryptographicOperations.FixedTimeEquals(entry.PreviousHash.Span, expectedPrevious))
        {
            return LedgerVerificationReport.Fail(
                LedgerFailure.BrokenChain,
                position,
                position == 0
                    ? "Entry 0's previous hash is not all zeros."
                    : $"Entry {position}'s previous hash is not the hash of entry {position - 1}.");
        }

        if (previous is not null && entry.TimestampUnixMs < previous.TimestampUnixMs)
        {
            return LedgerVerificationReport.Fail(
                LedgerFailure.TimeBackwards,
                position,
                $"Entry {position}'s time {entry.TimestampUnixMs} ms is earlier than entry " +
                $"{position - 1}'s {previous.TimestampUnixMs} ms.");
        }

        return null;
    }
}
