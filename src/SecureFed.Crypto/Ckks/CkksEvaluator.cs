// The homomorphic operations the appliance needs on CKKS ciphertexts in NTT form: sums and
// differences (coefficient-wise modulo each prime), and products by plaintexts or scalars
// (coefficient-wise in NTT form). Products multiply the scale; there is no rescaling, so a
// chain of products must fit in the modulus chain, which the appliance's single product
// (averaging) always does.
// Limitation: no rescaling, relinearization or rotation; HE mode needs none of them, and a
// product whose scale outgrows Q decrypts to noise rather than failing here.

namespace SecureFed.Crypto.Ckks;

/// <summary>Homomorphic operations on CKKS ciphertexts. Stateless and thread-safe.</summary>
public static class CkksEvaluator
{
    // Scales are equal when fresh and stay equal under addition; a relative difference
    // beyond this means the operands were encoded differently and their sum is meaningless.
    private const double ScaleTolerance = 1e-9;

    /// <summary>Returns a + b.</summary>
    /// <exception cref="ArgumentNullException">An operand is null.</exception>
    /// <exception cref="ArgumentException">
    /// The parameters, scales or encodings of the operands differ.
    /// </exception>
    public static CkksCiphertext Add(CkksCiphertext a, CkksCiphertext b)
    {
        ArgumentNullException.ThrowIfNull(a);
        CkksCiphertext sum = a.Clone();
        AddInPlace(sum, b);
        return sum;
    }

    /// <summary>Adds <paramref name="other"/> into <paramref name="target"/>.</summary>
    /// <exception cref="ArgumentNullException">An operand is null.</exception>
    /// <exception cref="ArgumentException">
    /// The parameters, scales or encodings of the operands differ.
    /// </exception>
    public static void AddInPlace(CkksCiphertext target, CkksCiphertext other)
    {
        RequireCompatible(target, other);
        target.C0.AddInPlace(other.C0);
        target.C1.AddInPlace(other.C1);
        target.DropC1Seed();
    }

    /// <summary>Returns a - b.</summary>
    /// <exception cref="ArgumentNullException">An operand is null.</exception>
    /// <exception cref="ArgumentException">
    /// The parameters, scales or encodings of the operands differ.
    /// </exception>
    public static CkksCiphertext Subtract(CkksCiphertext a, CkksCiphertext b)
    {
        ArgumentNullException.ThrowIfNull(a);
        CkksCiphertext difference = a.Clone();
        SubtractInPlace(difference, b);
        return difference;
    }

    /// <summary>Subtracts <paramref name="other"/> from <paramref name="target"/>.</summary>
    /// <exception cref="ArgumentNullException">An operand is null.</exception>
    /// <exception cref="ArgumentException">
    /// The parameters, scales or encodings of the operands differ.
    /// </exception>
    public static void SubtractInPlace(CkksCiphertext target, CkksCiphertext other)
    {
        RequireCompatible(target, other);
        target.C0.SubtractInPlace(other.C0);
        target.C1.SubtractInPlace(other.C1);
        target.DropC1Seed();
    }

    /// <summary>Returns -a.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="a"/> is null.</exception>
    public static CkksCiphertext Negate(CkksCiphertext a)
    {
        ArgumentNullException.ThrowIfNull(a);
        CkksCiphertext negation = a.Clone();
        negation.C0.NegateInPlace();
        negation.C1.NegateInPlace();
        negation.DropC1Seed();
        return negation;
    }

