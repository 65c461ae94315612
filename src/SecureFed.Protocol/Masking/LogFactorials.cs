namespace SecureFed.Protocol.Masking;

/// <summary>
/// Natural logarithms of factorials up to a bound, for hypergeometric tails in parameter
/// selection. Doubles are fine here: these are public bounds, not noise.
/// </summary>
internal sealed class LogFactorials
{
    private readonly double[] _lnFactorial;

    public LogFactorials(int max)
    {
        _lnFactorial = new double[max + 1];
        for (int i = 2; i <= max; i++)
        {
            _lnFactorial[i] = _lnFactorial[i - 1] + Math.Log(i);
        }
    }

    public double LnBinomial(int n, int k) =>
        k < 0 || k > n ? double.NegativeInfinity : _lnFactorial[n] - _lnFactorial[k] - _lnFactorial[n - k];

    /// <summary>
    /// log2 P[X &gt;= atLeast] for X hypergeometric: <paramref name="draws"/> draws without
    /// replacement from <paramref name="population"/> items of which
    /// <paramref name="successes"/> are marked.
    /// </summary>
    public double Log2HypergeometricTail(int population, int successes, int draws, int atLeast)
    {
        int low = Math.Max(atLeast, Math.Max(0, draws - (population - successes)));
        int high = Math.Min(draws, successes);
        if (low > high)
        {
            return double.NegativeInfinity;
        }

        double lnTotal = LnBinomial(population, draws);
        double max = double.NegativeInfinity;
        var terms = new double[high - low + 1];
        for (int x = low; x <= high; x++)
        {
            double term = LnBinomial(successes, x) + LnBinomial(population - successes, draws - x) - lnTotal;
            terms[x - low] = term;
            max = Math.Max(max, term);
        }

        double sum = 0;
        foreach (double term in terms)
        {
            sum += Math.Exp(term - max);
        }

        return (max + Math.Log(sum)) / Math.Log(2);
    }
}
