using System.CommandLine;
using System.Globalization;

namespace SecureFed.Client.Cli;

/// <summary>
/// Options shared by the participant and operator commands, and their checks. As with
/// <see cref="PkiOptions"/>, values are read as text and checked here so that every bad value
/// gets exit code 2 and a message naming the option.
/// </summary>
internal static class ClientOptions
{
    public static Option<string> StateDir() => new("--state-dir")
    {
        Description = "The participant's state folder (mode 0700).",
    };

    public static Option<string> Enclave() => new("--enclave")
    {
        Description = "The appliance's address, https://HOST:PORT.",
    };

    public static Option<string> CaCert() => new("--ca-cert")
    {
        Description = "The federation CA's certificate (PEM).",
    };

    public static Option<string> Cert() => new("--cert")
    {
        Description = "This participant's TLS certificate (PEM), issued by the federation CA.",
    };

    public static Option<string> Key() => new("--key")
    {
        Description = "The certificate's private key (PEM, mode 0600).",
    };

    /// <summary>An https://host:port address.</summary>
    public static Uri EnclaveAddress(ParseResult parse, Option<string> option)
    {
        string text = PkiOptions.Required(parse, option);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var address)
            || address.Scheme != Uri.UriSchemeHttps
            || address.AbsolutePath != "/"
            || !string.IsNullOrEmpty(address.Query))
        {
            throw new UsageException($"{option.Name} must be https://HOST:PORT, not '{text}'.");
        }

        return address;
    }

    /// <summary>The path of a file that must exist.</summary>
    public static string ExistingFile(ParseResult parse, Option<string> option)
    {
        string path = Path.GetFullPath(PkiOptions.Required(parse, option));
        return File.Exists(path)
            ? path
            : throw new UsageException($"{option.Name}: file '{path}' does not exist.");
    }

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>], or
    /// <paramref name="fallback"/> when the option is absent.</summary>
    public static int Integer(ParseResult parse, Option<string> option, int min, int max, int? fallback = null)
    {
        string? text = parse.GetValue(option);
        if (text is null)
        {
            return fallback ?? throw new UsageException($"{option.Name} is required.");
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value)
            || value < min
            || value > max)
        {
            throw new UsageException($"{option.Name} must be a whole number from {min} to {max}, not '{text}'.");
        }

        return value;
    }

    /// <summary>A number in [0, 1), or <paramref name="fallback"/> when the option is absent.</summary>
    public static double Fraction(ParseResult parse, Option<string> option, double fallback) =>
        Real(parse, option, fallback, v => v >= 0 && v < 1, "a number from 0 up to (not including) 1");

    /// <summary>A positive finite number, or <paramref name="fallback"/> when absent.</summary>
    public static double Positive(ParseResult parse, Option<string> option, double fallback) =>
        Real(parse, option, fallback, v => double.IsFinite(v) && v > 0, "a positive number");

    private static double Real(
        ParseResult parse, Option<string> option, double fallback, Func<double, bool> valid, string wanted)
    {
        string? text = parse.GetValue(option);
        if (text is null)
        {
            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            || !valid(value))
        {
            throw new UsageException($"{option.Name} must be {wanted}, not '{text}'.");
        }

        return value;
    }
}
