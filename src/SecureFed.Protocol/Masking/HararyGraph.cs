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
/// <remarks>
/// Only the shuffled order is stored: whether two clients are neighbours is a distance on
/// the cycle, and a client's neighbour list is made when first asked for. A client needs
/// just its own, so it never pays for the whole graph.
/// </remarks>
public sealed class HararyGraph
{
    /// <summary>Size of the seed that fixes the shuffled order.</summary>
    public const int SeedSize = MaskPrg.SeedSize;

    private readonly uint[] _order;
    private readonly Dictionary<uint, int> _position;
    private readonly uint[]?[] _neighbours;

    private HararyGraph(uint[] order, int degree)
    {
        _order = order;
        _position = new Dictionary<uint, int>(order.Length);
        for (int p = 0; p < order.Length; p++)
        {
            _position[order[p]] = p;
        }

        _neighbours = new uint[order.Length][];
        Degree = degree;
    }

    /// <summary>Number of neighbours of every client.</summary>
    public int Degree { get; }

    private bool IsComplete => Degree == _order.Length - 1;

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

        var order = participants.Order().ToArray();
        for (int i = 1; i < n; i++)
        {
            if (order[i] == order[i - 1])
            {
                throw new ArgumentException("Participant ids must be distinct.", nameof(participants));
            }
        }

        Shuffle(order, seed);
        return new HararyGraph(order, degree);
    }

    /// <summary>The neighbours of <paramref name="client"/>, in ascending id order.</summary>
    /// <exception cref="KeyNotFoundException">The client is not in the graph.</exception>
    public IReadOnlyList<uint> NeighboursOf(uint client)
    {
        int p = _position[client];

        // Two threads may build the same list at once; either copy is the same, and
        // publishing an array reference is atomic.
        return _neighbours[p] ??= ListNeighbours(p);
    }

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> are neighbours.</summary>
    public bool AreNeighbours(uint a, uint b)
    {
        if (a == b || !_position.TryGetValue(a, out int pa) || !_position.TryGetValue(b, out int pb))
        {
            return false;
        }

        int distance = Math.Abs(pa - pb);
        return IsComplete || Math.Min(distance, _order.Length - distance) <= Degree / 2;
    }

    private uint[] ListNeighbours(int p)
    {
        int n = _order.Length;
        var list = IsComplete
            ? _order.Where((_, q) => q != p).ToArray()
            : Enumerable.Range(1, Degree / 2)
                .SelectMany(d => new[] { _order[(p + d) % n], _order[(p - d + n) % n] })
                .ToArray();
        Array.Sort(list);
        return list;
    }

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
