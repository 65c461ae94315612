using SecureFed.Protocol.Masking;

namespace SecureFed.Protocol.Tests.Masking;

public class SecAggParameterFinderTests
{
    [Theory]
    [InlineData(100, 0.1, 0.05)]
    [InlineData(200, 0.1, 0.05)]
    [InlineData(1000, 0.1, 0.05)]
    [InlineData(1000, 0.05, 0.0)]
    [InlineData(5000, 0.1, 0.1)]
    public void Find_MeetsTheCorrectnessAndSecurityBounds(int n, double dropout, double corrupt)
    {
        var p = SecAggParameterFinder.Find(n, dropout, corrupt);

        Assert.True(p.Log2FailureProbability <= -20, $"failure 2^{p.Log2FailureProbability}");
        Assert.True(p.Log2PrivacyFailureProbability <= -40, $"privacy 2^{p.Log2PrivacyFailureProbability}");
        Assert.True(2 * p.Threshold > p.Degree);
        Assert.True(p.Threshold <= p.Degree);
        Assert.True(p.IsCompleteGraph || p.Degree % 2 == 0);
    }

    [Fact]
    public void Find_UsesSparseGraphsForLargeRounds()
    {
        var p = SecAggParameterFinder.Find(1000, 0.1, 0.05);

        // Logarithmic in n, as SecAgg+ promises: far below the complete graph.
        Assert.InRange(p.Degree, 20, 200);
    }

    [Fact]
    public void Find_ReturnsTheSmallestDegreeThatMeetsTheBounds()
    {
        var p = SecAggParameterFinder.Find(500, 0.1, 0.05);
        var smaller = p.Degree - 2;

        // The disconnection bound alone or the threshold search must rule out the next smaller degree.
        bool graphFails = SecAggParameterFinder.Log2DisconnectionBound(500, smaller, 50 + 25) > -40;
        Assert.True(graphFails || NoThresholdFits(500, smaller, 50, 25));
    }

    [Fact]
    public void Find_FallsBackToTheCompleteGraphForSmallRounds()
    {
        var p = SecAggParameterFinder.Find(5, 0.2, 0);

        Assert.True(p.IsCompleteGraph);
        Assert.Equal(4, p.Degree);
        Assert.Equal(3, p.Threshold);
    }

    [Fact]
    public void Find_ThrowsWhenNoParametersExist()
    {
        var e = Assert.Throws<InvalidOperationException>(() => SecAggParameterFinder.Find(4, 0.5, 0.25));
        Assert.Contains("No SecAgg+ parameters", e.Message);
    }

    [Theory]
    [InlineData(1, 0.1, 0.0)]
    [InlineData(10, 1.0, 0.0)]
    [InlineData(10, -0.1, 0.0)]
    [InlineData(10, 0.1, double.NaN)]
    public void Find_RejectsArgumentsOutOfRange(int n, double dropout, double corrupt)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SecAggParameterFinder.Find(n, dropout, corrupt));
    }

    private static bool NoThresholdFits(int n, int degree, int dropped, int corrupt)
    {
        var table = new LogFactorials(n);
        for (int t = degree / 2 + 1; t <= degree; t++)
        {
            double privacy = Math.Log2(n) + table.Log2HypergeometricTail(n - 1, corrupt, degree, 2 * t - degree);
            double failure = Math.Log2(n) + table.Log2HypergeometricTail(n - 1, dropped, degree, degree - t + 1);
            if (privacy <= -40 && failure <= -20)
            {
                return false;
            }
        }

        return true;
    }
}
