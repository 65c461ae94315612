namespace SecureFed.Privacy.Pipeline;

/// <summary>
/// Clipping of a flattened model update to an L2 norm of at most C, the first step of the
/// client-side pipeline: it bounds each client's contribution, which is what the noise is
/// calibrated to.
/// </summary>
public static class L2Clipping
{
    /// <summary>
    /// Scales <paramref name="update"/> in place so that its L2 norm is at most
    /// <paramref name="clipNorm"/>, and returns the norm it had before.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The clip norm is not positive and finite.</exception>
    /// <exception cref="ArgumentException">The update holds a NaN or an infinity.</exception>
    public static double Clip(Span<double> update, double clipNorm)
    {
        if (!(clipNorm > 0) || double.IsPositiveInfinity(clipNorm))
        {
            throw new ArgumentOutOfRangeException(
                nameof(clipNorm), clipNorm, "The clip norm must be positive and finite.");
        }

        double norm = Norm(update);
        if (!double.IsFinite(norm))
        {
            throw new ArgumentException("The update holds a NaN or an infinity.", nameof(update));
        }

        if (norm > clipNorm)
        {
            double factor = clipNorm / norm;
            foreach (ref double value in update)
            {
                value *= factor;
            }
        }

        return norm;
    }

    /// <summary>The L2 norm of <paramref name="values"/>, computed without overflow.</summary>
    public static double Norm(ReadOnlySpan<double> values)
    {
        // Scaling by the largest magnitude keeps the squares from overflowing or vanishing.
        double largest = 0;
        foreach (double value in values)
        {
            largest = Math.Max(largest, Math.Abs(value));
        }

        if (largest == 0 || !double.IsFinite(largest))
        {
            return largest;
        }

        double sum = 0;
        foreach (double value in values)
        {
            double scaled = value / largest;
            sum += scaled * scaled;
        }

        return largest * Math.Sqrt(sum);
    }
}
