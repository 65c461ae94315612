// The appliance's settings come from four layers, each overriding the one before:
// EnclaveOptions' built-in defaults, the JSON configuration file (section "Enclave"),
// environment variables prefixed SECUREFED_ ("__" for ":", as .NET configuration reads them)
// and `run`'s command-line options. All of them go through one configuration binder, so a
// value is parsed the same way wherever it comes from.

using System.Globalization;
using SecureFed.Enclave.Configuration;

namespace SecureFed.Enclave.Cli;

/// <summary>Builds <see cref="EnclaveOptions"/> for <c>securefed-enclave run</c>.</summary>
internal static class EnclaveCommandLine
{
    /// <summary>Prefix of the environment variables the appliance reads.</summary>
    public const string EnvironmentPrefix = "SECUREFED_";

    /// <summary>The longest task poll window, in seconds.</summary>
    public const int MaxTaskPollSeconds = 3600;

    /// <summary>
    /// Reads the appliance's settings. <paramref name="configPath"/> null means
    /// <see cref="EnclaveOptions.DefaultConfigFile"/>, which may be missing; a file named
    /// explicitly must exist. <paramref name="environment"/> is the process environment (the
    /// tests pass their own).
    /// </summary>
    /// <exception cref="UsageException">
    /// The explicit file is missing, a file or variable does not parse, names a setting that
    /// does not exist, or a setting is out of range.
    /// </exception>
    public static EnclaveOptions LoadOptions(
        string? configPath,
        EnclaveOverrides overrides,
        IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        ArgumentNullException.ThrowIfNull(environment);
        bool explicitFile = configPath is not null;
        string file = Path.GetFullPath(configPath ?? EnclaveOptions.DefaultConfigFile);
        if (explicitFile && !File.Exists(file))
        {
            throw new UsageException($"--config: file '{file}' does not exist.");
        }

        var builder = new ConfigurationBuilder()
            .AddJsonFile(file, optional: !explicitFile, reloadOnChange: false)
            .AddInMemoryCollection(FromEnvironment(environment))
            .AddInMemoryCollection(FromCommandLine(overrides));
        IConfigurationRoot configuration;
        try
        {
            configuration = builder.Build();
        }
        catch (InvalidDataException e)
        {
            throw new UsageException(
                $"--config: '{file}' is not valid JSON: {e.InnerException?.Message ?? e.Message}", e);
        }

        var options = new EnclaveOptions();
        try
        {
            // A misspelt setting would otherwise be ignored, and the appliance would run with
            // the default it was meant to replace.
            configuration.GetSection(EnclaveOptions.Section).Bind(
                options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            throw new UsageException($"configuration: {e.Message}", e);
        }

        Validate(options);
        options.StateDirectory = Path.GetFullPath(options.StateDirectory);
        return options;
    }

    /// <summary>The process environment, as <see cref="LoadOptions"/> takes it.</summary>
    public static IReadOnlyDictionary<string, string?> ProcessEnvironment()
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            variables[(string)entry.Key] = entry.Value as string;
        }

        return variables;
    }

    /// <summary>SECUREFED_Enclave__Listen becomes Enclave:Listen, as .NET's own provider maps it.</summary>
    private static Dictionary<string, string?> FromEnvironment(
        IReadOnlyDictionary<string, string?> environment)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in environment.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            if (name.Length > EnvironmentPrefix.Length
                && name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            {
                string key = name[EnvironmentPrefix.Length..];
                settings[key.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] = value;
            }
        }

        return settings;
    }

    private static Dictionary<string, string?> FromCommandLine(EnclaveOverrides overrides)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        Add(nameof(EnclaveOptions.StateDirectory), overrides.StateDirectory);
        Add(nameof(EnclaveOptions.Listen), overrides.Listen);
        Add(nameof(EnclaveOptions.MetricsListen), overrides.MetricsListen);
        Add(
            nameof(EnclaveOptions.TaskPollSeconds),
            overrides.TaskPollSeconds?.ToString(CultureInfo.InvariantCulture));
        return settings;

        void Add(string name, string? value)
        {
            if (value is not null)
            {
                settings[ConfigurationPath.Combine(EnclaveOptions.Section, name)] = value;
            }
        }
    }

    private static void Validate(EnclaveOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.StateDirectory))
        {
            throw new UsageException("The state directory (--state-dir, Enclave:StateDirectory) is empty.");
        }

        try
        {
            _ = EnclaveOptions.ParseEndpoint(options.Listen, "--listen (Enclave:Listen)");
            if (!string.IsNullOrEmpty(options.MetricsListen))
            {
                _ = EnclaveOptions.ParseEndpoint(
                    options.MetricsListen, "--metrics-listen (Enclave:MetricsListen)");
            }

            if (options.Schedule.IntervalSeconds < 0)
            {
                throw new FormatException("Schedule:IntervalSeconds must not be negative.");
            }

            // The scheduler checks the settings against the federation at start-up as well;
            // this catches what needs no state, before anything is opened.
            if (options.Schedule.Enabled)
            {
                _ = options.Schedule.ToRequest();
            }
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message, e);
        }

        if (options.MaxConcurrentUploads is < 0 or > 1024)
        {
            throw new UsageException(
                $"Enclave:MaxConcurrentUploads must be from 0 (one per processor) to 1024, "
                + $"not {options.MaxConcurrentUploads}.");
        }

        if (options.TaskPollSeconds is < 1 or > MaxTaskPollSeconds)
        {
            throw new UsageException(
                $"--task-poll-seconds (Enclave:TaskPollSeconds) must be from 1 to {MaxTaskPollSeconds}, " +
                $"not {options.TaskPollSeconds}.");
        }
    }
}
