// Appending to the ledger: each new entry names the previous entry's hash, takes the next
// index, and is signed by the appliance's ledger key (see LedgerEntry for the encoding).

using SecureFed.Crypto.Signatures;

namespace SecureFed.Protocol.Ledger;

/// <summary>
/// Produces the next signed entries of a ledger, from its last entry (or none for a new
/// ledger). It does not own the key and keeps no storage; the caller persists each entry
/// before using the next. Not thread-safe.
/// </summary>
public sealed class LedgerChain
{
    private readonly Ed25519PrivateKey _key;

    /// <summary>Continues a ledger whose last entry is <paramref name="last"/>.</summary>
    /// <param name="key">The appliance's ledger key; not disposed by the chain.</param>
    /// <param name="last">The last entry so far, or null for an empty ledger.</param>
    /// <exception cref="ArgumentException">
    /// The last entry's hash is wrong or it was not signed by <paramref name="key"/>.
    /// </exception>
    public LedgerChain(Ed25519PrivateKey key, LedgerEntry? last)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (last is not null && !last.HasValidHash())
        {
            throw new ArgumentException($"Entry {last.Index}'s hash does not match its contents.", nameof(last));
        }

        if (last is not null && !last.HasValidSignature(key.PublicKey))
        {
            throw new ArgumentException($"Entry {last.Index} was not signed by this ledger key.", nameof(last));
        }

        _key = key;
        Last = last;
    }

    /// <summary>The last entry appended, or null while the ledger is empty.</summary>
    public LedgerEntry? Last { get; private set; }

    /// <summary>The index the next entry gets.</summary>
    public ulong NextIndex => Last is null ? 0 : Last.Index + 1;

    /// <summary>Creates, signs and returns the next entry, which becomes <see cref="Last"/>.</summary>
    /// <exception cref="ArgumentException">
    /// The kind or payload is malformed (see <see cref="LedgerEntry"/>), or the timestamp is
    /// earlier than the last entry's.
    /// </exception>
    /// <exception cref="InvalidOperationException">The ledger has no index left.</exception>
    public LedgerEntry Append(string kind, ReadOnlySpan<byte> payload, long timestampUnixMs)
    {
        if (Last is not null && timestampUnixMs < Last.TimestampUnixMs)
        {
            throw new ArgumentException(
                $"The timestamp {timestampUnixMs} ms is earlier than entry {Last.Index}'s " +
                $"{Last.TimestampUnixMs} ms; ledger time must not go backwards.",
                nameof(timestampUnixMs));
        }

        if (Last is not null && Last.Index == ulong.MaxValue)
        {
            throw new InvalidOperationException("The ledger has used every index.");
        }

        ulong index = NextIndex;
        ReadOnlySpan<byte> previous = Last is null ? stackalloc byte[LedgerEntry.HashSize] : Last.Hash.Span;
        var hash = LedgerEntry.ComputeHash(index, previous, timestampUnixMs, kind, payload);
        var signature = _key.Sign(hash);
        var entry = new LedgerEntry(index, previous, timestampUnixMs, kind, payload, hash, signature);
        Last = entry;
        return entry;
    }
}
