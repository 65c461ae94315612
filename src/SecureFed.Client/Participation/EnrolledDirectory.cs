// Before a client masks with anyone, it checks every participant's signing key itself: the
// key's certificate must chain to the federation CA with the client role, and the
// certificate's key must have signed the enrollment statement naming that signing key. So
// an appliance that invents participants, or swaps a key, is caught by every honest client.

using System.Security.Cryptography.X509Certificates;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol;
using SecureFed.Protocol.Enrollment;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.Identity;

namespace SecureFed.Client.Participation;

/// <summary>Checks the enrolled keys a round hands out and builds the key directory.</summary>
public static class EnrolledDirectory
{
    /// <summary>
    /// Verifies every key of <paramref name="keys"/> and returns them by participant id.
    /// </summary>
    /// <exception cref="ProtocolViolationException">A key fails a check or a participant lacks one.</exception>
    public static Dictionary<uint, Ed25519PublicKey> Verify(
        IEnumerable<EnrolledKey> keys,
        IReadOnlyCollection<uint> participants,
        ReadOnlySpan<byte> federationId,
        FederationTrust trust,
        ParticipantRole role = ParticipantRole.Client)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(participants);
        ArgumentNullException.ThrowIfNull(trust);
        var directory = new Dictionary<uint, Ed25519PublicKey>();
        foreach (var key in keys)
        {
            using var certificate = LoadCertificate(key);
            var check = trust.ValidateClient(certificate);
            if (check.Identity is not { } identity || identity.Role != role)
            {
                throw new ProtocolViolationException(
                    $"Participant {key.ParticipantId}'s certificate is not a federation {role} certificate: {check.Message}");
            }

            if (!EnrollmentStatement.Verify(
                certificate, federationId, identity, key.SigningKey.Span, key.CertificateSignature.Span))
            {
                throw new ProtocolViolationException(
                    $"Participant {key.ParticipantId}'s signing key was not chosen by its certificate's holder.");
            }

            Ed25519PublicKey signingKey;
            try
            {
                signingKey = Ed25519PublicKey.Import(key.SigningKey.Span);
            }
            catch (Exception error) when (error is ArgumentException
                or System.Security.Cryptography.CryptographicException)
            {
                throw new ProtocolViolationException($"Participant {key.ParticipantId}'s signing key is invalid.");
            }

            if (!directory.TryAdd(key.ParticipantId, signingKey))
            {
                throw new ProtocolViolationException($"Participant {key.ParticipantId} is listed twice.");
            }
        }

        foreach (uint id in participants)
        {
            if (!directory.ContainsKey(id))
            {
                throw new ProtocolViolationException($"The round gave no enrolled key for participant {id}.");
            }
        }

        return directory;
    }

    private static X509Certificate2 LoadCertificate(EnrolledKey key)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(key.Certificate.Span);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            throw new ProtocolViolationException($"Participant {key.ParticipantId}'s certificate is malformed.");
        }
    }
}
