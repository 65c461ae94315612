// A receipt proves to a participant, offline, that an entry is in the ledger: the signed
// entry, a signed checkpoint covering it, and the RFC 6962 inclusion proof of the entry's
// leaf (see LedgerTree) in the checkpoint's tree.

using System.Text.Json;
using SecureFed.Crypto.Merkle;
using SecureFed.Crypto.Signatures;

namespace SecureFed.Protocol.Ledger;

/// <summary>An entry, a checkpoint that covers it, and the proof that joins them.</summary>
public sealed class LedgerReceipt
{
    /// <summary>The receipt file format this code writes and reads.</summary>
    public const int FormatVersion = 1;

    private readonly byte[][] _inclusionProof;

    /// <summary>Creates a receipt from its parts (the proof is copied).</summary>
    /// <exception cref="ArgumentException">A proof node is not 32 bytes.</exception>
    public LedgerReceipt(LedgerEntry entry, LedgerCheckpoint checkpoint, IReadOnlyList<byte[]> inclusionProof)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(inclusionProof);
        _inclusionProof = new byte[inclusionProof.Count][];
        for (int i = 0; i < inclusionProof.Count; i++)
        {
            var node = inclusionProof[i];
            if (node is null || node.Length != MerkleTree.HashSize)
            {
                throw new ArgumentException(
                    $"Inclusion proof node {i} is not {MerkleTree.HashSize} bytes.", nameof(inclusionProof));
            }

            _inclusionProof[i] = (byte[])node.Clone();
        }

        Entry = entry;
        Checkpoint = checkpoint;
    }

    /// <summary>The entry the receipt is for.</summary>
    public LedgerEntry Entry { get; }

    /// <summary>A signed checkpoint whose tree includes the entry.</summary>
    public LedgerCheckpoint Checkpoint { get; }

    /// <summary>The entry's audit path in the checkpoint's tree, from the leaf upwards.</summary>
    public IReadOnlyList<byte[]> InclusionProof => Array.ConvertAll(_inclusionProof, n => (byte[])n.Clone());

    /// <summary>
    /// Builds the receipt for entry <paramref name="index"/> of <paramref name="entries"/>
    /// under <paramref name="checkpoint"/>, which must cover it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The index is not covered by the checkpoint, or the checkpoint covers more entries than given.
    /// </exception>
    public static LedgerReceipt Create(IReadOnlyList<LedgerEntry> entries, int index, LedgerCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (checkpoint.TreeSize > (ulong)entries.Count)
        {
            throw new ArgumentOutOfRangeException(
                nameof(checkpoint),
                $"The checkpoint covers {checkpoint.TreeSize} entries; only {entries.Count} were given.");
        }

        var proof = LedgerTree.InclusionProof(entries, index, (int)checkpoint.TreeSize);
        return new LedgerReceipt(entries[index], checkpoint, proof);
    }

    /// <summary>
    /// Checks the entry's hash and signature, the checkpoint's signature, and the inclusion
    /// proof, all against <paramref name="applianceKey"/>.
    /// </summary>
    public bool Verify(Ed25519PublicKey applianceKey) => Check(applianceKey).Ok;

    /// <summary>Like <see cref="Verify"/>, and says what failed.</summary>
    public LedgerVerificationReport Check(Ed25519PublicKey applianceKey)
    {
        ArgumentNullException.ThrowIfNull(applianceKey);
        long position = Entry.Index > long.MaxValue ? long.MaxValue : (long)Entry.Index;
        if (!Entry.HasValidHash())
        {
            return LedgerVerificationReport.Fail(
                LedgerFailure.BadHash, position, $"Entry {Entry.Index}'s hash does not match its contents.");
        }

        if (!Entry.HasValidSignature(applianceKey))
        {
            return LedgerVerificationReport.Fail(
                LedgerFailure.BadSignature, position, $"Entry {Entry.Index} is not signed by the ledger key.");
        }

        if (!Checkpoint.Verify(applianceKey))
        {
            return LedgerVerificationReport.Fail(
                LedgerFailure.BadCheckpointSignature, null, "The checkpoint is not signed by the ledger key.");
        }

        bool included = Checkpoint.TreeSize <= long.MaxValue
            && MerkleTree.VerifyInclusion(
                LedgerTree.LeafHash(Entry), position, (long)Checkpoint.TreeSize, _inclusionProof, Checkpoint.Root.Span);
        if (!included)
        {
            return LedgerVerificationReport.Fail(
                LedgerFailure.BadInclusionProof,
                position,
                $"The inclusion proof does not place entry {Entry.Index} in the checkpoint of " +
                $"{Checkpoint.TreeSize} entries.");
        }

        return LedgerVerificationReport.Success(
            $"Entry {Entry.Index} is in the checkpoint of {Checkpoint.TreeSize} entries.");
    }

    /// <summary>Writes the receipt as an indented JSON receipt file.</summary>
    public string ToJson()
    {
        var json = new ReceiptJson
        {
            FormatVersion = FormatVersion,
            Entry = LedgerJson.ToJson(Entry),
            Checkpoint = LedgerJson.ToJson(Checkpoint),
            InclusionProof = [.. _inclusionProof],
        };
        return JsonSerializer.Serialize(json, LedgerJsonContext.Default.ReceiptJson);
    }

    /// <summary>Reads a receipt file, refusing anything not exactly of the expected form.</summary>
    /// <exception cref="FormatException">
    /// The JSON is invalid, the version unknown, a field missing, unknown or duplicated, or a
    /// byte string not base64 or of the wrong size.
    /// </exception>
    public static LedgerReceipt FromJson(string json)
    {
        var document = LedgerJson.Parse(
            json, "receipt", text => JsonSerializer.Deserialize(text, LedgerJsonContext.Default.ReceiptJson));
        LedgerJson.CheckVersion(document.FormatVersion, FormatVersion, "receipt");
        var entry = LedgerJson.FromJson(document.Entry, "receipt.entry");
        var checkpoint = LedgerJson.FromJson(document.Checkpoint, "receipt.checkpoint");
        if (document.InclusionProof is null)
        {
            throw new FormatException("receipt.inclusion_proof is missing.");
        }

        var proof = new byte[document.InclusionProof.Count][];
        for (int i = 0; i < proof.Length; i++)
        {
            proof[i] = LedgerJson.Sized(
                document.InclusionProof[i], "receipt", $"inclusion_proof[{i}]", MerkleTree.HashSize);
        }

        return new LedgerReceipt(entry, checkpoint, proof);
    }
}
