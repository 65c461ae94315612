using System.Globalization;

namespace SecureFed.Crypto.Ckks;

/// <summary>
/// An encoded CKKS message: a polynomial in NTT form together with the scale its values
/// were multiplied by and the encoding that placed them.
/// </summary>
/// <remarks>A plaintext is not secret to the appliance's model only once aggregated;
/// callers that hold a single client's plaintext should <see cref="Clear"/> it after use.
/// </remarks>
public sealed class CkksPlaintext
{
    /// <summary>Wraps <paramref name="polynomial"/>, which must be in NTT form.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="polynomial"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The scale is not finite and at least 1, or the encoding is unknown.
    /// </exception>
    /// <exception cref="ArgumentException">The polynomial is not in NTT form.</exception>
    public CkksPlaintext(RnsPolynomial polynomial, double scale, CkksEncoding encoding)
    {
        ArgumentNullException.ThrowIfNull(polynomial);
        CkksCiphertext.ValidateScale(scale, nameof(scale));
        CkksCiphertext.ValidateEncoding(encoding, nameof(encoding));
        if (!polynomial.IsNttForm)
        {
            throw new ArgumentException("A plaintext is kept in NTT form.", nameof(polynomial));
        }

        Polynomial = polynomial;
        Scale = scale;
        Encoding = encoding;
    }

    /// <summary>The encoded polynomial, in NTT form.</summary>
    public RnsPolynomial Polynomial { get; }

    /// <summary>The scale the values were multiplied by before rounding.</summary>
    public double Scale { get; }

    /// <summary>How the values were placed in the polynomial.</summary>
    public CkksEncoding Encoding { get; }

    /// <summary>The context of the plaintext's parameters.</summary>
    public CkksContext Context => Polynomial.Context;

    /// <summary>Wipes the encoded values.</summary>
    public void Clear() => Polynomial.Clear();

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"CkksPlaintext({Encoding}, scale 2^{Math.Log2(Scale):F1})");
}
