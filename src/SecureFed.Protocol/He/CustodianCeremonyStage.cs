namespace SecureFed.Protocol.He;

/// <summary>Where a custodian is in the key ceremony.</summary>
public enum CustodianCeremonyStage
{
    /// <summary>Nothing sent yet.</summary>
    Created,

    /// <summary>Round 1 done: keys advertised.</summary>
    Advertised,

    /// <summary>Round 2 done: shares of the secret sealed for the others.</summary>
    SharedSecret,

    /// <summary>Round 3 done: the threshold key share is built and confirmed.</summary>
    Completed,
}
