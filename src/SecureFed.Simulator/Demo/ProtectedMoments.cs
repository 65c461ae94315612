// Feature moments for standardisation from one protected round instead of from pooled data:
// each client contributes its per-feature sums and sums of squares and its row count, so the
// server learns only the totals, from which it derives each feature's mean and standard
// deviation exactly as TabularDataSet.FeatureMoments does on pooled rows.

using SecureFed.Training.Data;

namespace SecureFed.Simulator.Demo;

/// <summary>The vectors of a protected round of feature moments, and how to read its aggregate.</summary>
public static class ProtectedMoments
{
    /// <summary>
    /// The codec for the moments of <paramref name="rows"/> rows in all among
    /// <paramref name="clients"/> clients, each feature's magnitude at most
    /// <paramref name="featureBound"/>: the scale is as fine as residues of about 50 bits allow
    /// (HE mode decodes them from CKKS slots), at most 2^24.
    /// </summary>
    public static FixedPointCodec Codec(double featureBound, int rows, int clients)
    {
        // Limitation: one scale serves every feature, sized by the largest; a feature whose
        // values are tiny (wdbc's fractal dimensions, about 0.003) gets its standard deviation
        // only to about 2e-3 relative. A scale per feature would remove this.
        double sumBound = Math.Max(1, rows * Math.Max(featureBound, featureBound * featureBound));
        int scaleBits = Math.Clamp(48 - (int)Math.Ceiling(Math.Log2(sumBound)), 0, 24);
        return FixedPointCodec.ForSumBound(sumBound, clients, Math.ScaleB(1, scaleBits));
    }

    /// <summary>One client's contribution: its feature sums, then sums of squares, then its row count.</summary>
    public static ulong[] Encode(TabularDataSet data, FixedPointCodec codec)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(codec);
        int features = data.FeatureCount;
        var sum = new double[features];
        var square = new double[features];
        var values = data.Features;
        for (int i = 0; i < values.Length; i++)
        {
            sum[i % features] += values[i];
            square[i % features] += (double)values[i] * values[i];
        }

        var input = new ulong[(2 * features) + 1];
        for (int f = 0; f < features; f++)
        {
            input[f] = codec.Encode(sum[f]);
            input[features + f] = codec.Encode(square[f]);
        }

        input[^1] = (ulong)data.RowCount;
        return input;
    }

    /// <summary>
    /// Each feature's mean and standard deviation from the aggregate; a constant feature gets
    /// scale 1, as in <see cref="TabularDataSet.FeatureMoments"/>.
    /// </summary>
    public static (float[] Mean, float[] Scale) Decode(ReadOnlySpan<ulong> aggregate, FixedPointCodec codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        if (aggregate.Length < 3 || aggregate.Length % 2 == 0)
        {
            throw new ArgumentException("An aggregate of moments has 2F + 1 coordinates.", nameof(aggregate));
        }

        int features = (aggregate.Length - 1) / 2;
        long rows = codec.ToSigned(aggregate[^1]);
        if (rows < 1)
        {
            throw new InvalidOperationException("The moments' aggregate counts no rows.");
        }

        var mean = new float[features];
        var scale = new float[features];
        for (int f = 0; f < features; f++)
        {
            double m = codec.Decode(aggregate[f]) / rows;
            double variance = Math.Max(0, (codec.Decode(aggregate[features + f]) / rows) - (m * m));
            mean[f] = (float)m;
            scale[f] = variance > 1e-12 ? (float)Math.Sqrt(variance) : 1f;
        }

        return (mean, scale);
    }
}
