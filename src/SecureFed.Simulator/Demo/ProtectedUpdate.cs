namespace SecureFed.Simulator.Demo;

/// <summary>
/// The vector a demo client contributes to a protected round: its example-count-weighted,
/// clipped delta in fixed point, followed by its example count as one more coordinate, so
/// that the appliance and the server learn only the total count, never a client's own.
/// </summary>
public static class ProtectedUpdate
{
    /// <summary>
    /// Encodes Examples * clip(Delta) coordinate by coordinate, each coordinate of the delta
    /// clipped to [-<paramref name="clip"/>, <paramref name="clip"/>], and appends Examples.
    /// </summary>
    public static ulong[] Encode(ClientUpdate update, FixedPointCodec codec, double clip)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(codec);
        var input = new ulong[update.Delta.Length + 1];
        for (int i = 0; i < update.Delta.Length; i++)
        {
            input[i] = codec.Encode(update.Examples * Math.Clamp(update.Delta[i], -clip, clip));
        }

        input[^1] = (ulong)update.Examples;
        return input;
    }

    /// <summary>
    /// Splits an aggregate of encoded updates into the weighted delta sum and the total count.
    /// </summary>
    public static (double[] WeightedSum, long Examples) Decode(ReadOnlySpan<ulong> aggregate, FixedPointCodec codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        if (aggregate.Length < 2)
        {
            throw new ArgumentException("An aggregate holds at least one value and the count.", nameof(aggregate));
        }

        var sum = new double[aggregate.Length - 1];
        for (int i = 0; i < sum.Length; i++)
        {
            sum[i] = codec.Decode(aggregate[i]);
        }

        return (sum, codec.ToSigned(aggregate[^1]));
    }
}
