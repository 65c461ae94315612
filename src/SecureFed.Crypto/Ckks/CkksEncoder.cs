// CKKS encoding (Cheon, Kim, Kim, Song 2017, "Homomorphic encryption for arithmetic of
// approximate numbers", ASIACRYPT 2017, section 3.1; RNS form after Cheon, Han, Kim, Kim,
// Song 2018, SAC 2018). Slots: up to N/2 complex values z_j are mapped by the inverse
// canonical embedding to the real polynomial m with m(zeta^(5^j)) = z_j, zeta =
// exp(2 pi i / 2N), computed by the special FFT of length N/2; the coefficients are scaled
// by Delta, rounded to integers and reduced modulo every prime. Coefficients: up to N values
// placed directly in the coefficients, scaled and rounded the same way, exactly for
// integers. Decoding composes the residues by CRT (RnsComposer) to the centred value
// modulo Q and undoes the scale. Sizes: N from 16 to 32768, 1 to 64 primes below 2^61, any
// finite scale of at least 1 (a double, so below 2^1024) as long as every scaled
// coefficient stays below Q/2.

using System.Globalization;
using System.Numerics;

namespace SecureFed.Crypto.Ckks;

/// <summary>
/// Encodes real or complex vectors into CKKS plaintexts and decodes them back. Holds only
/// tables precomputed at construction, so one instance may serve any number of threads.
/// </summary>
public sealed class CkksEncoder
{
    // Decoded integers are exact while they and their double images agree to the unit.
    private const double MaxExactInteger = 1125899906842624.0; // 2^50

    private const double TwoTo63 = 9223372036854775808.0;

    // Relative margin inside which a bound check falls back to exact arithmetic.
    private const double BoundMargin = 1.0 / (1L << 40);

    // Double exponents stay below 1024, so 2^e splits as 2^(64 a + b) with a < 16.
    private const int PowerTableLength = 16;

    private readonly SpecialFft _fft;
    private readonly RnsComposer _composer;
    private readonly Modulus[] _moduli;

    // Per prime, 2^(64 a) mod q_i for a < PowerTableLength, prime-major.
    private readonly ulong[] _powersOfTwoTo64;

    // (Q - 1) / 2, the largest centred magnitude, exactly and as the largest double not
    // above it (double.MaxValue when Q/2 lies beyond the doubles).
    private readonly BigInteger _halfModulus;
    private readonly double _maxMagnitude;

    // A power of two not above the smallest prime: integers below it are their own residues.
    private readonly double _smallPrimeBound;

    /// <summary>
    /// Precomputes the FFT roots and CRT constants of <paramref name="context"/>.
    /// </summary>
    /// <param name="context">The parameters' context.</param>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public CkksEncoder(CkksContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
        _fft = new SpecialFft(context.RingDegree);
        _composer = new RnsComposer(context);

        int count = context.ModulusCount;
        _moduli = new Modulus[count];
        _powersOfTwoTo64 = new ulong[count * PowerTableLength];
        for (int i = 0; i < count; i++)
        {
            Modulus modulus = context.ModulusAt(i);
            _moduli[i] = modulus;
            ulong twoTo64 = modulus.Reduce(UInt128.One << 64);
            ulong power = modulus.Reduce(1UL);
            for (int a = 0; a < PowerTableLength; a++)
            {
                _powersOfTwoTo64[(i * PowerTableLength) + a] = power;
                power = modulus.Multiply(power, twoTo64);
            }
        }

        // The BigInteger conversion need not round correctly, so the bound is walked to
        // the exact largest double not above (Q - 1) / 2.
        _halfModulus = (_composer.ModulusValue - 1) / 2;
        double bound = Math.Min((double)_halfModulus, double.MaxValue);
        while (new BigInteger(bound) > _halfModulus)
        {
            bound = Math.BitDecrement(bound);
        }

        while (bound < double.MaxValue && new BigInteger(Math.BitIncrement(bound)) <= _halfModulus)
        {
            bound = Math.BitIncrement(bound);
        }

