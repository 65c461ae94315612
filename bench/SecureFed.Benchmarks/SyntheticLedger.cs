using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Ledger;

namespace SecureFed.Benchmarks;

/// <summary>
/// Appends entries as the appliance's ledger store does (hash over the canonical encoding,
/// Ed25519 signature over the hash, each entry linked to the one before), in memory.
/// </summary>
internal sealed class SyntheticLedger(Ed25519PrivateKey applianceKey)
{
    private readonly List<LedgerEntry> _entries = [];
    private readonly long _start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public void Append(string kind, byte[] payload)
    {
        ulong index = (ulong)_entries.Count;
        byte[] previous = _entries.Count == 0
            ? new byte[LedgerEntry.HashSize]
            : _entries[^1].Hash.ToArray();
        long time = _start + _entries.Count;
        byte[] hash = LedgerEntry.ComputeHash(index, previous, time, kind, payload);
        _entries.Add(new LedgerEntry(index, previous, time, kind, payload, hash, applianceKey.Sign(hash)));
    }

    public LedgerExport Export() =>
        new(
            applianceKey.PublicKey,
            _entries,
            LedgerCheckpoint.ForEntries(_entries, _start + _entries.Count, applianceKey));
}
