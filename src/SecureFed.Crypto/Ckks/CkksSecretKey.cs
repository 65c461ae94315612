namespace SecureFed.Crypto.Ckks;

/// <summary>
/// A CKKS secret key s: a uniform ternary polynomial, held in NTT form modulo Q P (for key
/// generation) and modulo Q (for decryption). Dispose clears both.
/// </summary>
/// <remarks>
/// The key never appears in <see cref="ToString"/>. A custodian's secret in threshold mode
/// is not a <see cref="CkksSecretKey"/> but a share of one; see
/// <see cref="CkksThresholdKeyShare"/>.
/// </remarks>
public sealed class CkksSecretKey : IDisposable
{
    private readonly RnsPolynomial _polynomial;
    private readonly RnsPolynomial _ciphertextLevel;
    private bool _disposed;

    internal CkksSecretKey(RnsPolynomial polynomial)
    {
        _polynomial = polynomial;
        _ciphertextLevel = polynomial.ToCiphertextLevel();
    }

    /// <summary>The context of the key's parameters.</summary>
    public CkksContext Context => _polynomial.Context;

    /// <summary>s in NTT form, modulo Q P.</summary>
    internal RnsPolynomial Polynomial
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _polynomial;
        }
    }

    /// <summary>s in NTT form, modulo Q.</summary>
    internal RnsPolynomial CiphertextLevelPolynomial
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _ciphertextLevel;
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
        _ciphertextLevel.Clear();
    }

    /// <inheritdoc/>
    public override string ToString() => "CkksSecretKey(secret)";

    /// <summary>A fresh uniform ternary polynomial in NTT form, modulo Q P.</summary>
    internal static RnsPolynomial SampleTernaryNtt(CkksContext context)
    {
        var coefficients = new long[context.RingDegree];
        try
        {
            using (var sampler = RingSampler.CreateRandom())
            {
                sampler.SampleTernary(coefficients);
            }

            var polynomial = new RnsPolynomial(context, isNttForm: false, atKeyLevel: true);
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