        _maxMagnitude = bound;
        int smallestBits = _moduli.Min(modulus => modulus.BitCount);
        _smallPrimeBound = Math.ScaleB(1, smallestBits - 1);
    }

    /// <summary>The context of the parameters this encoder works with.</summary>
    public CkksContext Context { get; }

    /// <summary>The number of complex slots, N/2.</summary>
    public int SlotCount => Context.RingDegree / 2;

    /// <summary>
    /// Encodes up to N/2 real values into the slots; missing slots are zero.
    /// </summary>
    /// <param name="values">The slot values, at most <see cref="SlotCount"/>.</param>
    /// <param name="scale">The scale Delta the coefficients are multiplied by.</param>
    /// <returns>A plaintext in NTT form with <see cref="CkksEncoding.Slots"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The scale is not finite or below 1.
    /// </exception>
    /// <exception cref="ArgumentException">
    /// There are more than N/2 values, a value is not finite, or a scaled coefficient
    /// reaches Q/2 in magnitude and would wrap modulo Q.
    /// </exception>
    public CkksPlaintext Encode(ReadOnlySpan<double> values, double scale)
    {
        CkksCiphertext.ValidateScale(scale, nameof(scale));
        RequireCount(values.Length, SlotCount, nameof(values));
        var re = new double[SlotCount];
        var im = new double[SlotCount];
        for (int j = 0; j < values.Length; j++)
        {
            RequireFinite(values[j], nameof(values));
            re[j] = values[j];
        }

        return EncodeSlots(re, im, scale);
    }

    /// <summary>
    /// Encodes up to N/2 complex values into the slots; missing slots are zero.
    /// </summary>
    /// <param name="values">The slot values, at most <see cref="SlotCount"/>.</param>
    /// <param name="scale">The scale Delta the coefficients are multiplied by.</param>
    /// <returns>A plaintext in NTT form with <see cref="CkksEncoding.Slots"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The scale is not finite or below 1.
    /// </exception>
    /// <exception cref="ArgumentException">
    /// There are more than N/2 values, a part of a value is not finite, or a scaled
    /// coefficient reaches Q/2 in magnitude and would wrap modulo Q.
    /// </exception>
    public CkksPlaintext Encode(ReadOnlySpan<Complex> values, double scale)
    {
        CkksCiphertext.ValidateScale(scale, nameof(scale));
        RequireCount(values.Length, SlotCount, nameof(values));
        var re = new double[SlotCount];
        var im = new double[SlotCount];
        for (int j = 0; j < values.Length; j++)
        {
            RequireFinite(values[j].Real, nameof(values));
            RequireFinite(values[j].Imaginary, nameof(values));
            re[j] = values[j].Real;
            im[j] = values[j].Imaginary;
        }

        return EncodeSlots(re, im, scale);
    }

    /// <summary>
    /// Encodes up to N integers directly into the coefficients, each multiplied by the
    /// scale and rounded half away from zero in exact integer arithmetic; missing
    /// coefficients are zero.
    /// </summary>
    /// <param name="values">The coefficient values, at most N.</param>
    /// <param name="scale">The scale the values are multiplied by.</param>
    /// <returns>A plaintext in NTT form with <see cref="CkksEncoding.Coefficients"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The scale is not finite or below 1.
    /// </exception>
    /// <exception cref="ArgumentException">
    /// There are more than N values, or a scaled value reaches Q/2 in magnitude and would
    /// wrap modulo Q.
    /// </exception>
    public CkksPlaintext EncodeCoefficients(ReadOnlySpan<long> values, double scale)
    {
        CkksCiphertext.ValidateScale(scale, nameof(scale));
        int n = Context.RingDegree;
        RequireCount(values.Length, n, nameof(values));

        // scale = mantissa * 2^exponent exactly, with an odd mantissa so that a negative
        // exponent is as small as it can be.
        (ulong mantissa, int exponent) = Decompose(scale);
        int trailing = BitOperations.TrailingZeroCount(mantissa);
        mantissa >>= trailing;
        exponent += trailing;

        int count = _moduli.Length;
        Span<ulong> factors = stackalloc ulong[count];
        for (int i = 0; i < count; i++)
        {
            factors[i] = exponent > 0 ? PowerOfTwo(i, exponent) : 1;
        }

        int shift = Math.Max(exponent, 0);
        var polynomial = new RnsPolynomial(Context, isNttForm: false);
        Span<ulong> all = polynomial.AllResidues;
        for (int j = 0; j < values.Length; j++)
        {
            long value = values[j];
            ulong absolute = value < 0 ? unchecked(0UL - (ulong)value) : (ulong)value;
            UInt128 magnitude = (UInt128)mantissa * absolute;
            if (exponent < 0)
            {
                // Adding half the divisor before the shift rounds half away from zero,
                // since the sign is applied afterwards.
                int right = -exponent;
                magnitude = (magnitude + (UInt128.One << (right - 1))) >> right;
            }

            if (!FitsHalfModulus(magnitude, shift))
            {
                throw WrapException(j, nameof(values));
            }

            for (int i = 0; i < count; i++)
            {
                Modulus modulus = _moduli[i];
                ulong residue = modulus.Multiply(modulus.Reduce(magnitude), factors[i]);
                all[(i * n) + j] = value < 0 ? modulus.Negate(residue) : residue;
            }
        }

        polynomial.ToNttForm();
        return new CkksPlaintext(polynomial, scale, CkksEncoding.Coefficients);
    }

    /// <summary>
    /// Encodes up to N real values directly into the coefficients, each multiplied by the
    /// scale and rounded to the nearest integer (half away from zero); missing coefficients
    /// are zero.
    /// </summary>
    /// <param name="values">The coefficient values, at most N.</param>
    /// <param name="scale">The scale the values are multiplied by.</param>
    /// <returns>A plaintext in NTT form with <see cref="CkksEncoding.Coefficients"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The scale is not finite or below 1.
    /// </exception>
    /// <exception cref="ArgumentException">
    /// There are more than N values, a value is not finite, or a scaled value reaches Q/2
    /// in magnitude and would wrap modulo Q.
    /// </exception>
    public CkksPlaintext EncodeCoefficients(ReadOnlySpan<double> values, double scale)
    {
        CkksCiphertext.ValidateScale(scale, nameof(scale));
        RequireCount(values.Length, Context.RingDegree, nameof(values));
        var scaled = new double[values.Length];
        for (int j = 0; j < values.Length; j++)
        {
            RequireFinite(values[j], nameof(values));
            scaled[j] = values[j];
        }

        var polynomial = new RnsPolynomial(Context, isNttForm: false);
        WriteScaled(polynomial.AllResidues, scaled, 0, scale, nameof(values));

        polynomial.ToNttForm();
        return new CkksPlaintext(polynomial, scale, CkksEncoding.Coefficients);
    }

    /// <summary>Decodes the real parts of the N/2 slots of a slot-encoded plaintext.</summary>
    /// <param name="plaintext">A plaintext of these parameters; it is not modified.</param>
    /// <returns>N/2 values, the slots divided by the plaintext's scale.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plaintext"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The plaintext is not slot-encoded or belongs to other parameters.
    /// </exception>
    public double[] Decode(CkksPlaintext plaintext)
    {
        (double[] re, _) = DecodeSlots(plaintext);
        return re;
    }

    /// <summary>Decodes the N/2 complex slots of a slot-encoded plaintext.</summary>
    /// <param name="plaintext">A plaintext of these parameters; it is not modified.</param>
    /// <returns>N/2 values, the slots divided by the plaintext's scale.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plaintext"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The plaintext is not slot-encoded or belongs to other parameters.
    /// </exception>
    public Complex[] DecodeComplex(CkksPlaintext plaintext)
    {
        (double[] re, double[] im) = DecodeSlots(plaintext);
        var result = new Complex[re.Length];
        for (int j = 0; j < re.Length; j++)
        {
            result[j] = new Complex(re[j], im[j]);
        }

        return result;
    }

    /// <summary>
    /// Decodes the N coefficients of a coefficient-encoded plaintext: each centred value
    /// modulo Q, in (-Q/2, Q/2), divided by the scale.
    /// </summary>
    /// <param name="plaintext">A plaintext of these parameters; it is not modified.</param>
    /// <returns>N values.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plaintext"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The plaintext is not coefficient-encoded or belongs to other parameters.
    /// </exception>
    public double[] DecodeCoefficients(CkksPlaintext plaintext)
    {
        RequirePlaintext(plaintext, CkksEncoding.Coefficients);
        double[] values = ComposeCoefficients(plaintext);
        for (int j = 0; j < values.Length; j++)
        {
            values[j] /= plaintext.Scale;
        }

        return values;
    }

    /// <summary>
    /// Decodes the N coefficients of a coefficient-encoded plaintext to integers: each is
    /// round(x / scale), half away from zero, where x is the centred value of the
    /// coefficient modulo Q, in (-Q/2, Q/2).
    /// </summary>
    /// <remarks>
    /// x is taken as the double nearest to it (from its exact CRT composition), and the
    /// quotient is formed in double arithmetic. The result is therefore exact whenever
    /// |x / scale| is below 2^50 and x / scale is not within 2^-3 of a half-integer, in
    /// particular for every x that is an integer multiple of the scale, as
    /// <see cref="EncodeCoefficients(ReadOnlySpan{long}, double)"/> produces from integers.
    /// </remarks>
    /// <param name="plaintext">A plaintext of these parameters; it is not modified.</param>
    /// <returns>N integers.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plaintext"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The plaintext is not coefficient-encoded or belongs to other parameters.
    /// </exception>
    /// <exception cref="OverflowException">
    /// Some |x / scale| is 2^50 or more, beyond where the result is exact.
    /// </exception>
    public long[] DecodeCoefficientsToIntegers(CkksPlaintext plaintext)
    {
        RequirePlaintext(plaintext, CkksEncoding.Coefficients);
        double[] values = ComposeCoefficients(plaintext);
        var result = new long[values.Length];
        for (int j = 0; j < values.Length; j++)
        {
            double quotient = values[j] / plaintext.Scale;
            if (!(Math.Abs(quotient) < MaxExactInteger))
            {
                throw new OverflowException(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"Coefficient {j} decodes to about {quotient:G6}, beyond the 2^50 " +
                        $"up to which integers decode exactly."));
            }

            result[j] = (long)Math.Round(quotient, MidpointRounding.AwayFromZero);
        }

        return result;
    }

    private static (ulong Mantissa, int Exponent) Decompose(double value)
    {
        // Only for finite values of at least 1, which are normal: the implicit bit is set.
        ulong bits = BitConverter.DoubleToUInt64Bits(Math.Abs(value));
        int biased = (int)(bits >> 52);
        ulong mantissa = (bits & ((1UL << 52) - 1)) | (1UL << 52);
        return (mantissa, biased - 1075);
    }

    private static void RequireCount(int count, int limit, string paramName)
    {
        if (count > limit)
        {
            throw new ArgumentException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"At most {limit} values fit, got {count}."),
                paramName);
        }
    }

    private static void RequireFinite(double value, string paramName)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException("Values to encode must be finite.", paramName);
        }
    }

    private static ArgumentException WrapException(int index, string paramName) =>
        new(
            string.Create(
                CultureInfo.InvariantCulture,
                $"Value {index} times the scale reaches Q/2 in magnitude and would wrap " +
                $"modulo Q; use a smaller scale or value, or a longer modulus chain."),
            paramName);

    private CkksPlaintext EncodeSlots(double[] re, double[] im, double scale)
    {
        _fft.Inverse(re, im);

        // Coefficient k is the real part of the k-th FFT output and coefficient k + N/2 its
        // imaginary part, because zeta^(5^j N/2) = i for every j.
        var polynomial = new RnsPolynomial(Context, isNttForm: false);
        Span<ulong> all = polynomial.AllResidues;
        WriteScaled(all, re, 0, scale, "values");
        WriteScaled(all, im, SlotCount, scale, "values");

        polynomial.ToNttForm();
        return new CkksPlaintext(polynomial, scale, CkksEncoding.Slots);
    }

    /// <summary>
    /// Multiplies <paramref name="values"/> by the scale, rounds each to the nearest integer
    /// (half away from zero) and writes its residues into every row from coefficient
    /// <paramref name="start"/> on. Overwrites <paramref name="values"/> with the integers.
    /// </summary>
    private void WriteScaled(
        Span<ulong> all, Span<double> values, int start, double scale, string paramName)
    {
        double largest = 0;
        for (int k = 0; k < values.Length; k++)
        {
            double rounded = Math.Round(values[k] * scale, MidpointRounding.AwayFromZero);
            double magnitude = Math.Abs(rounded);

            // A double compares exactly with the largest double not above (Q - 1) / 2; NaN
            // and infinity from an overflowing product fail the test too.
            if (!(magnitude <= _maxMagnitude))
            {
                throw WrapException(start + k, paramName);
            }

            values[k] = rounded;
            largest = Math.Max(largest, magnitude);
        }

        int n = Context.RingDegree;
        for (int i = 0; i < _moduli.Length; i++)
        {
            Modulus modulus = _moduli[i];
            ulong q = modulus.Value;
            Span<ulong> row = all.Slice((i * n) + start, values.Length);

            // Integers below every prime, the usual case, need no reduction: a negative one
            // only gets q added.
            if (largest < _smallPrimeBound)
            {
                for (int k = 0; k < row.Length; k++)
                {
                    long value = (long)values[k];
                    row[k] = unchecked((ulong)value + (q & (ulong)(value >> 63)));
                }
            }
            else
            {
                for (int k = 0; k < row.Length; k++)
                {
                    row[k] = Residue(values[k], i);
                }
            }
        }
    }

    /// <summary>The residue modulo q_i of an integer-valued double below Q/2.</summary>
    private ulong Residue(double integer, int primeIndex)
    {
        Modulus modulus = _moduli[primeIndex];
        if (Math.Abs(integer) < TwoTo63)
        {
            return RnsPolynomial.ReduceSigned((long)integer, modulus, modulus.Value);
        }

        // At 2^63 and above the double is an integer m * 2^e with e >= 11: its residue is
        // (m 2^(e mod 64) mod q) (2^(64 floor(e / 64)) mod q), without a big integer.
        (ulong mantissa, int exponent) = Decompose(integer);
        ulong residue = modulus.Multiply(
            modulus.Reduce((UInt128)mantissa << (exponent & 63)),
            _powersOfTwoTo64[(primeIndex * PowerTableLength) + (exponent >> 6)]);
        return integer < 0 ? modulus.Negate(residue) : residue;
    }

    /// <summary>Returns 2^exponent mod q_i for 0 &lt;= exponent &lt; 1024.</summary>
    private ulong PowerOfTwo(int primeIndex, int exponent)
    {
        Modulus modulus = _moduli[primeIndex];
        ulong low = modulus.Reduce(UInt128.One << (exponent & 63));
        return modulus.Multiply(
            low, _powersOfTwoTo64[(primeIndex * PowerTableLength) + (exponent >> 6)]);
    }

    /// <summary>True when magnitude * 2^shift is at most (Q - 1) / 2.</summary>
    private bool FitsHalfModulus(UInt128 magnitude, int shift)
    {
        // The double image is within 2^-52 of the truth, so only values within a hair of
        // Q/2 need the exact comparison.
        double approximate = Math.ScaleB((double)magnitude, shift);
        if (approximate < _maxMagnitude * (1 - BoundMargin))
        {
            return true;
        }

        if (approximate > _maxMagnitude * (1 + BoundMargin))
        {
            return false;
        }

        return ((BigInteger)magnitude << shift) <= _halfModulus;
    }

    private void RequirePlaintext(CkksPlaintext plaintext, CkksEncoding encoding)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        Context.RequireSame(plaintext.Context, nameof(plaintext));
        if (plaintext.Encoding != encoding)
        {
            throw new ArgumentException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The plaintext is encoded as {plaintext.Encoding}; this method " +
                    $"decodes {encoding}."),
                nameof(plaintext));
        }
    }

    /// <summary>The centred coefficients of a copy of the plaintext's polynomial.</summary>
    private double[] ComposeCoefficients(CkksPlaintext plaintext)
    {
        RnsPolynomial copy = plaintext.Polynomial.Clone();
        copy.ToCoefficientForm();
        var values = new double[Context.RingDegree];
        _composer.ComposeToDouble(copy, values);
        copy.Clear();
        return values;
    }

    private (double[] Re, double[] Im) DecodeSlots(CkksPlaintext plaintext)
    {
        RequirePlaintext(plaintext, CkksEncoding.Slots);
        double[] coefficients = ComposeCoefficients(plaintext);
        int half = SlotCount;
        var re = new double[half];
        var im = new double[half];
        for (int k = 0; k < half; k++)
        {
            re[k] = coefficients[k] / plaintext.Scale;
            im[k] = coefficients[k + half] / plaintext.Scale;
        }

        _fft.Forward(re, im);
        return (re, im);
    }
}
