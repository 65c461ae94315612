using System.Text;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Ledger;

namespace SecureFed.Protocol.Tests.Ledger;

internal static class LedgerFixture
{
    private static readonly string[] Kinds =
    [
        "federation.created", "enrollment", "custodian.key", "round.opened", "contribution",
        "round.aggregate", "decryption.share", "round.closed", "budget.spent",
    ];

    public static List<LedgerEntry> Build(Ed25519PrivateKey key, int count)
    {
        var chain = new LedgerChain(key, null);
        var entries = new List<LedgerEntry>(count);
        for (int i = 0; i < count; i++)
        {
            var payload = Encoding.UTF8.GetBytes($"{{\"n\":{i},\"note\":\"entry {i}\"}}");
            entries.Add(chain.Append(Kinds[i % Kinds.Length], payload, 1_700_000_000_000 + (i / 3 * 1000)));
        }

        return entries;
    }

    // An entry with the given fields, hashed and signed properly by key.
    public static LedgerEntry Resign(
        Ed25519PrivateKey key,
        LedgerEntry entry,
        byte[]? previousHash = null,
        long? timestamp = null)
    {
        var previous = previousHash ?? entry.PreviousHash.ToArray();
        long time = timestamp ?? entry.TimestampUnixMs;
        var hash = LedgerEntry.ComputeHash(entry.Index, previous, time, entry.Kind, entry.Payload.Span);
        return new LedgerEntry(entry.Index, previous, time, entry.Kind, entry.Payload.Span, hash, key.Sign(hash));
    }

    // An entry with changed contents but its old hash and signature.
    public static LedgerEntry Forge(
        LedgerEntry entry, byte[]? payload = null, string? kind = null, long? timestamp = null) =>
        new(
            entry.Index,
            entry.PreviousHash.Span,
            timestamp ?? entry.TimestampUnixMs,
            kind ?? entry.Kind,
            payload ?? entry.Payload.Span,
            entry.Hash.Span,
            entry.Signature.Span);
}
