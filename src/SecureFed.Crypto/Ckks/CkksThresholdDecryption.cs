namespace SecureFed.Crypto.Ckks;

/// <summary>
/// Combines custodians' decryption shares into the plaintext: c0 + sum of the shares. Needs
/// no secret; the aggregator runs it.
/// </summary>
public static class CkksThresholdDecryption
{
    /// <summary>
    /// Returns the plaintext of <paramref name="ciphertext"/> from one share of each
    /// custodian of the shares' common participant set.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">
    /// The shares are empty, were made for another ciphertext or for different participant
    /// sets, repeat a custodian, miss a participant, or have other parameters.
    /// </exception>
    public static CkksPlaintext Combine(
        CkksCiphertext ciphertext, IReadOnlyCollection<CkksDecryptionShare> shares)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(shares);
        if (shares.Count == 0)
        {
            throw new ArgumentException("No decryption shares were given.", nameof(shares));
        }

        byte[] digest = ciphertext.ComputeC1Digest();
        IReadOnlyList<int> participants = shares.First().Participants;
        var seen = new HashSet<int>();
        foreach (CkksDecryptionShare share in shares)
        {
            ArgumentNullException.ThrowIfNull(share, nameof(shares));
            if (!share.CiphertextDigest.SequenceEqual(digest))
            {
                throw new ArgumentException(
                    $"The share of custodian {share.CustodianId} is for another ciphertext.",
                    nameof(shares));
            }

            if (!share.Participants.SequenceEqual(participants))
            {
                throw new ArgumentException(
                    "The shares were made for different participant sets.", nameof(shares));
            }

            if (!seen.Add(share.CustodianId))
            {
                throw new ArgumentException(
                    $"Custodian {share.CustodianId} gave two shares.", nameof(shares));
            }

            ciphertext.Context.RequireSame(share.Share.Context, nameof(shares));
        }

        // Lagrange coefficients were computed for exactly this set; a missing share would
        // leave the secret's interpolation incomplete and the output random.
        if (seen.Count != participants.Count)
        {
            throw new ArgumentException(
                "A share from every participant is needed.", nameof(shares));
        }

        RnsPolynomial message = ciphertext.C0.Clone();
        foreach (CkksDecryptionShare share in shares)
        {
            message.AddInPlace(share.Share);
        }

        return new CkksPlaintext(message, ciphertext.Scale, ciphertext.Encoding);
    }
}
