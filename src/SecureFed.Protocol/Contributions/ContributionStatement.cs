// The client's signed statement about one contribution: which federation, round and
// client, which protection mode, and the commitment (length and Merkle root, see
// ContributionCommitment). The signed bytes are a Transcript (every field length-prefixed
// or fixed-size) under the label "securefed/contribution/v1"; the signature is Ed25519
// (RFC 8032) by the client's identity key.

using SecureFed.Crypto.Merkle;
using SecureFed.Crypto.Signatures;

namespace SecureFed.Protocol.Contributions;

/// <summary>A client's statement committing to one contribution, to be signed by the client.</summary>
public sealed record ContributionStatement
{
    /// <summary>Domain-separation label of the signed encoding.</summary>
    public const string Domain = "securefed/contribution/v1";

    /// <summary>Size of a federation id in bytes.</summary>
    public const int FederationIdSize = 16;

    /// <summary>Mode value of a masked vector (secure aggregation).</summary>
    public const byte MaskMode = 1;

    /// <summary>Mode value of a CKKS ciphertext (homomorphic encryption).</summary>
    public const byte HeMode = 2;

    /// <summary>Creates a statement, checking every field.</summary>
    /// <param name="federationId">The federation, 16 bytes (copied).</param>
    /// <param name="round">The round number.</param>
    /// <param name="clientId">The contributing client.</param>
    /// <param name="mode"><see cref="MaskMode"/> or <see cref="HeMode"/>.</param>
    /// <param name="totalLength">The contribution's length in bytes.</param>
    /// <param name="root">Its commitment root, 32 bytes (copied).</param>
    /// <exception cref="ArgumentException">A field has the wrong size or value.</exception>
    public ContributionStatement(
        ReadOnlySpan<byte> federationId,
        ulong round,
        uint clientId,
        byte mode,
        long totalLength,
        ReadOnlySpan<byte> root)
    {
        if (federationId.Length != FederationIdSize)
        {
            throw new ArgumentException(
                $"A federation id is {FederationIdSize} bytes, not {federationId.Length}.",
                nameof(federationId));
        }

        if (mode is not (MaskMode or HeMode))
        {
            throw new ArgumentException(
                $"Mode {mode} is neither mask ({MaskMode}) nor HE ({HeMode}).", nameof(mode));
        }

        if (totalLength < 0 || totalLength > ContributionCommitment.MaxLength)
        {
            throw new ArgumentException(
                $"A contribution length of {totalLength} is outside 0 to {ContributionCommitment.MaxLength}.",
                nameof(totalLength));
        }

        if (root.Length != MerkleTree.HashSize)
        {
            throw new ArgumentException(
                $"A commitment root is {MerkleTree.HashSize} bytes, not {root.Length}.", nameof(root));
        }

        FederationId = federationId.ToArray();
        Round = round;
        ClientId = clientId;
        Mode = mode;
        TotalLength = totalLength;
        Root = root.ToArray();
    }

    /// <summary>The federation, 16 bytes.</summary>
    public ReadOnlyMemory<byte> FederationId { get; }

    /// <summary>The round number.</summary>
    public ulong Round { get; }

    /// <summary>The contributing client.</summary>
    public uint ClientId { get; }

    /// <summary><see cref="MaskMode"/> or <see cref="HeMode"/>.</summary>
    public byte Mode { get; }

    /// <summary>The contribution's length in bytes.</summary>
    public long TotalLength { get; }

    /// <summary>The commitment root, 32 bytes.</summary>
    public ReadOnlyMemory<byte> Root { get; }

    /// <summary>Creates the statement for a contribution hashed by a <see cref="ContributionHasher"/>.</summary>
    public static ContributionStatement For(
        ReadOnlySpan<byte> federationId, ulong round, uint clientId, byte mode, ContributionDigest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        return new ContributionStatement(federationId, round, clientId, mode, digest.TotalLength, digest.Root);
    }

    /// <summary>The canonical bytes that are signed.</summary>
    public byte[] Encode() =>
        new Transcript(Domain)
            .Bytes(FederationId.Span)
            .U64(Round)
            .U32(ClientId)
            .U32(Mode)
            .U64(unchecked((ulong)TotalLength))
            .Bytes(Root.Span)
            .Encoded
            .ToArray();

    /// <summary>Signs the statement with the client's identity key.</summary>
    /// <returns>The 64-byte Ed25519 signature.</returns>
    public byte[] Sign(Ed25519PrivateKey clientKey)
    {
        ArgumentNullException.ThrowIfNull(clientKey);
        return clientKey.Sign(Encode());
    }

    /// <summary>Checks the client's signature over the statement.</summary>
    /// <returns>True when valid; false for any malformed or wrong signature.</returns>
    public bool Verify(Ed25519PublicKey clientKey, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(clientKey);
        return clientKey.Verify(Encode(), signature);
    }

    /// <inheritdoc />
    public bool Equals(ContributionStatement? other) =>
        other is not null
        && Round == other.Round
        && ClientId == other.ClientId
        && Mode == other.Mode
        && TotalLength == other.TotalLength
        && FederationId.Span.SequenceEqual(other.FederationId.Span)
        && Root.Span.SequenceEqual(other.Root.Span);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Round, ClientId, Mode, TotalLength);
}
