namespace SecureFed.Crypto.Ckks;

/// <summary>
/// Builds the collective public key of a threshold committee from the custodians' public key
/// shares: (sum of b_i, a). Public inputs only; the aggregator may run it.
/// </summary>
public static class CkksCollectivePublicKey
{
    /// <summary>
    /// Sums the key shares of every custodian of <paramref name="committee"/> over the common
    /// random polynomial of <paramref name="commonSeed"/>.
    /// </summary>
    /// <param name="context">The CKKS parameters' context.</param>
    /// <param name="committee">The committee.</param>
    /// <param name="commonSeed">The public seed every custodian used.</param>
    /// <param name="keyShares">b_i of every custodian, keyed by custodian id.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">
    /// A share is missing, comes from outside the committee, or has other parameters or
    /// form, or the seed is not 32 bytes.
    /// </exception>
    public static CkksPublicKey Combine(
        CkksContext context, CkksCommittee committee, ReadOnlySpan<byte> commonSeed,
        IReadOnlyDictionary<int, RnsPolynomial> keyShares)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(committee);
        ArgumentNullException.ThrowIfNull(keyShares);
        if (keyShares.Count != committee.Size || keyShares.Keys.Any(id => !committee.Contains(id)))
        {
            throw new ArgumentException(
                "The key shares must come from exactly the committee's custodians.",
                nameof(keyShares));
        }

        // Every custodian contributes, whatever the threshold: the collective secret is the
        // sum of all k secrets, and t of the k Shamir shares of that sum recover it.
        var sum = new RnsPolynomial(context, isNttForm: true, atKeyLevel: true);
        foreach (int id in committee.CustodianIds)
        {
            RnsPolynomial share = keyShares[id]
                ?? throw new ArgumentException(
                    $"The key share of custodian {id} is missing.", nameof(keyShares));
            context.RequireSame(share.Context, nameof(keyShares));
            if (!share.IsNttForm || !share.IsKeyLevel)
            {
                throw new ArgumentException(
                    "Key shares are exchanged in NTT form modulo Q P.", nameof(keyShares));
            }

            sum.AddInPlace(share);
        }

        return new CkksPublicKey(sum, commonSeed);
    }
}
