namespace SecureFed.Protocol.Masking;

/// <summary>
/// Chooses the modulus 2^b of a mask-mode round so that the sum of every client's input
/// cannot wrap: with n clients whose values lie in [0, range), the sum is below n * range,
/// so b = ceil(log2(n * range)) makes the sum modulo 2^b the true sum.
/// </summary>
public static class ModulusBits
{
    /// <summary>
    /// The smallest b such that <paramref name="clients"/> values, each below
    /// <paramref name="valueRange"/>, add up to less than 2^b.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// An argument is below 1, or the sum needs more than 64 bits.
    /// </exception>
    public static int For(int clients, ulong valueRange)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clients, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(valueRange, 1UL);

        // The largest possible sum is n * (range - 1); it needs that many bits, and at least one.
        UInt128 largestSum = (UInt128)(ulong)clients * (valueRange - 1);
        int bits = Math.Max(1, 128 - (int)UInt128.LeadingZeroCount(largestSum));
        if (bits > 64)
        {
            throw new ArgumentOutOfRangeException(
                nameof(valueRange), valueRange, $"The sum of {clients} such values needs {bits} bits, above 64.");
        }

        return bits;
    }
}
