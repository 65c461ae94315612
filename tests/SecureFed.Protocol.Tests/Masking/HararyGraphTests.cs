using System.Security.Cryptography;
using SecureFed.Protocol.Masking;

namespace SecureFed.Protocol.Tests.Masking;

public class HararyGraphTests
{
    private static readonly uint[] Ids = Enumerable.Range(1, 40).Select(i => (uint)(i * 5)).ToArray();

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(20)]
    [InlineData(39)]
    public void EveryClient_HasExactlyDegreeNeighbours_AndTheRelationIsSymmetric(int degree)
    {
        var graph = HararyGraph.Build(Ids, degree, RandomNumberGenerator.GetBytes(32));

        foreach (uint u in Ids)
        {
            var neighbours = graph.NeighboursOf(u);
            Assert.Equal(degree, neighbours.Count);
            Assert.DoesNotContain(u, neighbours);
            Assert.All(neighbours, v => Assert.True(graph.AreNeighbours(v, u)));
            Assert.Equal(degree, Ids.Count(v => graph.AreNeighbours(u, v)));
        }
    }

    [Fact]
    public void Graph_IsFixedByItsSeed()
    {
        var seed = RandomNumberGenerator.GetBytes(32);
        var a = HararyGraph.Build(Ids, 8, seed);
        var b = HararyGraph.Build(Ids.Reverse().ToArray(), 8, seed);
        var c = HararyGraph.Build(Ids, 8, RandomNumberGenerator.GetBytes(32));

        Assert.All(Ids, u => Assert.Equal(a.NeighboursOf(u), b.NeighboursOf(u)));
        Assert.Contains(Ids, u => !a.NeighboursOf(u).SequenceEqual(c.NeighboursOf(u)));
    }

    [Fact]
    public void Graph_IsConnected()
    {
        var graph = HararyGraph.Build(Ids, 4, RandomNumberGenerator.GetBytes(32));
        var seen = new HashSet<uint> { Ids[0] };
        var queue = new Queue<uint>([Ids[0]]);
        while (queue.TryDequeue(out uint u))
        {
            foreach (uint v in graph.NeighboursOf(u).Where(seen.Add))
            {
                queue.Enqueue(v);
            }
        }

        Assert.Equal(Ids.Length, seen.Count);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(0)]
    [InlineData(40)]
    public void Build_RejectsImpossibleDegrees(int degree)
    {
        Assert.Throws<ArgumentException>(() => HararyGraph.Build(Ids, degree, new byte[32]));
    }

    [Fact]
    public void Build_RejectsDuplicateIdsAndShortSeeds()
    {
        Assert.Throws<ArgumentException>(() => HararyGraph.Build([1, 2, 2, 3], 2, new byte[32]));
        Assert.Throws<ArgumentException>(() => HararyGraph.Build(Ids, 4, new byte[16]));
    }
}
