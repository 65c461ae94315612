using SecureFed.Crypto.Ckks;

namespace SecureFed.Simulator.Ckks;

/// <summary>
/// Threshold key generation among a committee, run in one process: every custodian's public
/// key share is summed and every secret share handed to its recipient directly. The
/// appliance relays the same messages between separate custodians, encrypted.
/// </summary>
public static class ThresholdKeyGeneration
{
    /// <summary>Returns the collective public key and each custodian's key share.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static (CkksPublicKey PublicKey, CkksThresholdKeyShare[] KeyShares) Run(
        CkksContext context, CkksCommittee committee)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(committee);
        byte[] commonSeed = System.Security.Cryptography.RandomNumberGenerator.GetBytes(
            CkksCiphertext.SeedSize);
        CkksCustodianKeyGeneration[] generations = committee.CustodianIds
            .Select(id => new CkksCustodianKeyGeneration(context, committee, id, commonSeed))
            .ToArray();
        try
        {
            CkksPublicKey publicKey = CkksCollectivePublicKey.Combine(
                context, committee, commonSeed,
                generations.ToDictionary(g => g.CustodianId, g => g.PublicKeyShare));

            var inboxes = committee.CustodianIds.ToDictionary(
                id => id, _ => new Dictionary<int, RnsPolynomial>());
            foreach (CkksCustodianKeyGeneration sender in generations)
            {
                foreach (int recipient in committee.CustodianIds)
                {
                    inboxes[recipient][sender.CustodianId] =
                        sender.CreateSecretShareFor(recipient);
                }
            }

            CkksThresholdKeyShare[] keyShares = generations
                .Select(g => g.Complete(inboxes[g.CustodianId]))
                .ToArray();
            foreach (RnsPolynomial share in inboxes.Values.SelectMany(inbox => inbox.Values))
            {
                share.Clear();
            }

            return (publicKey, keyShares);
        }
        finally
        {
            foreach (CkksCustodianKeyGeneration generation in generations)
            {
                generation.Dispose();
            }
        }
    }
}
