using System.Security.Cryptography;
using SecureFed.Privacy.Pipeline;

namespace SecureFed.Privacy.Tests.Pipeline;

public class RandomizedHadamardTests
{
    private static double[] RandomVector(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => random.NextDouble() * 2 - 1).ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(64)]
    [InlineData(1000)]
    public void Rotation_IsInvertible(int dimension)
    {
        var rotation = new RandomizedHadamard(dimension, RandomNumberGenerator.GetBytes(32));
        var x = RandomVector(dimension, dimension);

        var back = rotation.Unrotate(rotation.Rotate(x));

        Assert.Equal(dimension, back.Length);
        for (int i = 0; i < dimension; i++)
        {
            Assert.Equal(x[i], back[i], 1e-12);
        }
    }

    [Fact]
    public void Rotation_IsOrthogonal_ItKeepsNormsAndInnerProducts()
    {
        var rotation = new RandomizedHadamard(300, RandomNumberGenerator.GetBytes(32));
        var x = RandomVector(300, 1);
        var y = RandomVector(300, 2);

        var rx = rotation.Rotate(x);
        var ry = rotation.Rotate(y);

        Assert.Equal(512, rx.Length);
        Assert.Equal(L2Clipping.Norm(x), L2Clipping.Norm(rx), 1e-12);
        Assert.Equal(Dot(x, y), Dot(rx, ry), 1e-12);
    }

    [Fact]
    public void Rotation_SpreadsASpikeEvenly()
    {
        var rotation = new RandomizedHadamard(1024, RandomNumberGenerator.GetBytes(32));
        var spike = new double[1024];
        spike[17] = 1;

        var rotated = rotation.Rotate(spike);

        // H D e_j has every coordinate equal to ±1/sqrt(n): the norm is spread completely.
        Assert.All(rotated, v => Assert.Equal(1 / 32.0, Math.Abs(v), 1e-15));
    }

    [Fact]
    public void Rotation_IsFixedByItsSeed()
    {
        var seed = RandomNumberGenerator.GetBytes(32);
        var x = RandomVector(100, 3);

        Assert.Equal(new RandomizedHadamard(100, seed).Rotate(x), new RandomizedHadamard(100, seed).Rotate(x));
        Assert.NotEqual(new RandomizedHadamard(100, seed).Rotate(x),
            new RandomizedHadamard(100, RandomNumberGenerator.GetBytes(32)).Rotate(x));
    }

    [Fact]
    public void Rotation_RefusesWrongLengthsAndSeeds()
    {
        Assert.Throws<ArgumentException>(() => new RandomizedHadamard(10, new byte[16]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomizedHadamard(0, new byte[32]));
        var rotation = new RandomizedHadamard(10, new byte[32]);
        Assert.Throws<ArgumentException>(() => rotation.Rotate(new double[9]));
        Assert.Throws<ArgumentException>(() => rotation.Unrotate(new double[10]));
    }

    private static double Dot(double[] a, double[] b) => a.Zip(b, (p, q) => p * q).Sum();
}
