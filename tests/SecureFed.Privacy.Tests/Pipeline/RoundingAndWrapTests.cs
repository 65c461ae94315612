using SecureFed.Privacy.Pipeline;

namespace SecureFed.Privacy.Tests.Pipeline;

public class RoundingAndWrapTests
{
    [Theory]
    [InlineData(1e-3)]
    [InlineData(1e-9)]
    [InlineData(0.0)]
    public void Rounding_KeepsTheNormBound(double beta)
    {
        var random = new Random(5);
        const int dimension = 512;
        const double clip = 40;
        double bound = ConditionalRandomizedRounding.NormBound(clip, dimension, beta);
        var rounded = new long[dimension];

        for (int trial = 0; trial < 200; trial++)
        {
            var x = Enumerable.Range(0, dimension).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            double norm = L2Clipping.Norm(x);
            for (int i = 0; i < dimension; i++)
            {
                x[i] *= clip / norm;
            }

            ConditionalRandomizedRounding.Round(x, clip, beta, rounded, random.NextDouble);

            double roundedNorm = Math.Sqrt(rounded.Sum(v => (double)v * v));
            Assert.True(roundedNorm <= bound, $"norm {roundedNorm} above bound {bound}");
            Assert.All(rounded.Zip(x), p => Assert.InRange(p.First - p.Second, -1.0, 1.0));
        }
    }

    [Fact]
    public void NormBound_IsTheSmallerOfTheTwoBounds()
    {
        double c = 10;
        int d = 100;
        double beta = Math.Exp(-0.5);
        double likely = Math.Sqrt(c * c + d / 4.0 + Math.Sqrt(2 * 0.5) * (c + Math.Sqrt(d) / 2));

        Assert.Equal(likely, ConditionalRandomizedRounding.NormBound(c, d, beta), 1e-12);
        Assert.Equal(c + Math.Sqrt(d), ConditionalRandomizedRounding.NormBound(c, d, 0), 1e-12);
    }

    [Fact]
    public void Rounding_IsUnbiased()
    {
        var random = new Random(9);
        var x = new[] { 0.25, -1.5, 2.9, 0.0 };
        var sums = new double[x.Length];
        var rounded = new long[x.Length];
        const int trials = 40_000;

        for (int trial = 0; trial < trials; trial++)
        {
            ConditionalRandomizedRounding.Round(x, 4, 0, rounded, random.NextDouble);
            for (int i = 0; i < x.Length; i++)
            {
                sums[i] += rounded[i];
            }
        }

        // The standard error of each mean is at most 0.5 / sqrt(trials) = 0.0025.
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(x[i], sums[i] / trials, 0.015);
        }
    }

    [Fact]
    public void Rounding_RefusesAnInputAboveTheClip()
    {
        Assert.Throws<ArgumentException>(
            () => ConditionalRandomizedRounding.Round([3.0, 4.0], 4.9, 1e-3, new long[2]));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void NormBound_RefusesBetaOutsideZeroToOne(double beta)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ConditionalRandomizedRounding.NormBound(1, 1, beta));
    }

    [Fact]
    public void Clip_ScalesDownOnlyWhenAboveTheNorm()
    {
        double[] big = [3, 4];
        double[] small = [0.3, 0.4];

        Assert.Equal(5, L2Clipping.Clip(big, 1), 1e-12);
        Assert.Equal(1, L2Clipping.Norm(big), 1e-12);
        L2Clipping.Clip(small, 1);
        Assert.Equal([0.3, 0.4], small);
        Assert.Throws<ArgumentException>(() => L2Clipping.Clip(new[] { double.NaN }, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => L2Clipping.Clip(new double[2], 0));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(20)]
    [InlineData(32)]
    [InlineData(64)]
    public void Wrap_RoundTripsEverySignedValueInRange(int bits)
    {
        long half = bits == 64 ? long.MaxValue : 1L << (bits - 1);
        long[] values = [0, 1, -1, half - 1, bits == 64 ? long.MinValue : -half, 12345 % half, -(6789 % half)];

        foreach (long value in values)
        {
            Assert.Equal(value, ModularWrap.Unwrap(ModularWrap.Wrap(value, bits), bits));
        }
    }

    [Fact]
    public void Wrap_SumsOfResiduesUnwrapToTheSignedSum()
    {
        long[] values = [-100, 37, -5, 90, -1];
        ulong sum = 0;
        foreach (long v in values)
        {
            sum = (sum + ModularWrap.Wrap(v, 12)) & 0xFFF;
        }

        Assert.Equal(values.Sum(), ModularWrap.Unwrap(sum, 12));
    }

    [Fact]
    public void Wrap_RefusesValuesOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ModularWrap.Wrap(128, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => ModularWrap.Wrap(-129, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => ModularWrap.Unwrap(256, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => ModularWrap.Wrap(0, 0));
    }
}
