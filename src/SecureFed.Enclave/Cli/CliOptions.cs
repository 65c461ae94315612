using System.CommandLine;
using System.Globalization;
using SecureFed.Enclave.Storage;

namespace SecureFed.Enclave.Cli;

/// <summary>
/// Options shared by the appliance's commands, and their checks. Values are read as text and
/// checked here, so that every bad value gets exit code 2 and a message naming the option.
/// </summary>
internal static class CliOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object." };

    public static Option<string> StateDir(string description) => new("--state-dir")
    {
        Description = description,
    };

    /// <summary>The value of an option that must be given.</summary>
    public static string Required(ParseResult parse, Option<string> option) =>
        parse.GetValue(option) is { Length: > 0 } value
            ? value
            : throw new UsageException($"{option.Name} is required.");

    /// <summary>The full path of a file that must exist.</summary>
    public static string ExistingFile(ParseResult parse, Option<string> option)
    {
        string path = Path.GetFullPath(Required(parse, option));
        return File.Exists(path)
            ? path
            : throw new UsageException($"{option.Name}: file '{path}' does not exist.");
    }

    /// <summary>The full path of a state directory that <c>init</c> has initialised.</summary>
    public static string InitialisedStateDir(ParseResult parse, Option<string> option) =>
        InitialisedStateDir(Required(parse, option), option.Name);

    /// <summary>The full path of <paramref name="directory"/>, which must hold appliance state.</summary>
    public static string InitialisedStateDir(string directory, string option)
    {
        string path = Path.GetFullPath(directory);
        return File.Exists(Path.Combine(path, EnclaveDatabase.FileName))
            ? path
            : throw new UsageException(
                $"{option}: no appliance state in '{path}'; run 'securefed-enclave init' first.");
    }

    /// <summary>A positive finite number, or <paramref name="fallback"/> when absent.</summary>
    public static double Positive(ParseResult parse, Option<string> option, double fallback)
    {
        string? text = parse.GetValue(option);
        if (text is null)
        {
            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            || !double.IsFinite(value)
            || value <= 0)
        {
            throw new UsageException($"{option.Name} must be a positive number, not '{text}'.");
        }

        return value;
    }

    /// <summary>
    /// A whole number in [<paramref name="min"/>, <paramref name="max"/>], or null when the
    /// option is absent.
    /// </summary>
    public static int? Integer(ParseResult parse, Option<string> option, int min, int max)
    {
        string? text = parse.GetValue(option);
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value)
            || value < min
            || value > max)
        {
            throw new UsageException(
                $"{option.Name} must be a whole number from {min} to {max}, not '{text}'.");
        }

        return value;
    }

    /// <summary>Lower-case hex, as the other SecureFed tools print ids and keys.</summary>
    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
