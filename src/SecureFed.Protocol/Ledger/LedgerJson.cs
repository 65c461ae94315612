// The JSON shapes of ledger exports and receipt files (System.Text.Json, snake_case names,
// byte strings in base64), and their strict conversion to and from the ledger types. Every
// field is required; unknown fields, duplicate fields, wrong sizes and unknown versions are
// refused with a FormatException that names the field.

using System.Text.Json;
using System.Text.Json.Serialization;
using SecureFed.Crypto.Signatures;

namespace SecureFed.Protocol.Ledger;

internal sealed class EntryJson
{
    public ulong? Index { get; set; }

    public byte[]? PreviousHash { get; set; }

    public long? TimestampUnixMs { get; set; }

    public string? Kind { get; set; }

    public byte[]? Payload { get; set; }

    public byte[]? Hash { get; set; }

    public byte[]? Signature { get; set; }
}

internal sealed class CheckpointJson
{
    public ulong? TreeSize { get; set; }

    public byte[]? Root { get; set; }

    public long? TimestampUnixMs { get; set; }

    public byte[]? Signature { get; set; }
}

internal sealed class ExportJson
{
    public int? FormatVersion { get; set; }

    public byte[]? LedgerPublicKey { get; set; }

    public List<EntryJson?>? Entries { get; set; }

    public CheckpointJson? Checkpoint { get; set; }
}

internal sealed class ReceiptJson
{
    public int? FormatVersion { get; set; }

    public EntryJson? Entry { get; set; }

    public CheckpointJson? Checkpoint { get; set; }

    public List<byte[]?>? InclusionProof { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false,
    WriteIndented = true)]
[JsonSerializable(typeof(ExportJson))]
[JsonSerializable(typeof(ReceiptJson))]
internal sealed partial class LedgerJsonContext : JsonSerializerContext;

internal static class LedgerJson
{
    public static T Parse<T>(string json, string what, Func<string, T?> deserialize)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return deserialize(json) ?? throw new FormatException($"The {what} is JSON null.");
        }
        catch (JsonException e)
        {
            string at = string.IsNullOrEmpty(e.Path) ? string.Empty : $" at {e.Path}";
            throw new FormatException($"The {what} is not valid{at}: {e.Message}", e);
        }
    }

    public static void CheckVersion(int? version, int supported, string what)
    {
        if (version is null)
        {
            throw new FormatException($"The {what} has no format_version.");
        }

        if (version != supported)
        {
            throw new FormatException(
                $"The {what} has format_version {version}; this software reads version {supported}.");
        }
    }

    public static EntryJson ToJson(LedgerEntry entry) => new()
    {
        Index = entry.Index,
        PreviousHash = entry.PreviousHash.ToArray(),
        TimestampUnixMs = entry.TimestampUnixMs,
        Kind = entry.Kind,
        Payload = entry.Payload.ToArray(),
        Hash = entry.Hash.ToArray(),
        Signature = entry.Signature.ToArray(),
    };

    public static CheckpointJson ToJson(LedgerCheckpoint checkpoint) => new()
    {
        TreeSize = checkpoint.TreeSize,
        Root = checkpoint.Root.ToArray(),
        TimestampUnixMs = checkpoint.TimestampUnixMs,
        Signature = checkpoint.Signature.ToArray(),
    };

    public static LedgerEntry FromJson(EntryJson? json, string path)
    {
        if (json is null)
        {
            throw new FormatException($"{path} is missing.");
        }

        var index = Required(json.Index, path, "index");
        var previousHash = Sized(json.PreviousHash, path, "previous_hash", LedgerEntry.HashSize);
        var timestamp = Required(json.TimestampUnixMs, path, "timestamp_unix_ms");
        var kind = json.Kind ?? throw new FormatException($"{path}.kind is missing.");
        var payload = json.Payload ?? throw new FormatException($"{path}.payload is missing.");
        var hash = Sized(json.Hash, path, "hash", LedgerEntry.HashSize);
        var signature = Sized(json.Signature, path, "signature", Ed25519PublicKey.SignatureSize);
        try
        {
            return new LedgerEntry(index, previousHash, timestamp, kind, payload, hash, signature);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"{path} is malformed: {e.Message}", e);
        }
    }

    public static LedgerCheckpoint FromJson(CheckpointJson? json, string path)
    {
        if (json is null)
        {
            throw new FormatException($"{path} is missing.");
        }

        var treeSize = Required(json.TreeSize, path, "tree_size");
        var root = Sized(json.Root, path, "root", LedgerEntry.HashSize);
        var timestamp = Required(json.TimestampUnixMs, path, "timestamp_unix_ms");
        var signature = Sized(json.Signature, path, "signature", Ed25519PublicKey.SignatureSize);
        try
        {
            return new LedgerCheckpoint(treeSize, root, timestamp, signature);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"{path} is malformed: {e.Message}", e);
        }
    }

    public static byte[] Sized(byte[]? value, string path, string field, int size)
    {
        if (value is null)
        {
            throw new FormatException($"{path}.{field} is missing.");
        }

        if (value.Length != size)
        {
            throw new FormatException($"{path}.{field} is {value.Length} bytes; it must be {size}.");
        }

        return value;
    }

    private static T Required<T>(T? value, string path, string field)
        where T : struct =>
        value ?? throw new FormatException($"{path}.{field} is missing.");
}
