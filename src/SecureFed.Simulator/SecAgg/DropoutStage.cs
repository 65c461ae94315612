namespace SecureFed.Simulator.SecAgg;

/// <summary>The mask-mode stage at which simulated clients stop answering.</summary>
public enum DropoutStage
{
    /// <summary>They never advertise keys.</summary>
    Advertise,

    /// <summary>They advertise keys but send no shares.</summary>
    Share,

    /// <summary>They share keys but send no masked input (as in Flower's reference figures).</summary>
    Mask,

    /// <summary>They send a masked input, then neither sign the survivor set nor unmask.</summary>
    Unmask,
}
