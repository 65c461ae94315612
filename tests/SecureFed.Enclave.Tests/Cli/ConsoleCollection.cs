namespace SecureFed.Enclave.Tests.Cli;

/// <summary>
/// Tests that redirect <see cref="Console"/>, which is global to the process: they run one at
/// a time, and apart from the other collections.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console";
}
