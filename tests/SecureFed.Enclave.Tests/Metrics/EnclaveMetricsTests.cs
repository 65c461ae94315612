using System.Text;
using SecureFed.Enclave.Metrics;
using SecureFed.Protocol.Grpc.V1;

namespace SecureFed.Enclave.Tests.Metrics;

public sealed class EnclaveMetricsTests
{
    private const string Stage = "securefed_stage_duration_seconds";

    [Fact]
    public void Render_Fresh_DeclaresEveryFamilyWithZeroValues()
    {
        var text = PrometheusTextParser.Parse(new EnclaveMetrics().Render());

        Assert.Equal("counter", text.Types["securefed_rounds_opened_total"]);
        Assert.Equal("counter", text.Types["securefed_rounds_completed_total"]);
        Assert.Equal("counter", text.Types["securefed_rounds_aborted_total"]);
        Assert.Equal("counter", text.Types["securefed_contributions_total"]);
        Assert.Equal("counter", text.Types["securefed_contribution_bytes_total"]);
        Assert.Equal("counter", text.Types["securefed_rejections_total"]);
        Assert.Equal("histogram", text.Types[Stage]);
        Assert.Equal("gauge", text.Types["securefed_enrolled_participants"]);
        Assert.Equal("gauge", text.Types["securefed_ledger_entries"]);
        Assert.Equal(text.Types.Keys.Order(), text.Helps.Keys.Order());

        Assert.Equal(0, text.Value("securefed_rounds_opened_total"));
        Assert.Equal(0, text.Value("securefed_contributions_total", ("mode", "mask")));
        Assert.Equal(0, text.Value("securefed_contributions_total", ("mode", "he")));
        Assert.Equal(RejectionLabels.All.Count, text.Named("securefed_rejections_total").Count());
        Assert.Equal(ParticipantRole.All.Count, text.Named("securefed_enrolled_participants").Count());
        Assert.Empty(text.Named(Stage + "_bucket"));
    }

    [Fact]
    public void Render_AfterEvents_ReportsEachValue()
    {
        var metrics = new EnclaveMetrics();
        metrics.RoundOpened();
        metrics.RoundOpened();
        metrics.RoundCompleted();
        metrics.RoundAborted();
        metrics.ContributionReceived(ProtectionMode.Mask, 1000);
        metrics.ContributionReceived(ProtectionMode.Mask, 24);
        metrics.ContributionReceived(ProtectionMode.He, 5_000_000_000);
        metrics.Rejected(RejectionLabels.Replay);
        metrics.Rejected(RejectionLabels.Replay);
        metrics.Rejected(RejectionLabels.Budget);
        metrics.SetEnrolledParticipants(ParticipantRole.Client, 12);
        metrics.SetEnrolledParticipants(ParticipantRole.Custodian, 5);
        metrics.SetEnrolledParticipants(ParticipantRole.Client, 11);
        metrics.SetLedgerEntries(77);

        var text = PrometheusTextParser.Parse(metrics.Render());

        Assert.Equal(2, text.Value("securefed_rounds_opened_total"));
        Assert.Equal(1, text.Value("securefed_rounds_completed_total"));
        Assert.Equal(1, text.Value("securefed_rounds_aborted_total"));
        Assert.Equal(2, text.Value("securefed_contributions_total", ("mode", "mask")));
        Assert.Equal(1, text.Value("securefed_contributions_total", ("mode", "he")));
        Assert.Equal(1024, text.Value("securefed_contribution_bytes_total", ("mode", "mask")));
        Assert.Equal(5_000_000_000, text.Value("securefed_contribution_bytes_total", ("mode", "he")));
        Assert.Equal(2, text.Value("securefed_rejections_total", ("reason", "replay")));
        Assert.Equal(1, text.Value("securefed_rejections_total", ("reason", "budget")));
        Assert.Equal(0, text.Value("securefed_rejections_total", ("reason", "unauthenticated")));
        Assert.Equal(11, text.Value("securefed_enrolled_participants", ("role", "client")));
        Assert.Equal(5, text.Value("securefed_enrolled_participants", ("role", "custodian")));
        Assert.Equal(0, text.Value("securefed_enrolled_participants", ("role", "operator")));
        Assert.Equal(77, text.Value("securefed_ledger_entries"));
    }

