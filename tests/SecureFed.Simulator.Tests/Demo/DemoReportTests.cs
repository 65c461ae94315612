using SecureFed.Simulator.Demo;

namespace SecureFed.Simulator.Tests.Demo;

/// <summary>Which DP guarantee a demo report states, and its epsilon.</summary>
public class DemoReportTests
{
    [Fact]
    public void Epsilon_WithClientLevelDp_IsTheClientEpsilonEvenWithARecordEpsilon()
    {
        var report = Report() with { ClientEpsilon = 8, RecordEpsilon = 2.5 };

        Assert.Equal(8, report.Epsilon);
        Assert.Equal("client", report.PrivacyLevel);
    }

    [Fact]
    public void Epsilon_WithRecordLevelDpOnly_IsTheRecordEpsilon()
    {
        var report = Report() with { RecordEpsilon = 2.5 };

        Assert.Equal(2.5, report.Epsilon);
        Assert.Equal("record", report.PrivacyLevel);
    }

    [Fact]
    public void Epsilon_WithoutDp_IsNull()
    {
        var report = Report();

        Assert.Null(report.Epsilon);
        Assert.Equal("none", report.PrivacyLevel);
    }

    private static DemoReport Report() => new()
    {
        Dataset = "wdbc",
        Partition = "iid",
        Clients = 4,
        Rounds = 1,
        BaselineAccuracy = 0.9,
        Accuracy = new Dictionary<string, double> { ["mask"] = 0.9 },
        Curves = new Dictionary<string, double[]> { ["baseline"] = [0.9], ["mask"] = [0.9] },
        Bits = 32,
        ModeSeconds = new Dictionary<string, double> { ["mask"] = 1 },
        Seconds = 1,
    };
}
