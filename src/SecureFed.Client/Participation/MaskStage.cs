namespace SecureFed.Client.Participation;

/// <summary>
/// The mask-mode stages, in order. A client told to stop before one of them (to simulate a
/// dropout) takes part in every earlier stage and then goes silent.
/// </summary>
public enum MaskStage
{
    /// <summary>Advertise keys.</summary>
    Advertise,

    /// <summary>Share keys.</summary>
    Share,

    /// <summary>Send the masked input.</summary>
    Mask,

    /// <summary>Sign the survivor set and reveal shares.</summary>
    Unmask,

    /// <summary>Wait for the result: a client that stops here has done every step.</summary>
    Finish,
}
