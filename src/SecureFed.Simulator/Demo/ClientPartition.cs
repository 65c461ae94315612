// Splits a training set among simulated clients, either uniformly at random (IID) or with
// label skew drawn from a Dirichlet distribution, the usual non-IID benchmark of federated
// learning (Hsu, Qi and Brown, "Measuring the Effects of Non-Identical Data Distribution
// for Federated Visual Classification", 2019): for each class, the share each client gets
// is one draw of Dirichlet(alpha, ..., alpha); alpha 0.5 gives strong skew.
//
// The draws use System.Random with a seed: this shapes a simulation, it is not a privacy
// sampler, and it must be reproducible.

namespace SecureFed.Simulator.Demo;

/// <summary>Seeded assignments of a training set's rows to clients.</summary>
public static class ClientPartition
{
    /// <summary>
    /// Deals the rows out in a seeded random order, so that client sizes differ by at most one.
    /// </summary>
    /// <returns>The row indices each client holds; every row appears exactly once.</returns>
    public static int[][] Iid(int rowCount, int clients, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clients);

        var order = Enumerable.Range(0, rowCount).ToArray();
        new Random(seed).Shuffle(order);
        return [.. Enumerable.Range(0, clients)
            .Select(client => order.Where((_, position) => position % clients == client).ToArray())];
    }

    /// <summary>
    /// Gives each client, for each class, a share of that class's rows drawn from
    /// Dirichlet(<paramref name="alpha"/>). A client may receive no rows at all.
    /// </summary>
    /// <param name="labels">The class of each row.</param>
    /// <param name="clients">The number of clients.</param>
    /// <param name="alpha">The concentration; smaller means more skew.</param>
    /// <param name="seed">Seeds the shares and the order within each class.</param>
    /// <returns>The row indices each client holds; every row appears exactly once.</returns>
    public static int[][] Dirichlet(ReadOnlySpan<long> labels, int clients, double alpha, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clients);
        if (!(alpha > 0 && double.IsFinite(alpha)))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Must be positive and finite.");
        }

        var random = new Random(seed);
        var byClass = new SortedDictionary<long, List<int>>();
        for (int row = 0; row < labels.Length; row++)
        {
            if (!byClass.TryGetValue(labels[row], out var rows))
            {
                byClass[labels[row]] = rows = [];
            }

            rows.Add(row);
        }

        var assigned = Enumerable.Range(0, clients).Select(_ => new List<int>()).ToArray();
        foreach (var rows in byClass.Values)
        {
            var members = rows.ToArray();
            random.Shuffle(members);
            var shares = Enumerable.Range(0, clients).Select(_ => Gamma(random, alpha)).ToArray();
            double total = shares.Sum();

            // Cut points from the cumulative shares; the last client takes the remainder, so
            // rounding can never lose or repeat a row.
            int start = 0;
            double cumulative = 0;
            for (int client = 0; client < clients; client++)
            {
                cumulative += shares[client];
                int end = client == clients - 1
                    ? members.Length
                    : Math.Min(members.Length, (int)Math.Round(members.Length * cumulative / total));
                assigned[client].AddRange(members.AsSpan(start, end - start));
                start = end;
            }
        }

        return [.. assigned.Select(rows => rows.ToArray())];
    }

    /// <summary>
    /// One draw of Gamma(shape, 1) by Marsaglia and Tsang ("A Simple Method for Generating
    /// Gamma Variables", ACM TOMS 2000); a shape below 1 is boosted to shape + 1 and scaled
    /// by U^(1/shape), as the paper describes.
    /// </summary>
    internal static double Gamma(Random random, double shape)
    {
        if (shape < 1)
        {
            double boost = Math.Pow(1 - random.NextDouble(), 1 / shape);
            return Gamma(random, shape + 1) * boost;
        }

        double d = shape - (1.0 / 3);
        double c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x = StandardNormal(random);
            double v = 1 + (c * x);
            if (v <= 0)
            {
                continue;
            }

            v = v * v * v;
            double u = 1 - random.NextDouble();
            if (Math.Log(u) < (0.5 * x * x) + d - (d * v) + (d * Math.Log(v)))
            {
                return d * v;
            }
        }
    }

    // Box-Muller; one of the pair is discarded, which costs nothing that matters here.
    private static double StandardNormal(Random random)
    {
        double u1 = 1 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
