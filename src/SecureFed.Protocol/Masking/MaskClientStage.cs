namespace SecureFed.Protocol.Masking;

/// <summary>Where a <see cref="MaskClient"/> is in its round.</summary>
public enum MaskClientStage
{
    /// <summary>Waiting for the round setup.</summary>
    Idle,

    /// <summary>Keys advertised; waiting for everyone's advertisements.</summary>
    Advertised,

    /// <summary>Shares sent; waiting for the shares of its neighbours.</summary>
    SharedKeys,

    /// <summary>Masked input sent; waiting for the survivor set.</summary>
    MaskedInput,

    /// <summary>Survivor set signed; waiting for the unmask request.</summary>
    SignedSurvivors,

    /// <summary>Shares revealed; the round is over for this client.</summary>
    Unmasked,

    /// <summary>The round was aborted; the client holds no secrets.</summary>
    Aborted,
}
