namespace SecureFed.Enclave.Tests.Integration;

/// <summary>
/// The appliance-over-loopback tests: each binds a port, the appliance's task poll window is
/// process-wide, and rounds are CPU heavy, so these run one at a time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoopbackCollection
{
    public const string Name = "Appliance over loopback";
}