    /// <summary>Returns a + p for a plaintext p of the same scale and encoding.</summary>
    /// <exception cref="ArgumentNullException">An operand is null.</exception>
    /// <exception cref="ArgumentException">
    /// The parameters, scales or encodings of the operands differ.
    /// </exception>
    public static CkksCiphertext AddPlain(CkksCiphertext a, CkksPlaintext plaintext)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(plaintext);
        RequireSameScaleAndEncoding(
            a.Scale, a.Encoding, plaintext.Scale, plaintext.Encoding, nameof(plaintext));
        CkksCiphertext sum = a.Clone();
        sum.C0.AddInPlace(plaintext.Polynomial);
        return sum;
    }

    /// <summary>
    /// Returns a * p; the result's scale is the product of the scales. For slot encoding the
    /// product acts slot by slot; for coefficient encoding it is the negacyclic product of
    /// the coefficient vectors, so only a constant plaintext acts value by value.
    /// </summary>
    /// <exception cref="ArgumentNullException">An operand is null.</exception>
    /// <exception cref="ArgumentException">
    /// The parameters or encodings differ, or the product's scale is not finite.
    /// </exception>
    public static CkksCiphertext MultiplyPlain(CkksCiphertext a, CkksPlaintext plaintext)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(plaintext);
        a.Context.RequireSame(plaintext.Context, nameof(plaintext));
        if (a.Encoding != plaintext.Encoding)
        {
            throw new ArgumentException(
                "The ciphertext and the plaintext use different encodings.", nameof(plaintext));
        }

        double scale = ProductScale(a.Scale, plaintext.Scale, nameof(plaintext));
        CkksCiphertext product = a.Clone();
        product.C0.MultiplyInPlace(plaintext.Polynomial);
        product.C1.MultiplyInPlace(plaintext.Polynomial);
        product.DropC1Seed();
        product.SetScale(scale);
        return product;
    }

    /// <summary>
    /// Returns a * k for an integer k; the scale is unchanged. This is the product both
    /// encodings support value by value.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="a"/> is null.</exception>
    public static CkksCiphertext MultiplyByInteger(CkksCiphertext a, long factor)
    {
        ArgumentNullException.ThrowIfNull(a);
        CkksCiphertext product = a.Clone();
        product.C0.MultiplyByIntegerInPlace(factor);
        product.C1.MultiplyByIntegerInPlace(factor);
        product.DropC1Seed();
        return product;
    }

    /// <summary>
    /// Returns a * x for a real scalar x, encoded as the integer round(x * scalarScale); the
    /// result's scale is a's scale times <paramref name="scalarScale"/>. Acts value by value
    /// in both encodings, e.g. to turn a sum into an average.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="a"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// x is not finite, the scalar scale is not finite and at least 1, or x times it does
    /// not fit in 62 bits.
    /// </exception>
    /// <exception cref="ArgumentException">The product's scale is not finite.</exception>
    public static CkksCiphertext MultiplyByScalar(CkksCiphertext a, double x, double scalarScale)
    {
        ArgumentNullException.ThrowIfNull(a);
        CkksCiphertext.ValidateScale(scalarScale, nameof(scalarScale));
        double scaled = Math.Round(x * scalarScale, MidpointRounding.AwayFromZero);
        if (!double.IsFinite(scaled) || Math.Abs(scaled) >= 4611686018427387904.0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(x), x, "The scalar times its scale must fit in 62 bits.");
        }

        double scale = ProductScale(a.Scale, scalarScale, nameof(scalarScale));
        CkksCiphertext product = MultiplyByInteger(a, (long)scaled);
        product.SetScale(scale);
        return product;
    }

    private static double ProductScale(double first, double second, string paramName)
    {
        double scale = first * second;
        if (!double.IsFinite(scale))
        {
            throw new ArgumentException("The product's scale is not finite.", paramName);
        }

        return scale;
    }

    private static void RequireCompatible(CkksCiphertext target, CkksCiphertext other)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(other);
        target.Context.RequireSame(other.Context, nameof(other));
        RequireSameScaleAndEncoding(
            target.Scale, target.Encoding, other.Scale, other.Encoding, nameof(other));
    }

    private static void RequireSameScaleAndEncoding(
        double scale, CkksEncoding encoding, double otherScale, CkksEncoding otherEncoding,
        string paramName)
    {
        if (encoding != otherEncoding)
        {
            throw new ArgumentException("The operands use different encodings.", paramName);
        }

        if (Math.Abs(scale - otherScale) > ScaleTolerance * Math.Max(scale, otherScale))
        {
            throw new ArgumentException("The operands have different scales.", paramName);
        }
    }
}