    [Fact]
    public void StageDuration_Buckets_AreCumulativeWithInfEqualToCount()
    {
        var metrics = new EnclaveMetrics();
        double[] seconds = [0.001, 0.005, 0.3, 0.3, 2, 1000];
        foreach (double s in seconds)
        {
            metrics.ObserveStageDuration("unmask", TimeSpan.FromSeconds(s));
        }

        var text = PrometheusTextParser.Parse(metrics.Render());
        var buckets = text.Named(Stage + "_bucket").Where(s => s.Label("stage") == "unmask").ToList();

        Assert.Equal(EnclaveMetrics.StageDurationBuckets.Count + 1, buckets.Count);
        Assert.Equal("+Inf", buckets[^1].Label("le"));
        for (int i = 0; i < EnclaveMetrics.StageDurationBuckets.Count; i++)
        {
            double bound = EnclaveMetrics.StageDurationBuckets[i];
            string le = buckets[i].Label("le")!;
            Assert.Equal(bound, double.Parse(le, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(seconds.Count(s => s <= bound), buckets[i].Value);
            if (i > 0)
            {
                Assert.True(buckets[i].Value >= buckets[i - 1].Value);
            }
        }

        Assert.Equal(2, text.Value(Stage + "_bucket", ("stage", "unmask"), ("le", "0.005")));
        Assert.Equal(5, text.Value(Stage + "_bucket", ("stage", "unmask"), ("le", "600")));
        Assert.Equal(6, buckets[^1].Value);
        Assert.Equal(6, text.Value(Stage + "_count", ("stage", "unmask")));
        Assert.Equal(seconds.Sum(), text.Value(Stage + "_sum", ("stage", "unmask")), 9);
    }

    [Fact]
    public void StageDuration_TwoStages_RenderedSeparatelyInNameOrder()
    {
        var metrics = new EnclaveMetrics();
        metrics.ObserveStageDuration("share_keys", TimeSpan.FromMilliseconds(40));
        metrics.ObserveStageDuration("advertise_keys", TimeSpan.FromMilliseconds(20));
        metrics.ObserveStageDuration("advertise_keys", TimeSpan.FromMilliseconds(30));

        var text = PrometheusTextParser.Parse(metrics.Render());

        Assert.Equal(2, text.Value(Stage + "_count", ("stage", "advertise_keys")));
        Assert.Equal(1, text.Value(Stage + "_count", ("stage", "share_keys")));
        Assert.Equal(0.05, text.Value(Stage + "_sum", ("stage", "advertise_keys")), 9);
        var order = text.Named(Stage + "_count").Select(s => s.Label("stage")).ToList();
        Assert.Equal(["advertise_keys", "share_keys"], order);
    }

    [Fact]
    public async Task Counters_ConcurrentUpdates_LoseNothing()
    {
        var metrics = new EnclaveMetrics();
        const int threads = 8;
        const int perThread = 20_000;
        using var start = new Barrier(threads);

        var tasks = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < perThread; i++)
            {
                metrics.RoundOpened();
                metrics.ContributionReceived(t % 2 == 0 ? ProtectionMode.Mask : ProtectionMode.He, 3);
                metrics.Rejected(RejectionLabels.All[i % RejectionLabels.All.Count]);
                if (i % 100 == 0)
                {
                    metrics.ObserveStageDuration("masked_input", TimeSpan.FromMilliseconds(i % 7));
                    _ = metrics.Render();
                }
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(tasks);

        var text = PrometheusTextParser.Parse(metrics.Render());
        Assert.Equal(threads * perThread, text.Value("securefed_rounds_opened_total"));
        Assert.Equal(threads / 2 * perThread, text.Value("securefed_contributions_total", ("mode", "mask")));
        Assert.Equal(threads / 2 * perThread, text.Value("securefed_contributions_total", ("mode", "he")));
        Assert.Equal(3.0 * threads / 2 * perThread, text.Value("securefed_contribution_bytes_total", ("mode", "he")));
        Assert.Equal(threads * perThread, text.Named("securefed_rejections_total").Sum(s => s.Value));
        long observations = threads * (perThread / 100);
        Assert.Equal(observations, text.Value(Stage + "_count", ("stage", "masked_input")));
        Assert.Equal(observations, text.Value(Stage + "_bucket", ("stage", "masked_input"), ("le", "+Inf")));
    }

    [Fact]
    public void Rejected_UnknownReason_ThrowsAndCountsNothing()
    {
        var metrics = new EnclaveMetrics();

        var ex = Assert.Throws<ArgumentException>(() => metrics.Rejected("made_up"));
        Assert.Contains("made_up", ex.Message, StringComparison.Ordinal);

        var text = PrometheusTextParser.Parse(metrics.Render());
        Assert.Equal(0, text.Named("securefed_rejections_total").Sum(s => s.Value));
        Assert.DoesNotContain("made_up", metrics.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void ContributionReceived_UnspecifiedModeOrNegativeBytes_Throws()
    {
        var metrics = new EnclaveMetrics();

        Assert.Throws<ArgumentOutOfRangeException>(() => metrics.ContributionReceived(ProtectionMode.Unspecified, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => metrics.ContributionReceived(ProtectionMode.Mask, -1));

        var text = PrometheusTextParser.Parse(metrics.Render());
        Assert.Equal(0, text.Named("securefed_contributions_total").Sum(s => s.Value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Unmask")]
    [InlineData("1stage")]
    [InlineData("un mask")]
    [InlineData("unmask\n")]
    [InlineData("a\"b")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456")]
    public void ObserveStageDuration_BadName_Throws(string stage)
    {
        var metrics = new EnclaveMetrics();

        Assert.Throws<ArgumentException>(() => metrics.ObserveStageDuration(stage, TimeSpan.FromSeconds(1)));
        Assert.Empty(PrometheusTextParser.Parse(metrics.Render()).Named(Stage + "_count"));
    }

    [Fact]
    public void ObserveStageDuration_NegativeDuration_Throws()
    {
        var metrics = new EnclaveMetrics();

        Assert.Throws<ArgumentOutOfRangeException>(
            () => metrics.ObserveStageDuration("unmask", TimeSpan.FromTicks(-1)));
    }

    [Fact]
    public void ObserveStageDuration_OneStageTooMany_ThrowsAndKeepsTheOthers()
    {
        var metrics = new EnclaveMetrics();
        for (int i = 0; i < EnclaveMetrics.MaxStages; i++)
        {
            metrics.ObserveStageDuration($"stage_{i}", TimeSpan.FromSeconds(1));
        }

        Assert.Throws<ArgumentException>(() => metrics.ObserveStageDuration("one_more", TimeSpan.FromSeconds(1)));
        metrics.ObserveStageDuration("stage_0", TimeSpan.FromSeconds(1));

        var text = PrometheusTextParser.Parse(metrics.Render());
        Assert.Equal(EnclaveMetrics.MaxStages, text.Named(Stage + "_count").Count());
        Assert.Equal(2, text.Value(Stage + "_count", ("stage", "stage_0")));
    }

    [Fact]
    public void Gauges_UnknownRoleOrNegative_Throw()
    {
        var metrics = new EnclaveMetrics();

        Assert.Throws<ArgumentException>(() => metrics.SetEnrolledParticipants("admin", 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => metrics.SetEnrolledParticipants(ParticipantRole.Client, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => metrics.SetLedgerEntries(-1));
    }

    [Fact]
    public void WriteSample_SpecialCharactersInLabel_EscapedAndParsedBack()
    {
        var output = new StringBuilder();
        var writer = new PrometheusTextWriter(output);
        const string value = "back\\slash \"quoted\"\nnext line";

        writer.WriteFamily("test_metric", "gauge", "Help with \\ and\na line feed.");
        writer.WriteSample("test_metric", [("path", value), ("plain", "x")], 1.5);

        string text = output.ToString();
        Assert.Contains("path=\"back\\\\slash \\\"quoted\\\"\\nnext line\"", text, StringComparison.Ordinal);
        Assert.Contains("# HELP test_metric Help with \\\\ and\\na line feed.\n", text, StringComparison.Ordinal);
        var parsed = PrometheusTextParser.Parse(text);
        var sample = Assert.Single(parsed.Samples);
        Assert.Equal(value, sample.Label("path"));
        Assert.Equal("x", sample.Label("plain"));
        Assert.Equal(1.5, sample.Value);
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(0.1, "0.1")]
    [InlineData(1.0, "1")]
    [InlineData(0.005, "0.005")]
    [InlineData(1e21, "1E+21")]
    public void FormatValue_Double_UsesPrometheusSpelling(double value, string expected)
    {
        Assert.Equal(expected, PrometheusTextWriter.FormatValue(value));
    }
}
