namespace SecureFed.Protocol.Masking;

/// <summary>Where a <see cref="MaskServer"/> is in its round.</summary>
public enum MaskServerStage
{
    /// <summary>Collecting key advertisements.</summary>
    Advertising,

    /// <summary>Collecting sealed shares.</summary>
    Sharing,

    /// <summary>Collecting masked inputs.</summary>
    Masking,

    /// <summary>Collecting signatures on the survivor set.</summary>
    ConsistencyCheck,

    /// <summary>Collecting revealed shares.</summary>
    Unmasking,

    /// <summary>The sum is known.</summary>
    Finished,

    /// <summary>The round was aborted.</summary>
    Aborted,
}
