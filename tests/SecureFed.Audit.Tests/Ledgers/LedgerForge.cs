using System.Text.Json;
using System.Text.Json.Nodes;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Ledger;

namespace SecureFed.Audit.Tests.Ledgers;

/// <summary>
/// Chains and signs entries with a test appliance key, as the appliance's ledger store
/// does, so that a test can change what a real ledger says and still present a ledger whose
/// chain and signatures verify under the key it pins. federation.created is made to name
/// that key, since an auditor compares the two.
/// </summary>
public static class LedgerForge
{
    public static List<LedgerDraft> Drafts(LedgerExport export) =>
        [.. export.Entries.Select(e => new LedgerDraft(e.Kind, e.Payload.ToArray(), e.TimestampUnixMs))];

    public static LedgerExport Sign(
        IReadOnlyList<LedgerDraft> drafts, Ed25519PrivateKey key, bool keepApplianceCertificate = false)
    {
        var entries = new List<LedgerEntry>(drafts.Count);
        byte[] previous = new byte[LedgerEntry.HashSize];
        for (int i = 0; i < drafts.Count; i++)
        {
            var draft = drafts[i];
            byte[] payload = draft.Kind == "federation.created"
                ? Edit(draft.Payload, o =>
                {
                    // The appliance's certificate vouched for the real key, not this one: the
                    // forged ledger stands on the pinned key alone.
                    o["ledger_public_key"] = PublicKeyBase64(key);
                    if (!keepApplianceCertificate)
                    {
                        o.Remove("appliance_certificate");
                        o.Remove("appliance_key_signature");
                    }
                })
                : draft.Payload;
            byte[] hash = LedgerEntry.ComputeHash(
                (ulong)i, previous, draft.TimestampUnixMs, draft.Kind, payload);
            entries.Add(new LedgerEntry(
                (ulong)i, previous, draft.TimestampUnixMs, draft.Kind, payload, hash, key.Sign(hash)));
            previous = hash;
        }

        var checkpoint = LedgerCheckpoint.ForEntries(entries, drafts[^1].TimestampUnixMs, key);
        return new LedgerExport(key.PublicKey, entries, checkpoint);
    }

    /// <summary>A payload with some fields changed.</summary>
    public static byte[] Edit(byte[] payload, Action<JsonObject> change)
    {
        var json = JsonNode.Parse(payload)!.AsObject();
        change(json);
        return JsonSerializer.SerializeToUtf8Bytes(json);
    }

    /// <summary>Rebuilds an entry with one field replaced, keeping everything else as stored.</summary>
    public static LedgerEntry With(
        LedgerEntry entry, byte[]? payload = null, byte[]? hash = null, byte[]? signature = null) =>
        new(entry.Index, entry.PreviousHash.Span, entry.TimestampUnixMs, entry.Kind,
            payload ?? entry.Payload.Span, hash ?? entry.Hash.Span, signature ?? entry.Signature.Span);

    private static string PublicKeyBase64(Ed25519PrivateKey key) =>
        Convert.ToBase64String(key.PublicKey.Bytes.Span);

    public static byte[] Flip(ReadOnlyMemory<byte> bytes, int at)
    {
        byte[] copy = bytes.ToArray();
        copy[at] ^= 0x01;
        return copy;
    }

    public static string Write(LedgerExport export, string directory)
    {
        string path = Path.Combine(directory, $"ledger-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, LedgerExport.Serialize(export));
        return path;
    }
}
