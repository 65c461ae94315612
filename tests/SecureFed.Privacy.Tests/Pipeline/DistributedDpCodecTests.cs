using System.Security.Cryptography;
using SecureFed.Privacy.Pipeline;

namespace SecureFed.Privacy.Tests.Pipeline;

public class DistributedDpCodecTests
{
    [Theory]
    [InlineData(DistributedNoise.Skellam)]
    [InlineData(DistributedNoise.DiscreteGaussian)]
    public void SumOfEncodings_DecodesToTheAverageOfTheClippedUpdates(DistributedNoise noise)
    {
        const int clients = 20;
        const int dimension = 100;
        const double clip = 1.0;
        const double noiseMultiplier = 0.05;
        var parameters = DistributedNoiseParameters.Compute(noiseMultiplier, clip, clients, 20, dimension);
        var codec = new DistributedDpCodec(parameters, RandomNumberGenerator.GetBytes(32), noise);
        var random = new Random(3);
        var average = new double[dimension];
        var sum = new ulong[codec.EncodedLength];
        ulong mask = (1UL << 20) - 1;

        for (int c = 0; c < clients; c++)
        {
            // Half the clients send updates above the clip: the codec must clip them.
            var update = Enumerable.Range(0, dimension).Select(_ => random.NextDouble() - 0.5).ToArray();
            double scale = (c % 2 == 0 ? 0.5 : 3.0) / L2Clipping.Norm(update);
            for (int i = 0; i < dimension; i++)
            {
                update[i] *= scale;
            }

            var encoded = codec.Encode(update);
            L2Clipping.Clip(update, clip);
            for (int i = 0; i < dimension; i++)
            {
                average[i] += update[i] / clients;
            }

            for (int i = 0; i < sum.Length; i++)
            {
                sum[i] = (sum[i] + encoded[i]) & mask;
            }
        }

        var decoded = codec.DecodeAverage(sum, clients);

        // Per coordinate the error has the central noise σ = z·c plus the rounding errors,
        // spread back by the rotation, over n: six standard deviations is a generous bound.
        double stddev = Math.Sqrt(Math.Pow(noiseMultiplier * clip, 2) + clients * Math.Pow(parameters.Scale, 2) / 4)
            / clients;
        Assert.Equal(dimension, decoded.Length);
        for (int i = 0; i < dimension; i++)
        {
            Assert.Equal(average[i], decoded[i], 6 * stddev);
        }
    }

    [Fact]
    public void Encode_LeavesTheUpdateAloneAndRefusesWrongLengths()
    {
        var parameters = DistributedNoiseParameters.Compute(1, 1, 10, 16, 8);
        var codec = new DistributedDpCodec(parameters, new byte[32], DistributedNoise.Skellam);
        double[] update = [3, 0, 0, 0, 0, 0, 0, 4];

        var encoded = codec.Encode(update);

        Assert.Equal([3.0, 0, 0, 0, 0, 0, 0, 4], update);
        Assert.Equal(8, encoded.Length);
        Assert.All(encoded, r => Assert.True(r < 1UL << 16));
        Assert.Throws<ArgumentException>(() => codec.Encode(new double[7]));
        Assert.Throws<ArgumentException>(() => codec.DecodeAverage(new ulong[7], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => codec.DecodeAverage(new ulong[8], 0));
    }
}
