// The ledger export that auditors read: a JSON document (see LedgerJson) holding the
// format version, the appliance's ledger public key, every entry and the latest signed
// checkpoint. Deserializing checks the document's form only; LedgerVerifier checks its
// contents against a ledger key the auditor obtained independently.

using System.Text.Json;
using SecureFed.Crypto.Signatures;

namespace SecureFed.Protocol.Ledger;

/// <summary>A whole ledger with its latest checkpoint, as exported for auditors.</summary>
public sealed class LedgerExport
{
    /// <summary>The export format this code writes and reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>Creates an export.</summary>
    public LedgerExport(
        Ed25519PublicKey ledgerPublicKey, IReadOnlyList<LedgerEntry> entries, LedgerCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(ledgerPublicKey);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(checkpoint);
        LedgerPublicKey = ledgerPublicKey;
        Entries = [.. entries];
        Checkpoint = checkpoint;
    }

    /// <summary>
    /// The ledger key the export names. An auditor compares it with the key it trusts
    /// rather than trusting it because the file says so.
    /// </summary>
    public Ed25519PublicKey LedgerPublicKey { get; }

    /// <summary>Every entry, in order.</summary>
    public IReadOnlyList<LedgerEntry> Entries { get; }

    /// <summary>The latest signed checkpoint.</summary>
    public LedgerCheckpoint Checkpoint { get; }

    /// <summary>Writes the export as indented JSON.</summary>
    // Limitation: the whole document is built in memory; a ledger of 100k entries is tens of
    // megabytes, which the appliance and the auditor can hold.
    public static string Serialize(LedgerExport export)
    {
        ArgumentNullException.ThrowIfNull(export);
        var json = new ExportJson
        {
            FormatVersion = FormatVersion,
            LedgerPublicKey = export.LedgerPublicKey.Bytes.ToArray(),
            Entries = [.. export.Entries.Select(LedgerJson.ToJson)],
            Checkpoint = LedgerJson.ToJson(export.Checkpoint),
        };
        return JsonSerializer.Serialize(json, LedgerJsonContext.Default.ExportJson);
    }

    /// <summary>Reads an export, refusing anything not exactly of the expected form.</summary>
    /// <exception cref="FormatException">
    /// The JSON is invalid, the version unknown, a field missing, unknown or duplicated, a
    /// byte string not base64 or of the wrong size, or the public key not a valid point.
    /// </exception>
    public static LedgerExport Deserialize(string json)
    {
        var document = LedgerJson.Parse(
            json,
            "ledger export",
            text => JsonSerializer.Deserialize(text, LedgerJsonContext.Default.ExportJson));
        LedgerJson.CheckVersion(document.FormatVersion, FormatVersion, "ledger export");
        var keyBytes = LedgerJson.Sized(
            document.LedgerPublicKey, "export", "ledger_public_key", Ed25519PublicKey.KeySize);
        Ed25519PublicKey key;
        try
        {
            key = Ed25519PublicKey.Import(keyBytes);
        }
        catch (FormatException e)
        {
            throw new FormatException($"export.ledger_public_key is malformed: {e.Message}", e);
        }

        if (document.Entries is null)
        {
            throw new FormatException("export.entries is missing.");
        }

        var entries = new LedgerEntry[document.Entries.Count];
        for (int i = 0; i < entries.Length; i++)
        {
            entries[i] = LedgerJson.FromJson(document.Entries[i], $"export.entries[{i}]");
        }

        var checkpoint = LedgerJson.FromJson(document.Checkpoint, "export.checkpoint");
        return new LedgerExport(key, entries, checkpoint);
    }
}
