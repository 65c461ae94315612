using SecureFed.Simulator.Demo;

namespace SecureFed.Simulator.Tests.Demo;

public class ClientPartitionTests
{
    private static readonly long[] Labels =
        [.. Enumerable.Range(0, 500).Select(i => (long)(i * 7 % 10 < 3 ? 0 : i % 4))];

    [Fact]
    public void Dirichlet_SameSeed_SamePartition()
    {
        var first = ClientPartition.Dirichlet(Labels, 8, 0.5, seed: 42);
        var second = ClientPartition.Dirichlet(Labels, 8, 0.5, seed: 42);

        Assert.Equal(first, second);
    }

    [Fact]
    public void Dirichlet_OtherSeed_OtherPartition()
    {
        var first = ClientPartition.Dirichlet(Labels, 8, 0.5, seed: 42);
        var second = ClientPartition.Dirichlet(Labels, 8, 0.5, seed: 43);

        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData(2, 0.1)]
    [InlineData(8, 0.5)]
    [InlineData(30, 100)]
    public void Dirichlet_CoversEveryRowExactlyOnce(int clients, double alpha)
    {
        var parts = ClientPartition.Dirichlet(Labels, clients, alpha, seed: 7);

        Assert.Equal(clients, parts.Length);
        Assert.Equal(Enumerable.Range(0, Labels.Length), parts.SelectMany(p => p).Order());
    }

    [Fact]
    public void Dirichlet_SmallAlpha_SkewsLabels()
    {
        // With alpha 0.05 most clients see mostly one class; with IID none does.
        var skewed = ClientPartition.Dirichlet(Labels, 8, 0.05, seed: 3);
        var iid = ClientPartition.Iid(Labels.Length, 8, seed: 3);

        Assert.True(MeanLargestClassShare(skewed) > 0.8);
        Assert.True(MeanLargestClassShare(iid) < 0.6);
    }

    [Fact]
    public void Iid_CoversEveryRowExactlyOnce_SizesDifferByAtMostOne()
    {
        var parts = ClientPartition.Iid(101, 8, seed: 1);

        Assert.Equal(Enumerable.Range(0, 101), parts.SelectMany(p => p).Order());
        Assert.True(parts.Max(p => p.Length) - parts.Min(p => p.Length) <= 1);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(1)]
    [InlineData(4.5)]
    public void Gamma_MeanIsTheShape(double shape)
    {
        var random = new Random(5);
        double mean = Enumerable.Range(0, 20_000).Average(_ => ClientPartition.Gamma(random, shape));

        Assert.InRange(mean, shape * 0.95, shape * 1.05);
    }

    private static double MeanLargestClassShare(int[][] parts) => parts
        .Where(p => p.Length > 0)
        .Average(p => p.GroupBy(row => Labels[row]).Max(g => g.Count()) / (double)p.Length);
}
