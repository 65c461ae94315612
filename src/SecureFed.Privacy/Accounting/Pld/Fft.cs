// Iterative radix-2 Cooley-Tukey FFT (Cormen et al., Introduction to Algorithms, 3rd ed.,
// section 30.3), used to compose privacy loss distributions as in Google's dp_accounting
// (common.py, self_convolve). Sizes are powers of two, at most 2^24. Twiddle factors are computed
// one by one with Math.Cos and Math.Sin rather than by repeated multiplication, so that their
// error does not grow with the size.

using System.Diagnostics;
using System.Numerics;

namespace SecureFed.Privacy.Accounting.Pld;

/// <summary>In-place discrete Fourier transform of power-of-two length.</summary>
internal static class Fft
{
    /// <summary>
    /// Replaces <paramref name="data"/> by its DFT (sum_j x_j e^(-2 pi i jk/n)), or, when
    /// <paramref name="inverse"/> is set, by its inverse DFT including the 1/n factor.
    /// </summary>
    internal static void Transform(Complex[] data, bool inverse)
    {
        int n = data.Length;
        Debug.Assert(n > 0 && (n & (n - 1)) == 0, "FFT length must be a power of two");
        if (n == 1)
        {
            return;
        }

        BitReverse(data);

        var twiddles = new Complex[n / 2];
        double sign = inverse ? 1.0 : -1.0;
        for (int k = 0; k < twiddles.Length; k++)
        {
            double angle = 2.0 * Math.PI * k / n;
            twiddles[k] = new Complex(Math.Cos(angle), sign * Math.Sin(angle));
        }

        for (int length = 2; length <= n; length <<= 1)
        {
            int half = length / 2;
            int stride = n / length;
            for (int start = 0; start < n; start += length)
            {
                for (int j = 0; j < half; j++)
                {
                    Complex u = data[start + j];
                    Complex v = data[start + j + half] * twiddles[j * stride];
                    data[start + j] = u + v;
                    data[start + j + half] = u - v;
                }
            }
        }

        if (inverse)
        {
            double scale = 1.0 / n;
            for (int k = 0; k < n; k++)
            {
                data[k] *= scale;
            }
        }
    }

    private static void BitReverse(Complex[] data)
    {
        int n = data.Length;
        for (int i = 1, j = 0; i < n; i++)
        {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1)
            {
                j ^= bit;
            }

            j ^= bit;
            if (i < j)
            {
                (data[i], data[j]) = (data[j], data[i]);
            }
        }
    }
}
