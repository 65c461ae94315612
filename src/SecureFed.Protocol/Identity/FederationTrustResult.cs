using System.Diagnostics.CodeAnalysis;

namespace SecureFed.Protocol.Identity;

/// <summary>
/// The outcome of checking a presented certificate: the participant's identity, or why the
/// certificate was refused together with a message for logs and operators.
/// </summary>
public sealed class FederationTrustResult
{
    private FederationTrustResult(
        ParticipantIdentity? identity, FederationTrustFailure? failure, string message)
    {
        Identity = identity;
        Failure = failure;
        Message = message;
    }

    /// <summary>True when the certificate was accepted and <see cref="Identity"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(Identity))]
    public bool IsValid => Identity is not null;

    /// <summary>The participant the certificate names, when it was accepted.</summary>
    public ParticipantIdentity? Identity { get; }

    /// <summary>Why the certificate was refused, when it was.</summary>
    public FederationTrustFailure? Failure { get; }

    /// <summary>A message for people: whom it names, or what is wrong. Holds no key material.</summary>
    public string Message { get; }

    /// <summary>An accepted certificate naming <paramref name="identity"/>.</summary>
    public static FederationTrustResult Accepted(ParticipantIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return new FederationTrustResult(identity, null, $"Accepted {identity}.");
    }

    /// <summary>A refused certificate.</summary>
    public static FederationTrustResult Refused(FederationTrustFailure failure, string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new FederationTrustResult(null, failure, message);
    }

    /// <inheritdoc/>
    public override string ToString() => IsValid ? Message : $"{Failure}: {Message}";
}
