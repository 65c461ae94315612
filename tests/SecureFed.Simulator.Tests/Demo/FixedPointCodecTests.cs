using SecureFed.Simulator.Demo;

namespace SecureFed.Simulator.Tests.Demo;

public class FixedPointCodecTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.123456789)]
    [InlineData(-0.987654321)]
    [InlineData(455.0)]
    [InlineData(-455.0)]
    public void EncodeDecode_RoundTripsWithinHalfAUnit(double value)
    {
        var codec = FixedPointCodec.ForSumBound(455, terms: 8, scale: 1 << 24);

        double decoded = codec.Decode(codec.Encode(value));

        Assert.InRange(decoded - value, -0.5 / codec.Scale, 0.5 / codec.Scale);
    }

    [Fact]
    public void SumOfResidues_DecodesToTheSum_AtTheBound()
    {
        // Eight clients each at the extreme of their share of the bound: the sum reaches the
        // bound itself, in both signs, and must not wrap.
        const int Clients = 8;
        const double Bound = 455;
        var codec = FixedPointCodec.ForSumBound(Bound, Clients, 1 << 24);
        var random = new Random(11);
        foreach (double sign in new[] { 1.0, -1.0 })
        {
            var values = Enumerable.Range(0, Clients).Select(_ => sign * Bound / Clients).ToArray();
            values[0] -= sign * random.NextDouble() * 1e-7;

            ulong sum = values.Select(codec.Encode).Aggregate(0UL, codec.Add);

            Assert.InRange(codec.Decode(sum) - values.Sum(), -Clients * 0.5 / codec.Scale, Clients * 0.5 / codec.Scale);
        }
    }

    [Fact]
    public void ProtectedUpdates_SumDecodesToWeightedSumAndTotalCount()
    {
        var codec = FixedPointCodec.ForSumBound(1.0 * 300, terms: 4, scale: 1 << 20);
        var random = new Random(2);
        var updates = Enumerable.Range(0, 4)
            .Select(k => new ClientUpdate(
                [.. Enumerable.Range(0, 16).Select(_ => (float)((random.NextDouble() * 2) - 1))], 50 + (10 * k)))
            .ToArray();

        var inputs = updates.Select(u => ProtectedUpdate.Encode(u, codec, clip: 1.0)).ToArray();
        var aggregate = new ulong[17];
        foreach (var input in inputs)
        {
            for (int i = 0; i < aggregate.Length; i++)
            {
                aggregate[i] = codec.Add(aggregate[i], input[i]);
            }
        }

        var (sum, examples) = ProtectedUpdate.Decode(aggregate, codec);

        Assert.Equal(updates.Sum(u => u.Examples), examples);
        for (int i = 0; i < 16; i++)
        {
            double expected = updates.Sum(u => u.Examples * (double)u.Delta[i]);
            Assert.InRange(sum[i] - expected, -4 * 0.5 / codec.Scale, 4 * 0.5 / codec.Scale);
        }
    }

    [Fact]
    public void ProtectedUpdate_ClipsEachCoordinate()
    {
        var codec = FixedPointCodec.ForSumBound(100, terms: 1, scale: 1 << 10);

        var input = ProtectedUpdate.Encode(new ClientUpdate([5f, -5f, 0.25f], 10), codec, clip: 1.0);

        Assert.Equal([10.0, -10.0, 2.5], input[..3].Select(codec.Decode));
        Assert.Equal(10UL, input[3]);
    }
}
