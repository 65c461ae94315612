// The facts of a ledger that the offline aggregate audit needs, read from the payloads of
// federation.created, round.opened, contribution and round.closed entries (snake_case JSON,
// byte strings base64, as the appliance's LedgerPayloads writes them). Entries whose
// payload cannot be read are named as findings; the chain, signatures and the entries'
// other fields are the ledger verifier's concern, not this reader's.

using System.Text.Json;

namespace SecureFed.Protocol.Audit;

/// <summary>The rounds, commitments and HE parameters of a ledger, as the audit reads them.</summary>
internal sealed class AuditedLedger
{
    private readonly Dictionary<(ulong Round, uint Client), SignedCommitment> _commitments = [];
    private readonly Dictionary<ulong, (int Dimension, int Bits, bool HasDp)> _opened = [];
    private readonly List<ClosedRound> _closed = [];
    private readonly List<AuditFinding> _findings = [];

    private AuditedLedger()
    {
    }

    /// <summary>The completed rounds, in ledger order.</summary>
    public IReadOnlyList<ClosedRound> ClosedRounds => _closed;

    /// <summary>What could not be read.</summary>
    public IReadOnlyList<AuditFinding> Findings => _findings;

    /// <summary>The federation's ring degree, or 0 when no federation.created was read.</summary>
    public int RingDegree { get; private set; }

    /// <summary>The federation's chain primes, empty when unknown.</summary>
    public IReadOnlyList<ulong> Primes { get; private set; } = [];

    /// <summary>Reads every entry's payload that the audit needs.</summary>
    public static AuditedLedger Read(IReadOnlyList<Ledger.LedgerEntry> entries)
    {
        var ledger = new AuditedLedger();
        foreach (Ledger.LedgerEntry entry in entries)
        {
            if (entry is null)
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(entry.Payload);
                ledger.Take(entry, document.RootElement);
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException
                or KeyNotFoundException or OverflowException)
            {
                ledger._findings.Add(new AuditFinding(
                    AggregateAudit.CheckName,
                    (long)entry.Index,
                    null,
                    $"The payload of {entry.Kind} entry {entry.Index} cannot be read: {e.Message}"));
            }
        }

        return ledger;
    }

    /// <summary>The commitment of <paramref name="clientId"/>'s contribution to a round, or null.</summary>
    public SignedCommitment? Commitment(ulong round, uint clientId) =>
        _commitments.GetValueOrDefault((round, clientId));

    private void Take(Ledger.LedgerEntry entry, JsonElement payload)
    {
        switch (entry.Kind)
        {
            case "federation.created":
                RingDegree = payload.GetProperty("ckks_ring_degree").GetInt32();
                Primes = [.. payload.GetProperty("ckks_primes").EnumerateArray().Select(p => p.GetUInt64())];
                break;

            case "round.opened":
                JsonElement settings = payload.GetProperty("settings");
                _opened[payload.GetProperty("round").GetUInt64()] = (
                    settings.GetProperty("dimension").GetInt32(),
                    settings.GetProperty("bits").GetInt32(),
                    settings.TryGetProperty("dp", out JsonElement dp) && dp.ValueKind != JsonValueKind.Null);
                break;

            case "contribution":
                var commitment = new SignedCommitment(
                    (long)entry.Index,
                    payload.GetProperty("client_id").GetUInt32(),
                    payload.GetProperty("mode").GetByte(),
                    payload.GetProperty("total_length").GetInt64(),
                    payload.GetProperty("root").GetBytesFromBase64());
                ulong contributed = payload.GetProperty("round").GetUInt64();
                _commitments.TryAdd((contributed, commitment.ClientId), commitment);
                break;

            case "round.closed":
                ulong round = payload.GetProperty("round").GetUInt64();
                (int dimension, int bits, bool hasDp) = _opened.GetValueOrDefault(round);
                _closed.Add(new ClosedRound(
                    (long)entry.Index,
                    round,
                    [.. payload.GetProperty("contributors").EnumerateArray().Select(c => c.GetUInt32())],
                    payload.GetProperty("aggregate_sha256").GetBytesFromBase64(),
                    OptionalBytes(payload, "sum_sha256"),
                    OptionalBytes(payload, "unmasking_sha256"),
                    dimension,
                    bits,
                    hasDp));
                break;

            default:
                break;
        }
    }

    // Fields added after the first ledgers were written: absent or null in older entries.
    private static byte[]? OptionalBytes(JsonElement payload, string name) =>
        payload.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null
            ? value.GetBytesFromBase64()
            : null;
}
