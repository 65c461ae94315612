namespace SecureFed.Crypto.Ckks;

/// <summary>
/// Decrypts CKKS ciphertexts with a whole secret key: m = c0 + c1 s. In threshold mode no
/// party holds the whole key; custodians produce decryption shares instead
/// (<see cref="CkksThresholdCustodian"/>).
/// </summary>
public sealed class CkksDecryptor
{
    private readonly CkksSecretKey _secretKey;

    /// <summary>A decryptor with <paramref name="secretKey"/>; the caller keeps ownership.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="secretKey"/> is null.</exception>
    public CkksDecryptor(CkksSecretKey secretKey)
    {
        ArgumentNullException.ThrowIfNull(secretKey);
        _secretKey = secretKey;
    }

    /// <summary>Returns the plaintext, with its error, that the ciphertext hides.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="ciphertext"/> is null.</exception>
    /// <exception cref="ArgumentException">The ciphertext has other parameters.</exception>
    public CkksPlaintext Decrypt(CkksCiphertext ciphertext)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        _secretKey.Context.RequireSame(ciphertext.Context, nameof(ciphertext));

        RnsPolynomial message = ciphertext.C0.Clone();
        message.MultiplyAddInPlace(ciphertext.C1, _secretKey.CiphertextLevelPolynomial);
        return new CkksPlaintext(message, ciphertext.Scale, ciphertext.Encoding);
    }
}
