using SecureFed.Audit.Tests.Ledgers;

namespace SecureFed.Audit.Tests;

/// <summary>
/// Tests that redirect the console run one at a time; they share the ledgers of one real
/// federation per mode, which take seconds to produce.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection : ICollectionFixture<FederationLedgers>
{
    public const string Name = "Console";
}
