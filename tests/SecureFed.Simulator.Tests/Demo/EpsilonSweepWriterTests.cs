using SecureFed.Simulator.Demo;

namespace SecureFed.Simulator.Tests.Demo;

/// <summary>The accuracy-against-epsilon table of <c>securefed-sim demo --epsilons</c>.</summary>
public class EpsilonSweepWriterTests
{
    [Fact]
    public void Markdown_HasOneRowPerBudgetWithItsEpsilonAndAccuracy()
    {
        DemoReport[] reports = [Report(1, 12.5, 0.42), Report(8, 2.0, 0.8)];

        string markdown = EpsilonSweepWriter.Markdown(reports);

        Assert.Contains("| 1 | 12.5 | 0.9000 | 0.4200 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| 8 | 2 | 0.9000 | 0.8000 |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_RefusesAReportWithoutDp()
    {
        DemoReport[] reports = [Report(1, 12.5, 0.42) with { ClientEpsilon = null }];

        Assert.Throws<ArgumentException>(() => EpsilonSweepWriter.Write(reports, Path.GetTempPath()));
    }

    private static DemoReport Report(double epsilon, double noiseMultiplier, double accuracy) => new()
    {
        Dataset = "digits",
        Partition = "iid",
        Clients = 50,
        Rounds = 1,
        BaselineAccuracy = 0.9,
        Accuracy = new Dictionary<string, double> { ["mask"] = accuracy },
        Curves = new Dictionary<string, double[]> { ["baseline"] = [0.9], ["mask"] = [accuracy] },
        ClientEpsilon = epsilon,
        Delta = 1e-5,
        NoiseMultiplier = noiseMultiplier,
        ClipNorm = 0.3,
        EpsilonCurves = new Dictionary<string, double[]> { ["mask"] = [epsilon] },
        Bits = 32,
        ModeSeconds = new Dictionary<string, double> { ["mask"] = 1 },
        Seconds = 1,
    };
}
