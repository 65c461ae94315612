// One entry of the appliance's append-only ledger. The entry hash is SHA-256 over a
// Transcript (every field length-prefixed or fixed-size, big-endian integers) under the
// label "securefed/ledger/v1": index, previous hash, timestamp, kind, payload. The
// signature is Ed25519 (RFC 8032) by the appliance's ledger key over the 32-byte hash.
// Hashes are 32 bytes, signatures 64, payloads at most 1 MiB.

using System.Security.Cryptography;
using System.Text;
using SecureFed.Crypto.Signatures;

namespace SecureFed.Protocol.Ledger;

/// <summary>
/// A signed, hash-chained ledger entry. The payload bytes (UTF-8 JSON written by the
/// appliance) are authoritative: the hash covers exactly them. Constructing an entry checks
/// only its shape; <see cref="LedgerVerifier"/> checks hashes, signatures and the chain.
/// </summary>
public sealed class LedgerEntry
{
    /// <summary>Domain-separation label of the hashed encoding.</summary>
    public const string Domain = "securefed/ledger/v1";

    /// <summary>Size of an entry hash in bytes.</summary>
    public const int HashSize = 32;

    /// <summary>Largest payload in bytes.</summary>
    public const int MaxPayloadSize = 1 << 20;

    /// <summary>Longest kind in characters.</summary>
    public const int MaxKindLength = 64;

    private readonly byte[] _previousHash;
    private readonly byte[] _payload;
    private readonly byte[] _hash;
    private readonly byte[] _signature;

    /// <summary>Creates an entry from stored fields (all copied), checking their shape.</summary>
    /// <exception cref="ArgumentException">
    /// A hash is not 32 bytes, the signature not 64, the payload too large, or the kind not
    /// 1 to 64 characters of lower-case ASCII letters, digits, '.', '_' or '-'.
    /// </exception>
    public LedgerEntry(
        ulong index,
        ReadOnlySpan<byte> previousHash,
        long timestampUnixMs,
        string kind,
        ReadOnlySpan<byte> payload,
        ReadOnlySpan<byte> hash,
        ReadOnlySpan<byte> signature)
    {
        ValidateContents(previousHash, timestampUnixMs, kind, payload);
        if (hash.Length != HashSize)
        {
            throw new ArgumentException($"An entry hash is {HashSize} bytes, not {hash.Length}.", nameof(hash));
        }

        if (signature.Length != Ed25519PublicKey.SignatureSize)
        {
            throw new ArgumentException(
                $"An entry signature is {Ed25519PublicKey.SignatureSize} bytes, not {signature.Length}.",
                nameof(signature));
        }

        Index = index;
        _previousHash = previousHash.ToArray();
        TimestampUnixMs = timestampUnixMs;
        Kind = kind;
        _payload = payload.ToArray();
        _hash = hash.ToArray();
        _signature = signature.ToArray();
    }

    /// <summary>Position in the ledger, from 0.</summary>
    public ulong Index { get; }

    /// <summary>Hash of the previous entry; 32 zero bytes for entry 0.</summary>
    public ReadOnlyMemory<byte> PreviousHash => _previousHash;

    /// <summary>When the appliance appended the entry, in milliseconds since the Unix epoch.</summary>
    public long TimestampUnixMs { get; }

    /// <summary>What the entry records, e.g. "round.opened" or "contribution".</summary>
    public string Kind { get; }

    /// <summary>The payload bytes, as stored and hashed.</summary>
    public ReadOnlyMemory<byte> Payload => _payload;

    /// <summary>SHA-256 over the entry's canonical encoding.</summary>
    public ReadOnlyMemory<byte> Hash => _hash;

    /// <summary>The appliance's Ed25519 signature over <see cref="Hash"/>.</summary>
    public ReadOnlyMemory<byte> Signature => _signature;

    /// <summary>Computes the hash an entry with these contents must carry.</summary>
    /// <exception cref="ArgumentException">A field has the wrong shape (see the constructor).</exception>
    public static byte[] ComputeHash(
        ulong index, ReadOnlySpan<byte> previousHash, long timestampUnixMs, string kind, ReadOnlySpan<byte> payload)
    {
        ValidateContents(previousHash, timestampUnixMs, kind, payload);
        return HashCore(index, previousHash, timestampUnixMs, kind, payload);
    }

    /// <summary>Whether <see cref="Hash"/> matches the contents, compared in fixed time.</summary>
    public bool HasValidHash() =>
        CryptographicOperations.FixedTimeEquals(
            HashCore(Index, _previousHash, TimestampUnixMs, Kind, _payload), _hash);

    /// <summary>Whether <see cref="Signature"/> is the given key's signature over <see cref="Hash"/>.</summary>
    public bool HasValidSignature(Ed25519PublicKey applianceKey)
    {
        ArgumentNullException.ThrowIfNull(applianceKey);
        return applianceKey.Verify(_hash, _signature);
    }

    /// <inheritdoc />
    public override string ToString() => $"LedgerEntry({Index}, {Kind}, {Convert.ToHexString(_hash)})";

    internal static void ValidateContents(
        ReadOnlySpan<byte> previousHash, long timestampUnixMs, string kind, ReadOnlySpan<byte> payload)
    {
        if (previousHash.Length != HashSize)
        {
            throw new ArgumentException(
                $"A previous hash is {HashSize} bytes, not {previousHash.Length}.", nameof(previousHash));
        }

        if (timestampUnixMs < 0)
        {
            throw new ArgumentException(
                $"A timestamp of {timestampUnixMs} ms is before the Unix epoch.", nameof(timestampUnixMs));
        }

        ValidateKind(kind);
        if (payload.Length > MaxPayloadSize)
        {
            throw new ArgumentException(
                $"A payload is at most {MaxPayloadSize} bytes, not {payload.Length}.", nameof(payload));
        }
    }

    private static void ValidateKind(string kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (kind.Length is 0 or > MaxKindLength)
        {
            throw new ArgumentException(
                $"A kind is 1 to {MaxKindLength} characters, not {kind.Length}.", nameof(kind));
        }

        foreach (char c in kind)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-'))
            {
                throw new ArgumentException(
                    $"The kind \"{kind}\" has a character other than a-z, 0-9, '.', '_' and '-'.",
                    nameof(kind));
            }
        }
    }

    private static byte[] HashCore(
        ulong index, ReadOnlySpan<byte> previousHash, long timestampUnixMs, string kind, ReadOnlySpan<byte> payload) =>
        new Transcript(Domain)
            .U64(index)
            .Bytes(previousHash)
            .U64(unchecked((ulong)timestampUnixMs))
            .Bytes(Encoding.ASCII.GetBytes(kind))
            .Bytes(payload)
            .Hash();
}
