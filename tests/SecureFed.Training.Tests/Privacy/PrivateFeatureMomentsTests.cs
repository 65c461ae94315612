using SecureFed.Training.Data;
using SecureFed.Training.Privacy;
using Xunit.Abstractions;

namespace SecureFed.Training.Tests.Privacy;

public sealed class PrivateFeatureMomentsTests(ITestOutputHelper output)
{
    private const string OneFeature =
        """{"label": "y", "classes": ["a", "b"], "features": [{"name": "f", "min": 0, "max": 8}]}""";

    [Fact]
    public void Decode_TinyNoiseOverThreeClients_MatchesFeatureMomentsOfPreparedData()
    {
        var (schema, data) = Wdbc();
        var moments = new PrivateFeatureMoments(schema, noiseMultiplier: 1e-4);
        var aggregate = new long[moments.Dimension];
        foreach (var client in Partition(data, 3))
        {
            var contribution = moments.Contribution(client);
            for (var i = 0; i < aggregate.Length; i++)
            {
                aggregate[i] += contribution[i];
            }
        }

        var estimate = moments.Decode(aggregate, stdFloor: 1e-3);

        var (mean, scale) = schema.Prepare(data).FeatureMoments();
        Assert.InRange(estimate.RowCount, data.RowCount - 0.1, data.RowCount + 0.1);
        for (var j = 0; j < schema.FeatureCount; j++)
        {
            var width = schema.Features[j].High - schema.Features[j].Low;
            Assert.InRange(Math.Abs(estimate.Mean[j] - mean[j]) / width, 0, 1e-4);
            Assert.InRange(Math.Abs(estimate.Scale[j] - scale[j]) / width, 0, 1e-3);
        }
    }

    [Fact]
    public void RoundedSums_OneRowAddedOrRemoved_MovesTheSumsByAtMostSensitivity()
    {
        var (schema, data) = Wdbc();
        var moments = new PrivateFeatureMoments(schema, noiseMultiplier: 1);
        var full = moments.RoundedSums(data);
        var rows = Enumerable.Range(0, data.RowCount).ToArray();

        var largest = 0.0;
        foreach (var removed in new[] { 0, 1, 122, 461, data.RowCount - 1 })
        {
            var kept = rows.Where(row => row != removed).ToArray();
            largest = Math.Max(largest, Distance(full, moments.RoundedSums(data.Select(kept))));
        }

        // A row beyond every range maps to u = 1 everywhere: the worst case, exactly Delta.
        var extreme = new TabularDataSet(
            [.. data.Features.ToArray(), .. Enumerable.Repeat(1e9f, data.FeatureCount)],
            [.. data.Labels.ToArray(), 0],
            data.FeatureCount,
            data.ClassNames);
        var worst = Distance(full, moments.RoundedSums(extreme));

        output.WriteLine($"Delta {moments.Sensitivity}, largest real row {largest}, extreme {worst}");
        Assert.InRange(largest, 1, moments.Sensitivity);
        Assert.Equal(Math.ScaleB(Math.Sqrt(61), 16), moments.Sensitivity);
        Assert.Equal(moments.Sensitivity, worst, 1e-6);
    }

    [Fact]
    public void Contribution_NoRows_IsNoiseOfVarianceSigmaSquared()
    {
        var schema = FeatureSchema.Parse(OneFeature);
        var moments = new PrivateFeatureMoments(schema, noiseMultiplier: 0.75, gridBits: 4);
        var empty = new TabularDataSet([], [], 1, ["a", "b"]);
        const int draws = 4000;

        var values = new List<double>();
        for (var draw = 0; draw < draws; draw++)
        {
            values.AddRange(moments.Contribution(empty).Select(v => (double)v));
        }

        var mean = values.Average();
        var variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        var sigma = moments.NoiseStddev;
        output.WriteLine($"sigma {sigma}, empirical sd {Math.Sqrt(variance)}, mean {mean}");

        // sigma = 0.75 * 16 * sqrt(3); 12000 draws give the variance to about 1.3 %.
        Assert.Equal(0.75 * 16 * Math.Sqrt(3), sigma, 1e-9);
        Assert.InRange(variance / (sigma * sigma), 0.94, 1.06);
        Assert.InRange(mean, -4 * sigma / Math.Sqrt(values.Count), 4 * sigma / Math.Sqrt(values.Count));
    }

