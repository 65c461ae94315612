using SecureFed.Enclave.Cli;
using SecureFed.Enclave.Configuration;

namespace SecureFed.Enclave.Tests.Cli;

/// <summary>
/// How <c>run</c> layers its settings: defaults, then the file, then SECUREFED_ variables,
/// then the command line.
/// </summary>
public sealed class EnclaveCommandLineTests : IDisposable
{
    private static readonly Dictionary<string, string?> NoEnvironment = [];

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("securefed-enclave-options-");

    public void Dispose() => _root.Delete(recursive: true);

    private string Config(string json)
    {
        string path = Path.Combine(_root.FullName, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void LoadOptions_CommandLineBeatsEnvironmentBeatsFileBeatsDefaults()
    {
        string config = Config("""
            {
              "Enclave": {
                "Listen": "127.0.0.1:7001",
                "MetricsListen": "127.0.0.1:9500",
                "TaskPollSeconds": 30,
                "Schedule": { "IntervalSeconds": 60, "Mode": "mask", "Dimension": 16 }
              },
              "Logging": { "LogLevel": { "Default": "Warning" } }
            }
            """);
        var environment = new Dictionary<string, string?>
        {
            ["SECUREFED_Enclave__Listen"] = "127.0.0.1:7002",
            ["SECUREFED_Enclave__TaskPollSeconds"] = "40",
            ["PATH"] = "/usr/bin",
        };

        var options = EnclaveCommandLine.LoadOptions(
            config, new EnclaveOverrides(Listen: "127.0.0.1:7003"), environment);

        Assert.Equal("127.0.0.1:7003", options.Listen);
        Assert.Equal(40, options.TaskPollSeconds);
        Assert.Equal("127.0.0.1:9500", options.MetricsListen);
        Assert.Equal(new EnclaveOptions().StateDirectory, options.StateDirectory);
        Assert.Equal(60, options.Schedule.IntervalSeconds);
        Assert.Equal(16, options.Schedule.Dimension);
        Assert.Equal(new RoundScheduleOptions().MinClients, options.Schedule.MinClients);
    }

    [Fact]
    public void LoadOptions_EnvironmentBeatsFile_WhenTheCommandLineIsSilent()
    {
        string config = Config("""{ "Enclave": { "StateDirectory": "/srv/file", "Listen": "127.0.0.1:7001" } }""");
        var environment = new Dictionary<string, string?> { ["SECUREFED_Enclave__StateDirectory"] = "/srv/env" };

        var options = EnclaveCommandLine.LoadOptions(config, new EnclaveOverrides(), environment);

        Assert.Equal("/srv/env", options.StateDirectory);
        Assert.Equal("127.0.0.1:7001", options.Listen);
    }

    [Fact]
    public void LoadOptions_MissingExplicitConfig_Throws()
    {
        string missing = Path.Combine(_root.FullName, "missing.json");

        var error = Assert.Throws<UsageException>(
            () => EnclaveCommandLine.LoadOptions(missing, new EnclaveOverrides(), NoEnvironment));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "Enclave": { "Listn": "127.0.0.1:7001" } }""")]
    [InlineData("""{ "Enclave": { "Listen": "localhost" } }""")]
    [InlineData("""{ "Enclave": { "TaskPollSeconds": "soon" } }""")]
    [InlineData("""{ "Enclave": { "TaskPollSeconds": 0 } }""")]
    [InlineData("""{ "Enclave": { "Schedule": { "IntervalSeconds": 5, "Mode": "fast" } } }""")]
    [InlineData("""{ "Enclave": { "MaxConcurrentUploads": -1 } }""")]
    [InlineData("""{ "Enclave": """)]
    public void LoadOptions_BadFile_Throws(string json)
    {
        string config = Config(json);

        Assert.Throws<UsageException>(
            () => EnclaveCommandLine.LoadOptions(config, new EnclaveOverrides(), NoEnvironment));
    }

    [Fact]
    public void LoadOptions_EmptyMetricsListen_TurnsMetricsOff()
    {
        string config = Config("""{ "Enclave": { "MetricsListen": "127.0.0.1:9500" } }""");

        var options = EnclaveCommandLine.LoadOptions(
            config, new EnclaveOverrides(MetricsListen: string.Empty), NoEnvironment);

        Assert.Equal(string.Empty, options.MetricsListen);
    }
}
