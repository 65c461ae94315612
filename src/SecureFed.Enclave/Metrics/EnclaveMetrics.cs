// The appliance's operational metrics, rendered in the Prometheus text format 0.0.4. Names
// follow the Prometheus naming practice: a securefed_ prefix, base units (seconds, bytes),
// _total on counters. Every label takes its values from a fixed, small set (modes, roles,
// rejection reasons) or a bounded one (at most MaxStages stage names), so a peer cannot
// grow the series without bound. Nothing here counts or names an individual participant.

using System.Collections.Frozen;
using System.Text;
using System.Text.RegularExpressions;
using SecureFed.Protocol.Grpc.V1;

namespace SecureFed.Enclave.Metrics;

/// <summary>
/// Counters, gauges and stage-duration histograms of the appliance; one instance per process.
/// </summary>
/// <remarks>Every member is safe to call from any number of threads at once.</remarks>
public sealed partial class EnclaveMetrics
{
    /// <summary>The HTTP Content-Type of <see cref="Render"/>'s output.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The most distinct stage names the duration histogram accepts.</summary>
    public const int MaxStages = 16;

    private const string Prefix = "securefed_";

    private static readonly double[] Buckets =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    private static readonly ProtectionMode[] Modes = [ProtectionMode.Mask, ProtectionMode.He];

    private static readonly FrozenDictionary<string, int> ReasonSlots =
        RejectionLabels.All.Select((r, i) => (r, i)).ToFrozenDictionary(p => p.r, p => p.i, StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, int> RoleSlots =
        ParticipantRole.All.Select((r, i) => (r, i)).ToFrozenDictionary(p => p.r, p => p.i, StringComparer.Ordinal);

    private readonly long[] _contributions = new long[Modes.Length];
    private readonly long[] _contributionBytes = new long[Modes.Length];
    private readonly long[] _rejections = new long[RejectionLabels.All.Count];
    private readonly long[] _enrolled = new long[ParticipantRole.All.Count];
    private readonly Dictionary<string, StageHistogram> _stages = new(StringComparer.Ordinal);
    private readonly Lock _stagesLock = new();
    private long _roundsOpened;
    private long _roundsCompleted;
    private long _roundsAborted;
    private long _ledgerEntries;

    /// <summary>The upper bounds, in seconds, of the stage-duration buckets (+Inf implied).</summary>
    public static IReadOnlyList<double> StageDurationBuckets => Buckets;

    /// <summary>Counts a round the coordinator opened.</summary>
    public void RoundOpened() => Interlocked.Increment(ref _roundsOpened);

    /// <summary>Counts a round that produced its aggregate.</summary>
    public void RoundCompleted() => Interlocked.Increment(ref _roundsCompleted);

    /// <summary>Counts a round that was aborted.</summary>
    public void RoundAborted() => Interlocked.Increment(ref _roundsAborted);

    /// <summary>Counts an accepted contribution and its size on the wire.</summary>
    /// <param name="mode">The round's protection mode.</param>
    /// <param name="bytes">The contribution's size in bytes.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="mode"/> is not mask or HE, or <paramref name="bytes"/> is negative.
    /// </exception>
    public void ContributionReceived(ProtectionMode mode, long bytes)
    {
        int slot = ModeSlot(mode);
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);

        Interlocked.Increment(ref _contributions[slot]);
        Interlocked.Add(ref _contributionBytes[slot], bytes);
    }

    /// <summary>Counts a refused message.</summary>
    /// <param name="reason">One of the <see cref="RejectionLabels"/> constants.</param>
    /// <exception cref="ArgumentException"><paramref name="reason"/> is not one of them.</exception>
    public void Rejected(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (!ReasonSlots.TryGetValue(reason, out int slot))
        {
            throw new ArgumentException(
                $"'{reason}' is not a rejection reason; use a RejectionLabels constant.", nameof(reason));
        }

        Interlocked.Increment(ref _rejections[slot]);
    }

    /// <summary>Records how long one stage of a round took.</summary>
    /// <param name="stage">
    /// A stage name: lower-case letters, digits and '_', starting with a letter, at most 32
    /// characters; for example <c>advertise_keys</c> or <c>unmask</c>.
    /// </param>
    /// <param name="duration">The stage's duration; not negative.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="stage"/> is not such a name, or it would be the
    /// (<see cref="MaxStages"/> + 1)-th distinct one.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is negative.</exception>
    public void ObserveStageDuration(string stage, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(stage);
        if (!StageName().IsMatch(stage))
        {
            throw new ArgumentException(
                $"'{stage}' is not a stage name (lower-case letters, digits and '_', at most 32).",
                nameof(stage));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);

        StageHistogram histogram = Stage(stage);
        histogram.Observe(duration.TotalSeconds);
    }

    /// <summary>Sets how many participants of a role are enrolled.</summary>
    /// <param name="role">One of the <see cref="ParticipantRole"/> constants.</param>
    /// <param name="count">The number enrolled; not negative.</param>
    /// <exception cref="ArgumentException"><paramref name="role"/> is not a known role.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public void SetEnrolledParticipants(string role, long count)
    {
        ArgumentNullException.ThrowIfNull(role);
        if (!RoleSlots.TryGetValue(role, out int slot))
        {
            throw new ArgumentException(
                $"'{role}' is not a participant role; use a ParticipantRole constant.", nameof(role));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(count);

        Interlocked.Exchange(ref _enrolled[slot], count);
    }

    /// <summary>Sets the number of entries in the ledger.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public void SetLedgerEntries(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Interlocked.Exchange(ref _ledgerEntries, count);
    }

