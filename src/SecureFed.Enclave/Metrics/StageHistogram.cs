namespace SecureFed.Enclave.Metrics;

/// <summary>
/// A Prometheus histogram of durations in seconds over fixed upper bounds. Observations are
/// rare (a few per round), so one lock keeps every snapshot consistent: the +Inf bucket
/// always equals the count, as the format requires.
/// </summary>
internal sealed class StageHistogram
{
    private readonly double[] _bounds;
    private readonly long[] _counts;
    private readonly Lock _lock = new();
    private double _sum;

    public StageHistogram(double[] bounds)
    {
        _bounds = bounds;

        // One slot per bound and one for values above the last (the +Inf bucket).
        _counts = new long[bounds.Length + 1];
    }

    public void Observe(double seconds)
    {
        int slot = Array.FindIndex(_bounds, b => seconds <= b);
        if (slot < 0)
        {
            slot = _bounds.Length;
        }

        lock (_lock)
        {
            _counts[slot]++;
            _sum += seconds;
        }
    }

    /// <summary>Cumulative counts per bound, the +Inf bucket last, and the sum.</summary>
    public (long[] Cumulative, double Sum) Snapshot()
    {
        var cumulative = new long[_counts.Length];
        double sum;
        lock (_lock)
        {
            long running = 0;
            for (int i = 0; i < _counts.Length; i++)
            {
                running += _counts[i];
                cumulative[i] = running;
            }

            sum = _sum;
        }

        return (cumulative, sum);
    }
}
