namespace SecureFed.Crypto.Ckks;

/// <summary>
/// A CKKS secret key s: a uniform ternary polynomial, held in NTT form. Dispose clears it.
/// </summary>
/// <remarks>
/// The key never appears in <see cref="ToString"/>. A custodian's secret in threshold mode
/// is not a <see cref="CkksSecretKey"/> but a share of one; see
/// <see cref="CkksThresholdKeyShare"/>.
/// </remarks>
public sealed class CkksSecretKey : IDisposable
{
    private readonly RnsPolynomial _polynomial;
    private bool _disposed;

    internal CkksSecretKey(RnsPolynomial polynomial)
    {
        _polynomial = polynomial;
    }

    /// <summary>The context of the key's parameters.</summary>
    public CkksContext Context => _polynomial.Context;

    /// <summary>s in NTT form.</summary>
    internal RnsPolynomial Polynomial
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _polynomial;
        }
    }

    /// <summary>Creates a fresh uniform ternary secret key.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public static CkksSecretKey Generate(CkksContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new CkksSecretKey(SampleTernaryNtt(context));
    }

    /// <summary>Clears the key.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _polynomial.Clear();
    }

    /// <inheritdoc/>
    public override string ToString() => "CkksSecretKey(secret)";

    /// <summary>A fresh uniform ternary polynomial in NTT form.</summary>
    internal static RnsPolynomial SampleTernaryNtt(CkksContext context)
    {
        var coefficients = new long[context.RingDegree];
        try
        {
            using (var sampler = RingSampler.CreateRandom())
            {
                sampler.SampleTernary(coefficients);
            }

            var polynomial = new RnsPolynomial(context, isNttForm: false);
            polynomial.SetSmallCoefficients(coefficients);
            polynomial.ToNttForm();
            return polynomial;
        }
        finally
        {
            Array.Clear(coefficients);
        }
    }
}
