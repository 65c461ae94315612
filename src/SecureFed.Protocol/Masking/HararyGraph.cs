// Neighbourhoods of SecAgg+ (Bell et al., CCS 2020): a Harary graph H(k, n) of even degree
// k over the clients in an order shuffled by a public seed. Position p is joined to the k/2
// positions on each side of it around the cycle. Degree n - 1 is the complete graph.
//
// The shuffle is a Fisher-Yates shuffle whose swap indices come from the mask PRG keyed by
// the graph seed (AES-256-CTR, uniform by rejection sampling), so every party derives the
// same graph from the round setup.

using SecureFed.Crypto.Prg;

namespace SecureFed.Protocol.Masking;

/// <summary>The neighbourhoods of one SecAgg+ round.</summary>
public sealed class HararyGraph
{
    /// <summary>Size of the seed that fixes the shuffled order.</summary>
    public const int SeedSize = MaskPrg.SeedSize;

    private readonly Dictionary<uint, uint[]> _neighbours;

    private HararyGraph(Dictionary<uint, uint[]> neighbours, int degree)
    {
        _neighbours = neighbours;
        Degree = degree;
    }

    /// <summary>Number of neighbours of every client.</summary>
    public int Degree { get; }

    /// <summary>
    /// Builds the graph over <paramref name="participants"/> (distinct ids, in any order).
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The degree is odd and below n - 1, not in [1, n - 1], the seed is not 32 bytes, or
    /// the ids repeat.
    /// </exception>
    public static HararyGraph Build(IReadOnlyList<uint> participants, int degree, ReadOnlySpan<byte> seed)
    {
        ArgumentNullException.ThrowIfNull(participants);
        int n = participants.Count;
        if (degree < 1 || degree > n - 1)
        {
            throw new ArgumentException($"The degree must be in [1, {n - 1}], not {degree}.", nameof(degree));
        }

        if (degree < n - 1 && degree % 2 != 0)
        {
            throw new ArgumentException(
                $"A Harary graph below the complete graph needs an even degree, not {degree}.", nameof(degree));
        }

        if (seed.Length != SeedSize)
        {
            throw new ArgumentException($"The graph seed must be {SeedSize} bytes.", nameof(seed));
        }

        if (participants.Distinct().Count() != n)
        {
            throw new ArgumentException("Participant ids must be distinct.", nameof(participants));
        }

        var order = participants.Order().ToArray();
        Shuffle(order, seed);

        var neighbours = new Dictionary<uint, uint[]>(n);
        for (int p = 0; p < n; p++)
        {
            int position = p;
            neighbours[order[p]] = degree == n - 1
                ? order.Where((_, q) => q != position).Order().ToArray()
                : Enumerable.Range(1, degree / 2)
                    .SelectMany(d => new[] { order[(position + d) % n], order[(position - d + n) % n] })
                    .Order()
                    .ToArray();
        }

        return new HararyGraph(neighbours, degree);
    }

    /// <summary>The neighbours of <paramref name="client"/>, in ascending id order.</summary>
    /// <exception cref="KeyNotFoundException">The client is not in the graph.</exception>
    public IReadOnlyList<uint> NeighboursOf(uint client) => _neighbours[client];

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> are neighbours.</summary>
    public bool AreNeighbours(uint a, uint b) =>
        _neighbours.TryGetValue(a, out var list) && Array.BinarySearch(list, b) >= 0;

    private static void Shuffle(uint[] order, ReadOnlySpan<byte> seed)
    {
        using var prg = new MaskPrg(seed);
        Span<ulong> draw = stackalloc ulong[1];
        for (int i = order.Length - 1; i > 0; i--)
        {
            prg.GenerateModulo(i, (ulong)i + 1, draw);
            int j = (int)draw[0];
            (order[i], order[j]) = (order[j], order[i]);
        }
    }
}
