// Why a client checks the custodians' signatures on the collective key itself: the appliance
// relays the key, so a hash the appliance announces proves nothing; a malicious appliance
// could hand one client a key whose secret it knows, decrypt that client's update and call it
// a dropout (threat model S7). Every custodian signs the confirmation transcript of the
// ceremony (setup hash, ceremony id, its id, SHA-256 of the collective public key) with its
// enrolled Ed25519 key when the ceremony completes (round 3 of the ceremony, after Mouchet et
// al., PETS 2021, section 4). The ceremony completes only when all k custodians have confirmed
// (CeremonyCoordinator.IsComplete), so a verifier requires all k signatures too: with them, an
// honest custodian vouches for the key, and its secret is shared among the custodians, not
// known to the appliance.
//
// Signatures: Ed25519 (RFC 8032) under the keys the custodians enrolled (EnrollmentStatement).

using System.Security.Cryptography;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.He.Messages;

namespace SecureFed.Protocol.He;

/// <summary>
/// Checks that every custodian of a completed ceremony confirmed one collective key with a
/// valid signature under its enrolled signing key.
/// </summary>
public static class CollectiveKeyVerifier
{
    /// <summary>Bytes of a collective key hash (SHA-256).</summary>
    public const int HashSize = 32;

    /// <summary>The fewest custodians a ceremony may have (the appliance starts none smaller).</summary>
    public const int MinimumCustodians = 2;

    /// <summary>
    /// Verifies that each custodian named in <paramref name="setup"/> signed exactly one
    /// confirmation of <paramref name="collectiveKeyHash"/> for this ceremony, with the key
    /// <paramref name="custodianKeys"/> holds for it, and that no one else did.
    /// </summary>
    /// <param name="setup">The ceremony as the custodians ran it.</param>
    /// <param name="collectiveKeyHash">SHA-256 of the serialized collective public key.</param>
    /// <param name="confirmations">The custodians' signatures.</param>
    /// <param name="custodianKeys">
    /// The custodians' enrolled signing keys by id. The caller must have verified each one's
    /// enrollment (certificate chain, custodian role, enrollment statement) itself.
    /// </param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ProtocolViolationException">Any check fails; the message says which.</exception>
    public static void Verify(
        CeremonySetup setup,
        ReadOnlySpan<byte> collectiveKeyHash,
        IReadOnlyCollection<CustodianKeyConfirmation> confirmations,
        IReadOnlyDictionary<uint, Ed25519PublicKey> custodianKeys)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(confirmations);
        ArgumentNullException.ThrowIfNull(custodianKeys);
        CheckSetup(setup, collectiveKeyHash);

        // A custodian enrolled twice under two ids would let one party count as two.
        var distinctKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (uint id in setup.CustodianIds)
        {
            if (!custodianKeys.TryGetValue(id, out var key))
            {
                throw new ProtocolViolationException($"Custodian {id} of the ceremony has no enrolled key.");
            }

            if (!distinctKeys.Add(Convert.ToHexString(key.Bytes.Span)))
            {
                throw new ProtocolViolationException(
                    $"Custodian {id} has the same signing key as another custodian of the ceremony.");
            }
        }

        byte[] setupHash = HeTranscripts.SetupHash(setup);
        byte[] hash = collectiveKeyHash.ToArray();
        var confirmed = new HashSet<uint>();
        foreach (CustodianKeyConfirmation confirmation in confirmations)
        {
            if (confirmation is null || confirmation.Signature is null)
            {
                throw new ProtocolViolationException("A confirmation of the collective key is empty.");
            }

            if (!setup.CustodianIds.Contains(confirmation.CustodianId))
            {
                throw new ProtocolViolationException(
                    $"Participant {confirmation.CustodianId}, not a custodian of the ceremony, " +
                    "confirmed the collective key.");
            }

            if (!confirmed.Add(confirmation.CustodianId))
            {
                throw new ProtocolViolationException(
                    $"Custodian {confirmation.CustodianId} confirmed the collective key twice.");
            }

            var message = new CeremonyConfirmation(
                setup.CeremonyId, confirmation.CustodianId, hash, confirmation.Signature);
            if (!custodianKeys[confirmation.CustodianId].Verify(
                HeTranscripts.Confirmation(setupHash, message).Encoded, confirmation.Signature))
            {
                throw new ProtocolViolationException(
                    $"Custodian {confirmation.CustodianId}'s confirmation of the collective key " +
                    "has a bad signature: it did not confirm this key for this ceremony.");
            }
        }

        foreach (uint id in setup.CustodianIds)
        {
            if (!confirmed.Contains(id))
            {
                throw new ProtocolViolationException(
                    $"Custodian {id} did not confirm the collective key.");
            }
        }
    }

    /// <summary>
    /// True when <paramref name="collectiveKey"/> (serialized) hashes to
    /// <paramref name="confirmedHash"/>; compared in fixed time.
    /// </summary>
    public static bool MatchesHash(ReadOnlySpan<byte> collectiveKey, ReadOnlySpan<byte> confirmedHash)
    {
        Span<byte> actual = stackalloc byte[HashSize];
        SHA256.HashData(collectiveKey, actual);
        return confirmedHash.Length == HashSize && CryptographicOperations.FixedTimeEquals(actual, confirmedHash);
    }

    private static void CheckSetup(CeremonySetup setup, ReadOnlySpan<byte> collectiveKeyHash)
    {
        if (collectiveKeyHash.Length != HashSize)
        {
            throw new ProtocolViolationException($"The collective key hash must be {HashSize} bytes.");
        }

        if (setup.CeremonyId is null || setup.CeremonyId.Length != CeremonyRules.CeremonyIdSize
            || setup.ParameterId is null || setup.CommonSeed is null
            || setup.CommonSeed.Length != CeremonyRules.SeedSize || setup.CustodianIds is null)
        {
            throw new ProtocolViolationException("The ceremony setup is malformed.");
        }

        if (setup.CustodianIds.Count < MinimumCustodians
            || setup.CustodianIds.Distinct().Count() != setup.CustodianIds.Count)
        {
            throw new ProtocolViolationException(
                $"The ceremony must name at least {MinimumCustodians} distinct custodians.");
        }

        if (setup.Threshold < 1 || setup.Threshold > setup.CustodianIds.Count)
        {
            throw new ProtocolViolationException(
                $"The ceremony's threshold {setup.Threshold} is outside 1 to {setup.CustodianIds.Count}.");
        }
    }
}
