using System.Diagnostics;
using System.Security.Cryptography;
using SecureFed.Crypto.Prg;

namespace SecureFed.Simulator.SecAgg;

/// <summary>Measures the mask PRG on one core.</summary>
internal static class PrgThroughput
{
    /// <summary>
    /// Keystream throughput of the fused mask addition at 32 bits (4 bytes of keystream per
    /// coordinate), in GB/s, over about <paramref name="megabytes"/> MB after a warm-up.
    /// </summary>
    public static double MeasureGbps(int megabytes = 256)
    {
        const int coordinates = 1 << 18;
        var target = new ulong[coordinates];
        using var prg = new MaskPrg(RandomNumberGenerator.GetBytes(MaskPrg.SeedSize));
        for (int i = 0; i < 16; i++)
        {
            prg.AddTo(target, (long)i * coordinates, 32);
        }

        int repetitions = Math.Max(1, megabytes * 1_000_000 / (coordinates * 4));
        var stopwatch = Stopwatch.StartNew();
        for (int i = 0; i < repetitions; i++)
        {
            prg.AddTo(target, (long)i * coordinates, 32);
        }

        stopwatch.Stop();
        return (double)repetitions * coordinates * 4 / stopwatch.Elapsed.TotalSeconds / 1e9;
    }
}
