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
        var options = new DemoOptions { Dataset = "wdbc", Modes = ["mask"], Clients = 4, Rounds = 3 };

        var report = await DemoRunner.RunAsync(options, cancellation: timeout.Token);

        Assert.Equal(3, report.Curves["mask"].Length);
        Assert.True(report.BaselineAccuracy > 0.9, $"baseline accuracy {report.BaselineAccuracy}");
        Assert.True(report.Accuracy["mask"] > 0.9, $"mask accuracy {report.Accuracy["mask"]}");
        Assert.InRange(report.Accuracy["mask"] - report.BaselineAccuracy, -0.02, 0.02);
        Assert.Null(report.Epsilon);
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
