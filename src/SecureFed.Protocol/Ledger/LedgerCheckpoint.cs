// Signed tree heads of the ledger: the size and Merkle root of the tree over the first
// TreeSize entry hashes (see LedgerTree) and a timestamp, signed with Ed25519 (RFC 8032) by
// the appliance's ledger key over a Transcript under the label "securefed/checkpoint/v1".

using SecureFed.Crypto.Merkle;
using SecureFed.Crypto.Signatures;

namespace SecureFed.Protocol.Ledger;

/// <summary>A signed head of the Merkle tree over the ledger's entries.</summary>
public sealed class LedgerCheckpoint
{
    /// <summary>Domain-separation label of the signed encoding.</summary>
    public const string Domain = "securefed/checkpoint/v1";

    private readonly byte[] _root;
    private readonly byte[] _signature;

    /// <summary>Creates a checkpoint from stored fields (copied), checking their shape.</summary>
    /// <exception cref="ArgumentException">
    /// The root is not 32 bytes, the signature not 64, or the timestamp negative.
    /// </exception>
    public LedgerCheckpoint(ulong treeSize, ReadOnlySpan<byte> root, long timestampUnixMs, ReadOnlySpan<byte> signature)
    {
        ValidateContents(root, timestampUnixMs);
        if (signature.Length != Ed25519PublicKey.SignatureSize)
        {
            throw new ArgumentException(
                $"A checkpoint signature is {Ed25519PublicKey.SignatureSize} bytes, not {signature.Length}.",
                nameof(signature));
        }

        TreeSize = treeSize;
        _root = root.ToArray();
        TimestampUnixMs = timestampUnixMs;
        _signature = signature.ToArray();
    }

    /// <summary>Number of entries the tree covers.</summary>
    public ulong TreeSize { get; }

    /// <summary>Merkle root over the first <see cref="TreeSize"/> entries.</summary>
    public ReadOnlyMemory<byte> Root => _root;

    /// <summary>When the appliance signed it, in milliseconds since the Unix epoch.</summary>
    public long TimestampUnixMs { get; }

    /// <summary>The appliance's Ed25519 signature over the canonical encoding.</summary>
    public ReadOnlyMemory<byte> Signature => _signature;

    /// <summary>Signs a tree head over a root the caller computed.</summary>
    /// <exception cref="ArgumentException">The root is not 32 bytes or the timestamp negative.</exception>
    public static LedgerCheckpoint Sign(
        ulong treeSize, ReadOnlySpan<byte> root, long timestampUnixMs, Ed25519PrivateKey applianceKey)
    {
        ArgumentNullException.ThrowIfNull(applianceKey);
        ValidateContents(root, timestampUnixMs);
        var signature = applianceKey.Sign(Encode(treeSize, root, timestampUnixMs));
        return new LedgerCheckpoint(treeSize, root, timestampUnixMs, signature);
    }

    /// <summary>Signs a tree head over all of <paramref name="entries"/>.</summary>
    public static LedgerCheckpoint ForEntries(
        IReadOnlyList<LedgerEntry> entries, long timestampUnixMs, Ed25519PrivateKey applianceKey)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return Sign((ulong)entries.Count, LedgerTree.Root(entries, entries.Count), timestampUnixMs, applianceKey);
    }

    /// <summary>The canonical bytes that are signed.</summary>
    public byte[] Encode() => Encode(TreeSize, _root, TimestampUnixMs);

    /// <summary>Whether <see cref="Signature"/> is the given key's signature over the head.</summary>
    public bool Verify(Ed25519PublicKey applianceKey)
    {
        ArgumentNullException.ThrowIfNull(applianceKey);
        return applianceKey.Verify(Encode(), _signature);
    }

    /// <summary>
    /// Whether <paramref name="proof"/> shows that this head's tree is a prefix of
    /// <paramref name="newer"/>'s. Signatures are not checked here.
    /// </summary>
    public bool IsConsistentWith(LedgerCheckpoint newer, IReadOnlyList<byte[]> proof)
    {
        ArgumentNullException.ThrowIfNull(newer);
        if (TreeSize > long.MaxValue || newer.TreeSize > long.MaxValue)
        {
            return false;
        }

        return MerkleTree.VerifyConsistency((long)TreeSize, (long)newer.TreeSize, _root, newer._root, proof);
    }

    /// <inheritdoc />
    public override string ToString() => $"LedgerCheckpoint({TreeSize}, {Convert.ToHexString(_root)})";

    private static byte[] Encode(ulong treeSize, ReadOnlySpan<byte> root, long timestampUnixMs) =>
        new Transcript(Domain)
            .U64(treeSize)
            .Bytes(root)
            .U64(unchecked((ulong)timestampUnixMs))
            .Encoded
            .ToArray();

    private static void ValidateContents(ReadOnlySpan<byte> root, long timestampUnixMs)
    {
        if (root.Length != MerkleTree.HashSize)
        {
            throw new ArgumentException(
                $"A checkpoint root is {MerkleTree.HashSize} bytes, not {root.Length}.", nameof(root));
        }

        if (timestampUnixMs < 0)
        {
            throw new ArgumentException(
                $"A timestamp of {timestampUnixMs} ms is before the Unix epoch.", nameof(timestampUnixMs));
        }
    }
}
