namespace SecureFed.Protocol.Identity;

/// <summary>Why a presented certificate was not accepted as a federation participant's.</summary>
public enum FederationTrustFailure
{
    /// <summary>No certificate was presented.</summary>
    NoCertificate,

    /// <summary>It does not chain to the federation CA, or a signature does not verify.</summary>
    NotIssuedByFederation,

    /// <summary>The certificate, or the federation CA, has expired.</summary>
    Expired,

    /// <summary>The certificate, or the federation CA, is not valid yet.</summary>
    NotYetValid,

    /// <summary>The certificate is a certificate authority, not a participant's leaf certificate.</summary>
    IsCertificateAuthority,

    /// <summary>Its key usages do not fit its role or the TLS side it is used on.</summary>
    WrongKeyUsage,

    /// <summary>It carries no SecureFed identity URI, a malformed one, or more than one.</summary>
    MissingIdentity,

    /// <summary>Its role may not be used here, such as a server that is not the appliance.</summary>
    WrongRole,

    /// <summary>The TLS layer refused it, such as for a host name that does not match.</summary>
    TlsPolicyError,
}