    /// <summary>Renders every metric in the Prometheus text format 0.0.4.</summary>
    /// <remarks>
    /// Each value is read atomically; the families are not one snapshot (a round may
    /// complete between two of them), which Prometheus tolerates.
    /// </remarks>
    public string Render()
    {
        var text = new StringBuilder(4096);
        var writer = new PrometheusTextWriter(text);

        WriteCounter(writer, "rounds_opened_total", "Rounds opened by the coordinator.", ref _roundsOpened);
        WriteCounter(writer, "rounds_completed_total", "Rounds that produced an aggregate.", ref _roundsCompleted);
        WriteCounter(writer, "rounds_aborted_total", "Rounds that were aborted.", ref _roundsAborted);
        WritePerMode(writer, "contributions_total", "Contributions accepted.", _contributions);
        WritePerMode(writer, "contribution_bytes_total", "Bytes of accepted contributions.", _contributionBytes);
        WriteRejections(writer);
        WriteStageDurations(writer);
        WriteEnrolled(writer);

        writer.WriteFamily(Prefix + "ledger_entries", "gauge", "Entries in the ledger.");
        writer.WriteSample(Prefix + "ledger_entries", Volatile.Read(ref _ledgerEntries));
        return text.ToString();
    }

    private static int ModeSlot(ProtectionMode mode) => mode switch
    {
        ProtectionMode.Mask => 0,
        ProtectionMode.He => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "A contribution is in mask or HE mode."),
    };

    private static string ModeLabel(ProtectionMode mode) => mode == ProtectionMode.Mask ? "mask" : "he";

    private static void WriteCounter(PrometheusTextWriter writer, string name, string help, ref long value)
    {
        writer.WriteFamily(Prefix + name, "counter", help);
        writer.WriteSample(Prefix + name, Volatile.Read(ref value));
    }

    private static void WritePerMode(PrometheusTextWriter writer, string name, string help, long[] values)
    {
        writer.WriteFamily(Prefix + name, "counter", help);
        for (int i = 0; i < Modes.Length; i++)
        {
            writer.WriteSample(Prefix + name, [("mode", ModeLabel(Modes[i]))], Volatile.Read(ref values[i]));
        }
    }

    private void WriteRejections(PrometheusTextWriter writer)
    {
        const string name = Prefix + "rejections_total";
        writer.WriteFamily(name, "counter", "Messages refused, by reason.");
        for (int i = 0; i < RejectionLabels.All.Count; i++)
        {
            writer.WriteSample(name, [("reason", RejectionLabels.All[i])], Volatile.Read(ref _rejections[i]));
        }
    }

    private void WriteStageDurations(PrometheusTextWriter writer)
    {
        const string name = Prefix + "stage_duration_seconds";
        writer.WriteFamily(name, "histogram", "How long each stage of a round took.");

        KeyValuePair<string, StageHistogram>[] stages;
        lock (_stagesLock)
        {
            stages = [.. _stages.OrderBy(s => s.Key, StringComparer.Ordinal)];
        }

        foreach (var (stage, histogram) in stages)
        {
            var (cumulative, sum) = histogram.Snapshot();
            for (int i = 0; i < Buckets.Length; i++)
            {
                string le = PrometheusTextWriter.FormatValue(Buckets[i]);
                writer.WriteSample(name + "_bucket", [("stage", stage), ("le", le)], cumulative[i]);
            }

            long count = cumulative[^1];
            writer.WriteSample(name + "_bucket", [("stage", stage), ("le", "+Inf")], count);
            writer.WriteSample(name + "_sum", [("stage", stage)], sum);
            writer.WriteSample(name + "_count", [("stage", stage)], count);
        }
    }

    private void WriteEnrolled(PrometheusTextWriter writer)
    {
        const string name = Prefix + "enrolled_participants";
        writer.WriteFamily(name, "gauge", "Enrolled participants, by role.");
        for (int i = 0; i < ParticipantRole.All.Count; i++)
        {
            writer.WriteSample(name, [("role", ParticipantRole.All[i])], Volatile.Read(ref _enrolled[i]));
        }
    }

    private StageHistogram Stage(string stage)
    {
        lock (_stagesLock)
        {
            if (_stages.TryGetValue(stage, out StageHistogram? histogram))
            {
                return histogram;
            }

            if (_stages.Count == MaxStages)
            {
                throw new ArgumentException(
                    $"At most {MaxStages} stage names are tracked; '{stage}' would be one more.", nameof(stage));
            }

            histogram = new StageHistogram(Buckets);
            _stages.Add(stage, histogram);
            return histogram;
        }
    }

    [GeneratedRegex(@"\A[a-z][a-z0-9_]{0,31}\z", RegexOptions.CultureInvariant)]
    private static partial Regex StageName();
}
