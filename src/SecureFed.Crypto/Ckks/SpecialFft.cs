// The "special FFT" of CKKS (Cheon, Kim, Kim, Song 2017, "Homomorphic encryption for
// arithmetic of approximate numbers", ASIACRYPT 2017, and its reference implementation
// HEAAN, fftSpecial / fftSpecialInv): a radix-2 FFT of length n = N/2 that evaluates a
// complex polynomial of degree below n at the points zeta^(5^j), j < n, where zeta =
// exp(2 pi i / 2N) is a primitive 2N-th root of unity. The powers 5^j mod 2N are one
// representative of each conjugate pair of primitive 2N-th roots, so these n values are the
// canonical embedding of a real polynomial of degree below N, halved by conjugate symmetry.
// Sizes: n from 8 to 16384 (N from 16 to 32768); each transform costs (n/2) log2 n complex
// butterflies on separate real and imaginary arrays, with the twiddles of every stage
// precomputed in the order the butterflies use them.

using System.Diagnostics;
using System.Numerics;

namespace SecureFed.Crypto.Ckks;

/// <summary>
/// The CKKS special FFT between n = N/2 slots and the n complex coefficients
/// c_k = m_k + i m_(k + n) of a real polynomial m. Immutable and thread-safe.
/// </summary>
internal sealed class SpecialFft
{
    private readonly int _length;
    private readonly int[] _bitReversed;

    // Stage with half-length h uses entries [h, 2h): twiddle j of that stage.
    private readonly double[] _twiddleRe;
    private readonly double[] _twiddleIm;

    /// <summary>Precomputes the tables for ring degree <paramref name="ringDegree"/>.</summary>
    public SpecialFft(int ringDegree)
    {
        Debug.Assert(ringDegree >= 4 && BitOperations.IsPow2(ringDegree));
        int n = ringDegree / 2;
        int m = 2 * ringDegree;
        _length = n;

        int logN = BitOperations.Log2((uint)n);
        _bitReversed = new int[n];
        for (int i = 0; i < n; i++)
        {
            _bitReversed[i] = logN == 0 ? 0 : (int)(ReverseBits((uint)i) >> (32 - logN));
        }

        // 5 generates the subgroup of (Z/2NZ)* of residues 1 mod 4, one of each pair
        // {g, -g}; the stage of half-length h only needs 5^j modulo 8h.
        var rotation = new int[n];
        long power = 1;
        for (int j = 0; j < n; j++)
        {
            rotation[j] = (int)power;
            power = power * 5 % m;
        }

        // Each twiddle comes straight from cos and sin of its own angle rather than from a
        // running product, so that errors do not accumulate along the table.
        _twiddleRe = new double[Math.Max(n, 2)];
        _twiddleIm = new double[Math.Max(n, 2)];
        for (int h = 1; h < n; h <<= 1)
        {
            int quarterLength = 8 * h;
            for (int j = 0; j < h; j++)
            {
                int index = rotation[j] % quarterLength * (m / quarterLength);
                double angle = 2 * Math.PI * index / m;
                _twiddleRe[h + j] = Math.Cos(angle);
                _twiddleIm[h + j] = Math.Sin(angle);
            }
        }
    }

    /// <summary>The transform length n = N/2.</summary>
    public int Length => _length;

    /// <summary>
    /// Coefficients to slots: replaces the n complex coefficients by the polynomial's values
    /// at zeta^(5^j).
    /// </summary>
    public void Forward(Span<double> re, Span<double> im)
    {
        Debug.Assert(re.Length == _length && im.Length == _length);
        BitReverse(re, im);

        for (int h = 1; h < _length; h <<= 1)
        {
            ReadOnlySpan<double> wRe = _twiddleRe.AsSpan(h, h);
            ReadOnlySpan<double> wIm = _twiddleIm.AsSpan(h, h);
            for (int i = 0; i < _length; i += 2 * h)
            {
                Span<double> aRe = re.Slice(i, h);
                Span<double> aIm = im.Slice(i, h);
                Span<double> bRe = re.Slice(i + h, h);
                Span<double> bIm = im.Slice(i + h, h);
                for (int j = 0; j < h; j++)
                {
                    double vRe = (bRe[j] * wRe[j]) - (bIm[j] * wIm[j]);
                    double vIm = (bRe[j] * wIm[j]) + (bIm[j] * wRe[j]);
                    double uRe = aRe[j];
                    double uIm = aIm[j];
                    aRe[j] = uRe + vRe;
                    aIm[j] = uIm + vIm;
                    bRe[j] = uRe - vRe;
                    bIm[j] = uIm - vIm;
                }
            }
        }
    }

    /// <summary>
    /// Slots to coefficients: undoes <see cref="Forward"/>, scaling by 1/n included.
    /// </summary>
    public void Inverse(Span<double> re, Span<double> im)
    {
        Debug.Assert(re.Length == _length && im.Length == _length);

        // The Gentleman-Sande mirror of Forward, with conjugate twiddles.
        for (int h = _length / 2; h >= 1; h >>= 1)
        {
            ReadOnlySpan<double> wRe = _twiddleRe.AsSpan(h, h);
            ReadOnlySpan<double> wIm = _twiddleIm.AsSpan(h, h);
            for (int i = 0; i < _length; i += 2 * h)
            {
                Span<double> aRe = re.Slice(i, h);
                Span<double> aIm = im.Slice(i, h);
                Span<double> bRe = re.Slice(i + h, h);
                Span<double> bIm = im.Slice(i + h, h);
                for (int j = 0; j < h; j++)
                {
                    double uRe = aRe[j] + bRe[j];
                    double uIm = aIm[j] + bIm[j];
                    double dRe = aRe[j] - bRe[j];
                    double dIm = aIm[j] - bIm[j];
                    aRe[j] = uRe;
                    aIm[j] = uIm;
                    bRe[j] = (dRe * wRe[j]) + (dIm * wIm[j]);
                    bIm[j] = (dIm * wRe[j]) - (dRe * wIm[j]);
                }
            }
        }

        BitReverse(re, im);

        double inverseLength = 1.0 / _length;
        for (int i = 0; i < _length; i++)
        {
            re[i] *= inverseLength;
            im[i] *= inverseLength;
        }
    }

    private static uint ReverseBits(uint value)
    {
        uint result = 0;
        for (int bit = 0; bit < 32; bit++)
        {
            result = (result << 1) | ((value >> bit) & 1);
        }

        return result;
    }

    private void BitReverse(Span<double> re, Span<double> im)
    {
        for (int i = 0; i < _length; i++)
        {
            int j = _bitReversed[i];
            if (i < j)
            {
                (re[i], re[j]) = (re[j], re[i]);
                (im[i], im[j]) = (im[j], im[i]);
            }
        }
    }
}