    [Fact]
    public void Decode_NoiseDominatedAggregate_StaysInsideRangesAndScaleBounds()
    {
        var schema = FeatureSchema.Parse(OneFeature);
        var moments = new PrivateFeatureMoments(schema, noiseMultiplier: 1, gridBits: 4);

        // Sums of u = 40 and of u^2 = -3 over a count of -2: every quantity out of bounds.
        var wild = moments.Decode([640, -48, -32]);
        var narrow = moments.Decode([8 * 16, 1 * 16, 16 * 16]);

        Assert.Equal(-2, wild.RowCount);
        Assert.Equal(8f, wild.Mean[0]);
        Assert.Equal(8 * PrivateFeatureMoments.DefaultStdFloor, wild.Scale[0], 1e-6);
        Assert.Equal(16, narrow.RowCount);
        Assert.Equal(0.5, narrow.UnitMean[0]);
        Assert.Equal(PrivateFeatureMoments.DefaultStdFloor, narrow.UnitStd[0]);
    }

    [Fact]
    public void Decode_ShareOfEpsilonThreeOverFourWdbcClients_GivesValidStandardisation()
    {
        var (schema, data) = Wdbc();
        var multiplier = PrivateFeatureMoments.NoiseMultiplierForShare(3, 1e-5, 0.1);
        var moments = new PrivateFeatureMoments(schema, multiplier);
        var aggregate = new long[moments.Dimension];
        foreach (var client in Partition(data, 4))
        {
            var contribution = moments.Contribution(client);
            for (var i = 0; i < aggregate.Length; i++)
            {
                aggregate[i] += contribution[i];
            }
        }

        var estimate = moments.Decode(aggregate);

        var (mean, scale) = schema.Prepare(data).FeatureMoments();
        var meanError = Enumerable.Range(0, schema.FeatureCount)
            .Average(j => Math.Abs(estimate.Mean[j] - mean[j])
                / (schema.Features[j].High - schema.Features[j].Low));
        var scaleRatio = Enumerable.Range(0, schema.FeatureCount)
            .Average(j => estimate.Scale[j] / scale[j]);
        output.WriteLine(
            $"z {multiplier:F3}, sigma/Delta {moments.NoiseStddev / moments.Sensitivity:F3}, count "
            + $"{estimate.RowCount:F1} of {data.RowCount}, mean error {meanError:F3} of a range, "
            + $"scale ratio {scaleRatio:F2}");
        for (var j = 0; j < schema.FeatureCount; j++)
        {
            // The figures are floats: allow their rounding, a few 1e-8 of the range.
            var (min, max) = (schema.Features[j].Low, schema.Features[j].High);
            var slack = 1e-6 * (max - min);
            Assert.InRange(estimate.UnitMean[j], 0, 1);
            Assert.InRange(estimate.UnitStd[j], 0.05, 0.5);
            Assert.InRange(estimate.Mean[j], min - slack, max + slack);
            Assert.InRange(estimate.Scale[j], (0.05 * (max - min)) - slack, (0.5 * (max - min)) + slack);
        }

        var standardised = schema.Prepare(data).Standardize(estimate.Mean, estimate.Scale);
        Assert.All(standardised.Features.ToArray(), value => Assert.True(float.IsFinite(value)));
    }

    [Fact]
    public void Constructor_BadArguments_AreRefused()
    {
        var schema = FeatureSchema.Parse(OneFeature);

        Assert.Throws<ArgumentOutOfRangeException>(() => new PrivateFeatureMoments(schema, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PrivateFeatureMoments(schema, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PrivateFeatureMoments(schema, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PrivateFeatureMoments(schema, 1, 25));
        Assert.Throws<ArgumentException>(
            () => new PrivateFeatureMoments(schema, 1).Decode(new long[2]));
    }

    private static (FeatureSchema Schema, TabularDataSet Data) Wdbc()
    {
        var schema = FeatureSchema.Load(TestData.Path("wdbc.schema.json"));
        return (schema, TabularDataSet.LoadCsv(TestData.Path("wdbc.csv"), schema.Label));
    }

    private static IEnumerable<TabularDataSet> Partition(TabularDataSet data, int clients) =>
        Enumerable.Range(0, clients).Select(client =>
            data.Select(Enumerable.Range(0, data.RowCount).Where(row => row % clients == client).ToArray()));

    private static double Distance(long[] first, long[] second) =>
        Math.Sqrt(first.Zip(second, (a, b) => (double)(a - b) * (a - b)).Sum());
}
