using System.Text.Json.Nodes;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Ledger;

namespace SecureFed.Protocol.Tests.Ledger;

public sealed class LedgerExportTests : IDisposable
{
    private readonly Ed25519PrivateKey _key = Ed25519PrivateKey.Generate();
    private readonly string _json;

    public LedgerExportTests()
    {
        var entries = LedgerFixture.Build(_key, 12);
        var checkpoint = LedgerCheckpoint.ForEntries(entries, 1_800_000_000_000, _key);
        _json = LedgerExport.Serialize(new LedgerExport(_key.PublicKey, entries, checkpoint));
    }

    public void Dispose() => _key.Dispose();

    private static string Edit(string json, Action<JsonNode> edit)
    {
        var node = JsonNode.Parse(json)!;
        edit(node);
        return node.ToJsonString();
    }

    private string AssertRejected(Action<JsonNode> edit)
    {
        var e = Assert.Throws<FormatException>(() => LedgerExport.Deserialize(Edit(_json, edit)));
        return e.Message;
    }

    [Fact]
    public void Export_RoundTrips_AndTheCopyVerifies()
    {
        var export = LedgerExport.Deserialize(_json);

        Assert.Equal(_key.PublicKey, export.LedgerPublicKey);
        Assert.Equal(12, export.Entries.Count);
        Assert.True(LedgerVerifier.Verify(export.Entries, export.LedgerPublicKey).Ok);
        Assert.True(LedgerVerifier.VerifyCheckpoint(export.Entries, export.Checkpoint, _key.PublicKey).Ok);
        Assert.Equal(_json, LedgerExport.Serialize(export));
    }

    [Fact]
    public void Export_UsesSnakeCaseNamesAndBase64()
    {
        var node = JsonNode.Parse(_json)!;
        var entry = node["entries"]![0]!;

        Assert.Equal(1, (int)node["format_version"]!);
        Assert.Equal(32, Convert.FromBase64String((string)node["ledger_public_key"]!).Length);
        Assert.Equal(0UL, (ulong)entry["index"]!);
        Assert.Equal(32, Convert.FromBase64String((string)entry["previous_hash"]!).Length);
        Assert.NotNull(entry["timestamp_unix_ms"]);
        Assert.Equal(12UL, (ulong)node["checkpoint"]!["tree_size"]!);
    }

    [Fact]
    public void Deserialize_RejectsAnUnknownVersion()
    {
        var message = AssertRejected(n => n["format_version"] = 2);
        Assert.Contains("format_version 2", message);
        Assert.Contains("format_version", AssertRejected(n => n.AsObject().Remove("format_version")));
    }

    [Fact]
    public void Deserialize_RejectsMissingFields()
    {
        Assert.Contains("entries[3].hash", AssertRejected(n => n["entries"]![3]!.AsObject().Remove("hash")));
        Assert.Contains("entries[0].kind", AssertRejected(n => n["entries"]![0]!.AsObject().Remove("kind")));
        Assert.Contains("entries[1].index", AssertRejected(n => n["entries"]![1]!.AsObject().Remove("index")));
        Assert.Contains("checkpoint", AssertRejected(n => n.AsObject().Remove("checkpoint")));
        Assert.Contains("entries", AssertRejected(n => n.AsObject().Remove("entries")));
        Assert.Contains("ledger_public_key", AssertRejected(n => n.AsObject().Remove("ledger_public_key")));
        Assert.Contains("entries[2]", AssertRejected(n => n["entries"]![2] = null));
    }

    [Fact]
    public void Deserialize_RejectsWrongSizes()
    {
        string Short() => Convert.ToBase64String(new byte[31]);
        Assert.Contains("previous_hash", AssertRejected(n => n["entries"]![4]!["previous_hash"] = Short()));
        Assert.Contains("signature", AssertRejected(n => n["entries"]![4]!["signature"] = Short()));
        Assert.Contains("root", AssertRejected(n => n["checkpoint"]!["root"] = Short()));
        Assert.Contains("ledger_public_key", AssertRejected(n => n["ledger_public_key"] = Short()));
    }

    [Fact]
    public void Deserialize_RejectsBadValues()
    {
        AssertRejected(n => n["entries"]![0]!["hash"] = "not base64!");
        AssertRejected(n => n["entries"]![0]!["kind"] = "Not A Kind");
        AssertRejected(n => n["entries"]![0]!["index"] = -1);
        AssertRejected(n => n["entries"]![0]!["timestamp_unix_ms"] = "soon");
        AssertRejected(n => n["unexpected"] = 1);
        AssertRejected(n => n["entries"]![0]!["extra"] = 1);

        // y = 2 is not on the curve.
        var notAPoint = new byte[32];
        notAPoint[0] = 2;
        Assert.Contains(
            "ledger_public_key", AssertRejected(n => n["ledger_public_key"] = Convert.ToBase64String(notAPoint)));
    }

    [Fact]
    public void Deserialize_RejectsDuplicateFieldsAndNonJson()
    {
        var duplicated = _json.Replace("\"format_version\": 1,", "\"format_version\": 1, \"format_version\": 1,");

        Assert.Throws<FormatException>(() => LedgerExport.Deserialize(duplicated));
        Assert.Throws<FormatException>(() => LedgerExport.Deserialize("{"));
        Assert.Throws<FormatException>(() => LedgerExport.Deserialize(""));
        Assert.Throws<FormatException>(() => LedgerExport.Deserialize("null"));
    }

    [Fact]
    public void Deserialize_KeepsATamperedPayload_ForTheVerifierToCatch()
    {
        var tampered = Edit(_json, n =>
        {
            var payload = Convert.FromBase64String((string)n["entries"]![5]!["payload"]!);
            payload[0] ^= 1;
            n["entries"]![5]!["payload"] = Convert.ToBase64String(payload);
        });

        var export = LedgerExport.Deserialize(tampered);
        var report = LedgerVerifier.Verify(export.Entries, _key.PublicKey);

        Assert.Equal(LedgerFailure.BadHash, report.Failure);
        Assert.Equal(5, report.FirstBadIndex);
    }
}
