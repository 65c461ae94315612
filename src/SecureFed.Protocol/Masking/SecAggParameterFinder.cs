// Parameter selection for SecAgg+ over a Harary graph of even degree k on a randomly
// shuffled order of the n clients, after Bell, Bonawitz, Gascon, Lepoint and Raykova,
// "Secure Single-Server Aggregation with (Poly)Logarithmic Overhead", CCS 2020, section 4.
//
// With the order shuffled, each client's k neighbours are a uniformly random k-subset of
// the other n - 1 clients, so the number of dropped (or corrupt) neighbours of one client
// is hypergeometric. The finder takes the worst case of D = ceil(dropout rate * n) dropped
// and C = ceil(corrupt rate * n) corrupt clients, unions over the n clients, and asks:
//
//   correctness  every client keeps at least t live neighbours:
//                n * P[Hyp(n-1, D, k) > k - t] <= 2^-20 (the failure probability)
//   shares       no honest client's self-mask seed and mask key can both be rebuilt. An
//                honest neighbour releases one of the two, a corrupt one both, so this
//                needs 2t > k + c for c corrupt neighbours:
//                n * P[Hyp(n-1, C, k) >= 2t - k] <= 2^-sigma
//   graph        the honest survivors stay connected, so that no partial sum is
//                revealed. Removing nodes disconnects a Harary graph of degree k only
//                across a run of k/2 consecutive removed positions:
//                n * prod_{i<k/2} (D + C - i) / (n - 1 - i) <= 2^-sigma
//
// sigma is the statistical security parameter, 40 by default. The smallest even k that
// admits a t is chosen, with the smallest such t (most tolerant of dropouts). When no
// k < n - 1 qualifies, the complete graph is used, where the conditions are exact.

namespace SecureFed.Protocol.Masking;

/// <summary>Chooses the neighbourhood degree k and threshold t of a SecAgg+ round.</summary>
public static class SecAggParameterFinder
{
    /// <summary>Default statistical security parameter, in bits.</summary>
    public const int DefaultStatisticalSecurity = 40;

    /// <summary>Default bound on the probability that a round fails, as log2 (2^-20).</summary>
    public const int DefaultLog2FailureProbability = -20;

    /// <summary>
    /// Finds the smallest degree and its threshold for <paramref name="clientCount"/> clients.
    /// </summary>
    /// <param name="clientCount">Clients selected for the round, at least 2.</param>
    /// <param name="dropoutRate">Largest tolerated fraction of clients that drop out, in [0, 1).</param>
    /// <param name="corruptRate">Largest tolerated fraction of corrupt clients, in [0, 1).</param>
    /// <param name="statisticalSecurity">Statistical security parameter sigma, in bits.</param>
    /// <param name="log2FailureProbability">Allowed failure probability, as log2 (negative).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    /// <exception cref="InvalidOperationException">
    /// No parameters meet the bounds, not even the complete graph (too many dropouts or
    /// corrupt clients for this n).
    /// </exception>
    public static SecAggParameters Find(
        int clientCount,
        double dropoutRate,
        double corruptRate,
        int statisticalSecurity = DefaultStatisticalSecurity,
        int log2FailureProbability = DefaultLog2FailureProbability)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clientCount, 2);
        if (!(dropoutRate >= 0 && dropoutRate < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(dropoutRate), dropoutRate, "Must be in [0, 1).");
        }

        if (!(corruptRate >= 0 && corruptRate < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(corruptRate), corruptRate, "Must be in [0, 1).");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(statisticalSecurity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(log2FailureProbability, -1);

        int dropped = (int)Math.Ceiling(dropoutRate * clientCount);
        int corrupt = (int)Math.Ceiling(corruptRate * clientCount);
        var table = new LogFactorials(clientCount);

        for (int degree = 2; degree < clientCount - 1; degree += 2)
        {
            double log2Graph = Log2DisconnectionBound(clientCount, degree, dropped + corrupt);
            if (log2Graph > -statisticalSecurity)
            {
                continue;
            }

            var found = TryThreshold(
                table, clientCount, degree, dropped, corrupt, statisticalSecurity, log2FailureProbability);
            if (found is { } f)
            {
                return new SecAggParameters(
                    clientCount, degree, f.Threshold, f.Log2Failure, Math.Max(f.Log2Privacy, log2Graph));
            }
        }

        return CompleteGraph(clientCount, dropped, corrupt);
    }

    private static (int Threshold, double Log2Failure, double Log2Privacy)? TryThreshold(
        LogFactorials table,
        int clientCount,
        int degree,
        int dropped,
        int corrupt,
        int statisticalSecurity,
        int log2FailureProbability)
    {
        double log2Clients = Math.Log2(clientCount);
        for (int threshold = degree / 2 + 1; threshold <= degree; threshold++)
        {
            double log2Privacy = log2Clients
                + table.Log2HypergeometricTail(clientCount - 1, corrupt, degree, 2 * threshold - degree);
            if (log2Privacy > -statisticalSecurity)
            {
                continue;
            }

            // The smallest threshold that keeps the secrets safe is the one most tolerant of
            // dropouts; if it fails correctness, a larger one fails it too.
            double log2Failure = log2Clients
                + table.Log2HypergeometricTail(clientCount - 1, dropped, degree, degree - threshold + 1);
            return log2Failure <= log2FailureProbability
                ? (threshold, log2Failure, log2Privacy)
                : null;
        }

        return null;
    }

    private static SecAggParameters CompleteGraph(int clientCount, int dropped, int corrupt)
    {
        int degree = clientCount - 1;
        int threshold = (degree + corrupt) / 2 + 1;
        if (threshold > degree - dropped)
        {
            throw new InvalidOperationException(
                $"No SecAgg+ parameters exist for {clientCount} clients with {dropped} dropouts and " +
                $"{corrupt} corrupt clients: even the complete graph needs a threshold of {threshold}, " +
                $"but only {degree - dropped} neighbours would survive.");
        }

        return new SecAggParameters(
            clientCount, degree, threshold, double.NegativeInfinity, double.NegativeInfinity);
    }

    /// <summary>
    /// Union bound over the n starting positions of a run of k/2 consecutive removed clients.
    /// </summary>
    internal static double Log2DisconnectionBound(int clientCount, int degree, int removed)
    {
        int run = degree / 2;
        if (removed < run)
        {
            return double.NegativeInfinity;
        }

        double log2 = Math.Log2(clientCount);
        for (int i = 0; i < run; i++)
        {
            log2 += Math.Log2((double)(removed - i) / (clientCount - 1 - i));
        }

        return log2;
    }
}
