using SecureFed.Simulator.Demo;

namespace SecureFed.Simulator.Tests.Demo;

public class ProtectedMomentsTests
{
    [Theory]
    [InlineData("wdbc")]
    [InlineData("digits")]
    public void SummedMoments_MatchThePooledMoments(string dataset)
    {
        var options = new DemoOptions { Dataset = dataset, Clients = 8, Partition = "dirichlet" };
        var (clients, _) = DemoRunner.Prepare(options);
        int features = clients[0].FeatureCount;
        double bound = clients.Max(c => c.Features.ToArray().DefaultIfEmpty(0).Max(v => Math.Abs(v)));
        var codec = ProtectedMoments.Codec(bound, clients.Sum(c => c.RowCount), clients.Length);

        var aggregate = clients.Select(c => ProtectedMoments.Encode(c, codec))
            .Aggregate((left, right) => [.. left.Zip(right, codec.Add)]);
        var (mean, scale) = ProtectedMoments.Decode(aggregate, codec);
        var (expectedMean, expectedScale) = Pool(clients).FeatureMoments();

        Assert.Equal(features, mean.Length);
        for (int f = 0; f < mean.Length; f++)
        {
            Assert.InRange(mean[f] - expectedMean[f], -1e-3 * expectedScale[f], 1e-3 * expectedScale[f]);

            // One fixed-point scale for all features leaves tiny ones less precise (see Codec).
            Assert.InRange(scale[f] / expectedScale[f], 1 - 1e-2, 1 + 1e-2);
        }
    }

    private static SecureFed.Training.Data.TabularDataSet Pool(SecureFed.Training.Data.TabularDataSet[] parts) => new(
        [.. parts.SelectMany(p => p.Features.ToArray())],
        [.. parts.SelectMany(p => p.Labels.ToArray())],
        parts[0].FeatureCount,
        parts[0].ClassNames);
}
