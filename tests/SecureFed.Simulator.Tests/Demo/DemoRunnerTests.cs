using SecureFed.Simulator.Demo;

namespace SecureFed.Simulator.Tests.Demo;

/// <summary>The demo end to end: plaintext FedAvg against FedAvg through real mask rounds.</summary>
[Collection("Federation")]
public class DemoRunnerTests
{
    [Fact]
    public async Task SmallMaskDemo_TracksTheBaseline()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var options = new DemoOptions
        {
            Dataset = "wdbc", Modes = ["mask"], Clients = 4, Rounds = 3, Partition = "iid", RecordEpsilon = null,
        };

        var report = await DemoRunner.RunAsync(options, cancellation: timeout.Token);

        Assert.Equal(3, report.Curves["mask"].Length);
        Assert.True(report.BaselineAccuracy > 0.9, $"baseline accuracy {report.BaselineAccuracy}");
        Assert.True(report.Accuracy["mask"] > 0.9, $"mask accuracy {report.Accuracy["mask"]}");
        Assert.InRange(report.Accuracy["mask"] - report.BaselineAccuracy, -0.02, 0.02);
        Assert.Null(report.ClientEpsilon);
    }

    [Fact]
    public async Task SmallDpMaskDemo_StaysWithinItsEpsilonAndLearns()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var options = new DemoOptions
        {
            Dataset = "wdbc", Modes = ["mask"], Clients = 8, Rounds = 10, Epsilon = 8, RecordEpsilon = null,
            Partition = "iid",
        };

        var report = await DemoRunner.RunAsync(options, cancellation: timeout.Token);

        // The epsilon is the appliance's, read after each round; it grows with every round.
        Assert.NotNull(report.ClientEpsilon);
        Assert.InRange(report.ClientEpsilon.Value, double.Epsilon, 8);
        double[] epsilon = report.EpsilonCurves["mask"];
        Assert.Equal(10, epsilon.Length);
        Assert.True(epsilon[0] > 0, string.Join(", ", epsilon));
        Assert.True(epsilon.Zip(epsilon.Skip(1)).All(pair => pair.First < pair.Second), string.Join(", ", epsilon));
        Assert.Equal(epsilon[^1], report.ClientEpsilon.Value);
        Assert.Equal(1e-5, report.Delta);

        // The appliance charged exactly what the calibration assumed: wdbc's logistic
        // regression has 30 features x 2 classes + 2 biases = 62 parameters.
        var calibrated = new DemoPrivacy(8, 1e-5, report.NoiseMultiplier!.Value, 0.3, 8, 10, 62);
        Assert.Equal(calibrated.EpsilonSpent(), report.ClientEpsilon.Value, 9);

        // Learning: well above the 0.63 of always answering "benign", the larger class.
        Assert.True(report.Accuracy["mask"] > 0.75, $"mask accuracy {report.Accuracy["mask"]}");
    }

    [Fact]
    public async Task SmallRecordLevelDpDemo_SpendsItsPlannedEpsilonAndLearns()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var options = new DemoOptions
        {
            Dataset = "wdbc", Modes = ["mask"], Clients = 4, Rounds = 3, RecordEpsilon = 8, BatchSize = 16,
            Partition = "iid", Standardization = "moments",
        };

        var report = await DemoRunner.RunAsync(options, cancellation: timeout.Token);

        // Every client planned its DP-SGD steps for all three rounds, with the noised moments
        // round charged first, so after the last round the largest client's spend is its
        // target, to the calibration's precision.
        Assert.NotNull(report.RecordEpsilon);
        Assert.InRange(report.RecordEpsilon.Value, 8 * 0.95, 8);
        Assert.Equal(1e-5, report.Delta);
        Assert.Null(report.ClientEpsilon);
        Assert.Equal(report.RecordEpsilon, report.Epsilon);
        Assert.Equal("record", report.PrivacyLevel);
        Assert.StartsWith("noised moments", report.Standardization, StringComparison.Ordinal);
        Assert.True(report.Accuracy["mask"] > 0.8, $"mask accuracy {report.Accuracy["mask"]}");
    }

    [Fact]
    public void Prepare_DirichletSplit_KeepsEveryTrainingRow()
    {
        var options = new DemoOptions { Dataset = "digits", Clients = 8, Partition = "dirichlet" };

        var (clients, test) = DemoRunner.Prepare(options);

        // 1797 rows, 20% held out for the test.
        Assert.Equal(359, test.RowCount);
        Assert.Equal(1797 - 359, clients.Sum(c => c.RowCount));
    }
}
