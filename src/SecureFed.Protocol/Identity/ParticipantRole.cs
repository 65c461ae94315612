namespace SecureFed.Protocol.Identity;

/// <summary>
/// What a federation certificate lets its holder be. The role is part of the identity that
/// the certificate carries, so a client certificate can never act as a custodian or as the
/// appliance.
/// </summary>
public enum ParticipantRole
{
    /// <summary>A regulated client that trains locally and contributes protected updates.</summary>
    Client,

    /// <summary>A key custodian: takes part in key generation and threshold decryption.</summary>
    Custodian,

    /// <summary>The aggregation appliance: the only role that may act as a TLS server.</summary>
    Appliance,

    /// <summary>An operator of the security team, administering the appliance.</summary>
    Operator,
}
