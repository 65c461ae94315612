// The JSON payloads of the appliance's ledger entries. Field names are snake_case and byte
// strings base64, as System.Text.Json writes them; the stored bytes are what the entry hash
// covers, so an auditor parses exactly what was signed.

using SecureFed.Enclave.Federation;
using SecureFed.Enclave.Rounds;
using SecureFed.Enclave.Storage;
using SecureFed.Protocol.Identity;

namespace SecureFed.Enclave.Ledger;

/// <summary>Builds the payload of each kind of ledger entry.</summary>
public static class LedgerPayloads
{
    /// <summary>Payload of <see cref="LedgerKinds.FederationCreated"/>.</summary>
    /// <remarks>
    /// <paramref name="applianceCertificate"/> is the appliance's TLS certificate from the
    /// federation CA and <paramref name="applianceKeySignature"/> its key's signature over
    /// the enrollment statement that names the ledger key
    /// (<see cref="SecureFed.Protocol.Enrollment.EnrollmentStatement"/>): with them an auditor
    /// who trusts only the CA knows the ledger key is the certified appliance's.
    /// </remarks>
    public static byte[] FederationCreated(
        FederationFacts facts,
        byte[] caCertificate,
        ReadOnlySpan<byte> ledgerPublicKey,
        byte[] applianceCertificate,
        byte[] applianceKeySignature) =>
        EnclaveJson.Bytes(new
        {
            federation_id = facts.Id,
            name = facts.Name,
            ca_certificate = caCertificate,
            ledger_public_key = ledgerPublicKey.ToArray(),
            appliance_certificate = applianceCertificate,
            appliance_key_signature = applianceKeySignature,
            epsilon_limit = facts.EpsilonLimit,
            delta = facts.Delta,
            ckks_ring_degree = facts.CkksParameters.RingDegree,
            ckks_primes = facts.CkksParameters.Primes,
            ckks_parameter_id = facts.CkksParameters.ParameterId.ToArray(),
        });

    /// <summary>Payload of <see cref="LedgerKinds.Enrollment"/>.</summary>
    public static byte[] Enrollment(
        uint participantId,
        ParticipantIdentity identity,
        ReadOnlySpan<byte> signingKey,
        byte[] certificate,
        ReadOnlySpan<byte> certificateSignature) =>
        EnclaveJson.Bytes(new
        {
            participant_id = participantId,
            identity = identity.ToUri(),
            signing_key = signingKey.ToArray(),
            certificate,
            certificate_signature = certificateSignature.ToArray(),
        });

    /// <summary>Payload of <see cref="LedgerKinds.RoundOpened"/>.</summary>
    public static byte[] RoundOpened(RoundSettings settings, double epsilonAfter, FederationFacts facts) =>
        EnclaveJson.Bytes(new
        {
            round = settings.Round,
            settings,
            epsilon_if_completed = epsilonAfter,
            delta = facts.Delta,
        });

    /// <summary>Payload of <see cref="LedgerKinds.Contribution"/>.</summary>
    public static byte[] Contribution(SignedContribution contribution)
    {
        var statement = contribution.Statement;
        return EnclaveJson.Bytes(new
        {
            round = statement.Round,
            client_id = statement.ClientId,
            mode = statement.Mode,
            total_length = statement.TotalLength,
            root = statement.Root.ToArray(),
            signature = contribution.Signature,
        });
    }

    /// <summary>Payload of <see cref="LedgerKinds.RoundClosed"/>.</summary>
    /// <remarks>
    /// <c>sum_sha256</c> and <c>unmasking_sha256</c> bind the audit evidence spooled beside
    /// the contributions (the sum in the protection domain; mask mode's stripped seeds, null
    /// in HE mode). Entries written before them lack both; readers treat them as optional.
    /// </remarks>
    public static byte[] RoundClosed(
        ulong round, IReadOnlyList<uint> contributors, byte[] aggregateSha256, long aggregateLength,
        double epsilonSpent, double delta, byte[] sumSha256, byte[]? unmaskingSha256) =>
        EnclaveJson.Bytes(new
        {
            round,
            contributors,
            aggregate_sha256 = aggregateSha256,
            aggregate_length = aggregateLength,
            epsilon_spent = epsilonSpent,
            delta,
            sum_sha256 = sumSha256,
            unmasking_sha256 = unmaskingSha256,
        });

    /// <summary>Payload of <see cref="LedgerKinds.RoundAborted"/>.</summary>
    public static byte[] RoundAborted(ulong round, string reason) =>
        EnclaveJson.Bytes(new { round, reason });
}
